/*
 * \brief  Writes two versions of a Report, 200 ms apart, for report_rom
 *
 * Together with report_reader it exercises report_rom (scenarios/report_rom):
 * the report is named "reporter -> state" there. Before reporting it checks
 * three refusals: reading its own report (no <policy> admits the label
 * "reporter -> state" for ROM), a second writer of the same report, and a
 * submit larger than the buffer. The first also orders it after report_rom's
 * announcements: a ROM request is answered only once report_rom announced
 * ROM, its last service, and init cannot yet reach a server's root while
 * that server waits for its next announcement to be answered.
 * It logs each version before submitting it, so that its line comes before
 * whatever a reader logs about that version. Afterwards it stays:
 * report_rom clears a report when its writer's session closes, as Genode's
 * does, so exiting would race a reader that starts late.
 */
#include <stdio.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/report.h>

enum { BUFFER_SIZE = 4096, INTERVAL_US = 200 * 1000 };

struct main {
	struct nest_env   *env;
	struct report_client report;
	char              *buffer;
	uint64_t           size;
};

static _Noreturn void fail(struct main *m, const char *what, enum nest_error err)
{
	nest_log(m->env, "reporter: FAILED: %s: %s", what, nest_error_name(err));
	nest_env_exit(m->env, 1);
}

static enum nest_error open_report(struct main *m, struct nest_cap *session)
{
	char args[160];

	snprintf(args, sizeof(args),
	         "label=\"state\", buffer_size=%u, ram_quota=%llu, cap_quota=%u", BUFFER_SIZE,
	         (unsigned long long)report_session_ram_quota(BUFFER_SIZE), REPORT_SESSION_CAPS);
	return nest_env_session(m->env, "Report", args, session);
}

static void expect(struct main *m, const char *what, enum nest_error got, enum nest_error want)
{
	if (got != want)
		fail(m, what, got);
	nest_log(m->env, "reporter: %s: %s", what, nest_error_name(got));
}

static void submit(struct main *m, unsigned version)
{
	int length = snprintf(m->buffer, m->size, "<state version=\"%u\"/>", version);
	enum nest_error err;

	nest_log(m->env, "reporter: submitting version %u", version);
	if ((err = report_submit(&m->report, (uint64_t)length)))
		fail(m, "submit", err);
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	struct main *m = &main;
	struct nest_cap session, second = NEST_CAP_INVALID, ds;
	enum nest_error err;
	void *addr;

	m->env = env;
	err = nest_env_session(env, "ROM", "label=\"state\", ram_quota=8K, cap_quota=2", &session);
	if (!err)
		nest_env_close(env, session);
	expect(m, "reading \"state\" myself", err, NEST_ERR_DENIED);

	if ((err = open_report(m, &session)))
		fail(m, "Report session", err);
	report_client_init(&m->report, session);
	if ((err = report_dataspace(&m->report, &ds, &m->size)) ||
	    (err = nest_env_attach(env, ds, m->size, true, &addr)))
		fail(m, "report buffer", err);
	m->buffer = addr;

	expect(m, "second writer of \"state\"", open_report(m, &second), NEST_ERR_EXISTS);
	expect(m, "submit beyond the buffer", report_submit(&m->report, m->size + 1),
	       NEST_ERR_INVALID_ARGS);

	submit(m, 1);
	plat_sleep_us(INTERVAL_US);
	submit(m, 2);
	nest_log(env, "reporter: done, keeping the report");
}
