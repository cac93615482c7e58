/*
 * \brief  Init: the runtime that starts the children of its config
 *
 * Init reads its configuration from the ROM module "config" and hands it to
 * the sandbox library, which does the rest: start, route, account, destroy.
 */
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/rom.h>
#include "init/sandbox/sandbox.h"

struct main {
	struct nest_env   *env;
	struct nest_client config_rom;
	struct sandbox     sandbox;
};

static enum nest_error read_config(struct main *main)
{
	struct nest_cap session = NEST_CAP_INVALID, ds = NEST_CAP_INVALID;
	uint64_t size = 0;
	void *addr = NULL;
	enum nest_error err;

	err = nest_env_session(main->env, "ROM", "label=\"config\", ram_quota=4096, cap_quota=1",
	                       &session);
	if (err)
		return err;
	nest_client_init(&main->config_rom, session);
	err = rom_dataspace(&main->config_rom, &ds, &size);
	if (!err && size)
		err = nest_env_attach(main->env, ds, size, false, &addr);
	if (!err)
		err = sandbox_apply_config(&main->sandbox, size ? addr : "", size);
	if (addr)
		plat_unmap(addr, size);
	nest_cap_release(&ds);
	return err;
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	enum nest_error err;

	main.env = env;
	sandbox_init(&main.sandbox, env);
	err = read_config(&main);
	if (err && err != NEST_ERR_SYNTAX)
		nest_log(env, "Error: cannot read config: %s", nest_error_name(err));
}
