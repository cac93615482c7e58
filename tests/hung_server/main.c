/*
 * \brief  A server that announces a service and never answers its root
 *
 * Its parent must not hang with it: init does not wait for a server's root,
 * so only the client of this server waits, and everybody else is served.
 */
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/root.h>

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	(void)state; (void)args; (void)object;
	plat_sleep_us(3600ull * 1000 * 1000);      /* as good as never */
	return NEST_ERR_DENIED;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	(void)state; (void)object;
}

void component_construct(struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };
	static struct root_server root;
	if (nest_root_announce(env, &root, "Hello", &ops, env))
		nest_env_exit(env, 1);
}
