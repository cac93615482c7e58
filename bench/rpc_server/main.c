/*
 * \brief  Server of the null-RPC benchmark: sessions with an empty call
 */
#include <stdlib.h>
#include <nest/env.h>
#include <nest/root.h>
#include <nest/session/bench.h>

NEST_RPC_DISPATCH(bench, BENCH_INTERFACE)

struct bench_server { struct nest_rpc_object object; };

enum nest_error bench_serve_null(struct bench_server *s)
{
	(void)s;
	return NEST_OK;
}

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	struct nest_env *env = state;
	struct bench_server *s = calloc(1, sizeof(*s));
	(void)args;
	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	if (nest_ep_manage(&env->ep, &s->object, bench, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*object = &s->object;
	return NEST_OK;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	(void)state;
	nest_ep_dissolve(object);
	free(object->state);
}

void component_construct(struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };
	static struct root_server root;
	if (nest_root_announce(env, &root, "Bench", &ops, env))
		nest_env_exit(env, 1);
}
