/*
 * \brief  Reads the ROM "state" from report_rom until it shows version 2
 *
 * The other half of scenarios/report_rom: it reads what the ROM holds,
 * registers a signal context, and on each signal fetches the newer version
 * with update() and dataspace(), logging every content it sees. Whether it
 * starts before or after the first report does not matter: it looks once
 * more after it registered, so no version can slip between its first look
 * and its registration. It exits 0 once it saw version 2, 1 when refused or
 * after TIMEOUT_US without it. Started under a name without a policy in
 * report_rom's config, it shows the refusal.
 */
#include <stdio.h>
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/xml.h>
#include <nest/session/report.h>
#include <nest/session/rom.h>

enum { MAX_REPORT = 4096, LOG_MAX = 200 };

static const uint64_t TIMEOUT_US     = 8ull * 1000 * 1000;
static const uint64_t WANTED_VERSION = 2;

struct main {
	struct nest_env           *env;
	struct nest_attached_rom   rom;
	struct nest_signal_handler changed;
	bool                       done;
};

static _Noreturn void fail(struct main *m, const char *what, enum nest_error err)
{
	nest_log(m->env, "report_reader: %s: %s", what, nest_error_name(err));
	nest_env_exit(m->env, 1);
}

static void show(struct main *m)
{
	struct nest_xml_node state;
	uint64_t version = 0;

	if (!m->rom.content) {
		nest_log(m->env, "report_reader: no report yet");
		return;
	}
	nest_log(m->env, "report_reader: got %.*s",
	         (int)(m->rom.size < LOG_MAX ? m->rom.size : LOG_MAX), m->rom.content);
	if (nest_xml_parse(m->rom.content, m->rom.size, &state, NULL) == NEST_OK &&
	    nest_xml_has_type(&state, "state") &&
	    nest_xml_attr_u64(&state, "version", &version) && version == WANTED_VERSION)
		m->done = true;
}

static void handle_changed(void *state, uint64_t count)
{
	struct main *m = state;
	bool changed = false;
	enum nest_error err;

	(void)count;
	if ((err = nest_attached_rom_update(&m->rom, &changed)))
		fail(m, "FAILED: update", err);
	if (changed)
		show(m);
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	struct main *m = &main;
	char args[96];
	bool changed = false;
	uint64_t deadline = plat_time_us() + TIMEOUT_US;
	enum nest_error err;

	m->env = env;
	snprintf(args, sizeof(args), "label=\"state\", ram_quota=%llu, cap_quota=%u",
	         (unsigned long long)report_rom_session_ram_quota(MAX_REPORT),
	         REPORT_ROM_SESSION_CAPS);
	if ((err = nest_attached_rom_open(&m->rom, env, args)))
		fail(m, "ROM \"state\" refused", err);
	if ((err = nest_signal_handler_init(&env->ep, &m->changed, handle_changed, m)) ||
	    (err = rom_sigh(&m->rom.session, nest_signal_cap(&m->changed))))
		fail(m, "FAILED: signal handler", err);

	/* a report submitted before sigh took effect is fetched here */
	if ((err = nest_attached_rom_update(&m->rom, &changed)))
		fail(m, "FAILED: update", err);
	show(m);

	while (!m->done) {
		uint64_t now = plat_time_us();
		if (now >= deadline) {
			nest_log(env, "report_reader: FAILED: no version %llu within %llu s",
			         (unsigned long long)WANTED_VERSION,
			         (unsigned long long)(TIMEOUT_US / 1000000));
			nest_env_exit(env, 1);
		}
		err = nest_ep_dispatch_one_us(&env->ep, (int64_t)(deadline - now));
		if (err && err != NEST_ERR_UNAVAILABLE)
			fail(m, "FAILED: waiting", err);
	}
	nest_log(env, "report_reader: saw version %llu, done", (unsigned long long)WANTED_VERSION);
	nest_env_exit(env, 0);
}
