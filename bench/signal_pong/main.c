/*
 * \brief  Answers every signal with a signal, for the signal benchmark
 */
#include <stdlib.h>
#include <nest/env.h>
#include <nest/root.h>
#include <nest/session/pong.h>

NEST_RPC_DISPATCH(pong, PONG_INTERFACE)

struct pong_server {
	struct nest_rpc_object     object;
	struct nest_signal_handler handler;
	struct nest_cap            ping;
};

static void answer(void *state, uint64_t count)
{
	struct pong_server *s = state;
	nest_signal_submit(s->ping, count);
}

enum nest_error pong_serve_exchange(struct pong_server *s, struct nest_cap ping,
                                    struct nest_cap *pong)
{
	nest_cap_release(&s->ping);
	if (nest_cap_copy(ping, &s->ping))
		return NEST_ERR_OUT_OF_CAPS;
	*pong = nest_signal_cap(&s->handler);
	return NEST_OK;
}

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	struct nest_env *env = state;
	struct pong_server *s = calloc(1, sizeof(*s));
	enum nest_error err;
	(void)args;
	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	err = nest_signal_handler_init(&env->ep, &s->handler, answer, s);
	if (!err && (err = nest_ep_manage(&env->ep, &s->object, pong, s)))
		nest_signal_handler_fini(&s->handler);
	if (err) {
		free(s);
		return err;
	}
	*object = &s->object;
	return NEST_OK;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	struct pong_server *s = object->state;
	(void)state;
	nest_signal_handler_fini(&s->handler);
	nest_ep_dissolve(&s->object);
	nest_cap_release(&s->ping);
	free(s);
}

void component_construct(struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };
	static struct root_server root;
	if (nest_root_announce(env, &root, "Pong", &ops, env))
		nest_env_exit(env, 1);
}
