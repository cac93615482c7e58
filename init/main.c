/*
 * \brief  Init: the runtime that starts the children of its config
 *
 * Init reads its configuration from the ROM module "config" and hands it to
 * the sandbox library, which does the rest: start, route, account, destroy.
 * When the ROM changes (its server signals), init applies the new version
 * to the running system; a config that is not valid is reported and the
 * last good one stays in force.
 */
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/session/rom.h>
#include "init/sandbox/sandbox.h"

/* enough for a config of 64 KiB from a ROM server that charges its readers
 * for the content they hold, as report_rom does */
static const char config_rom_args[] = "label=\"config\", ram_quota=68K, cap_quota=2";

struct main {
	struct nest_env           *env;
	struct nest_attached_rom   config;
	struct nest_signal_handler config_handler;
	struct sandbox             sandbox;
};

static void apply_config(struct main *main)
{
	enum nest_error err;

	if (!main->config.content) {
		/* a config ROM fed by a report before the first report */
		nest_log(main->env, "Warning: config is empty");
		return;
	}
	err = sandbox_apply_config(&main->sandbox, main->config.content, main->config.size);
	if (err && err != NEST_ERR_SYNTAX)
		nest_log(main->env, "Error: cannot apply config: %s", nest_error_name(err));
}

static void handle_config_update(void *state, uint64_t count)
{
	struct main *main = state;
	bool changed = false;
	enum nest_error err = nest_attached_rom_update(&main->config, &changed);
	(void)count;

	if (err)
		nest_log(main->env, "Error: cannot read config: %s", nest_error_name(err));
	else if (changed)
		apply_config(main);
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	bool changed = false;
	enum nest_error err;

	main.env = env;
	sandbox_init(&main.sandbox, env);
	if ((err = nest_attached_rom_open(&main.config, env, config_rom_args))) {
		nest_log(env, "Error: cannot read config: %s", nest_error_name(err));
		return;
	}
	/* a version that came between the first look and sigh is fetched too */
	if (nest_signal_handler_init(&env->ep, &main.config_handler, handle_config_update,
	                             &main) == NEST_OK)
		rom_sigh(&main.config.session, nest_signal_cap(&main.config_handler));
	nest_attached_rom_update(&main.config, &changed);
	apply_config(&main);
}
