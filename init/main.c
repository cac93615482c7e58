/*
 * \brief  Init: the runtime that starts the children of its config
 *
 * Init reads its configuration from the ROM module "config" and hands it to
 * the sandbox library, which does the rest: start, route, account, destroy.
 * When the ROM changes (its server signals), init applies the new version
 * to the running system; a config that is not valid is reported and the
 * last good one stays in force.
 */
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/rom.h>
#include "init/sandbox/sandbox.h"

/* enough for a config of 64 KiB from a ROM server that charges its readers
 * for the content they hold, as report_rom does */
static const char config_rom_args[] = "label=\"config\", ram_quota=68K, cap_quota=2";

struct main {
	struct nest_env           *env;
	struct nest_client         config_rom;
	struct nest_signal_handler config_handler;
	struct sandbox             sandbox;
};

static enum nest_error apply_config(struct main *main)
{
	struct nest_cap ds = NEST_CAP_INVALID;
	uint64_t size = 0;
	void *addr = NULL;
	enum nest_error err;

	err = rom_dataspace(&main->config_rom, &ds, &size);
	if (!err && !size) {
		/* a config ROM fed by a report before the first report */
		nest_log(main->env, "Warning: config is empty");
		return NEST_OK;
	}
	if (!err)
		err = nest_env_attach(main->env, ds, size, false, &addr);
	if (!err)
		err = sandbox_apply_config(&main->sandbox, addr, size);
	if (addr)
		plat_unmap(addr, size);
	nest_cap_release(&ds);
	return err;
}

static void handle_config_update(void *state, uint64_t count)
{
	struct main *main = state;
	uint32_t changed = 0;
	enum nest_error err;
	(void)count;

	if (rom_update(&main->config_rom, &changed) || !changed)
		return;
	err = apply_config(main);
	if (err && err != NEST_ERR_SYNTAX)
		nest_log(main->env, "Error: cannot read config: %s", nest_error_name(err));
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	struct nest_cap session;
	enum nest_error err;

	main.env = env;
	sandbox_init(&main.sandbox, env);
	err = nest_env_session(env, "ROM", config_rom_args, &session);
	if (!err) {
		nest_client_init(&main.config_rom, session);
		if (nest_signal_handler_init(&env->ep, &main.config_handler, handle_config_update,
		                             &main) == NEST_OK)
			rom_sigh(&main.config_rom, nest_signal_cap(&main.config_handler));
		err = apply_config(&main);
	}
	if (err && err != NEST_ERR_SYNTAX)
		nest_log(env, "Error: cannot read config: %s", nest_error_name(err));
}
