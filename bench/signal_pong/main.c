/*
 * \brief  Answers every signal with a signal, for the signal benchmark
 */
#include <nest/env.h>
#include <nest/session/pong.h>
#include <nest/session/root.h>

NEST_RPC_DISPATCH(pong, PONG_INTERFACE)
NEST_RPC_DISPATCH(root, ROOT_INTERFACE)

struct pong_server {
	struct nest_rpc_object     object;
	struct nest_signal_handler handler;
	struct nest_cap            ping;
};

struct root_server {
	struct nest_rpc_object object;
	struct nest_env       *env;
	struct pong_server     session;
	int                    open;
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

enum nest_error root_serve_session(struct root_server *root, const char *args,
                                   struct nest_cap *session)
{
	enum nest_error err;
	(void)args;
	if (root->open)
		return NEST_ERR_UNAVAILABLE;
	err = nest_ep_manage(&root->env->ep, &root->session.object, pong_dispatch, &root->session);
	if (!err)
		err = nest_signal_handler_init(&root->env->ep, &root->session.handler, answer,
		                               &root->session);
	if (err)
		return err;
	root->open = 1;
	*session = root->session.object.cap;
	return NEST_OK;
}

enum nest_error root_serve_upgrade(struct root_server *root, struct nest_cap session,
                                   const char *args)
{
	(void)root; (void)session; (void)args;
	return NEST_OK;
}

enum nest_error root_serve_close(struct root_server *root, struct nest_cap session)
{
	(void)session;
	nest_signal_handler_fini(&root->session.handler);
	nest_ep_dissolve(&root->session.object);
	nest_cap_release(&root->session.ping);
	root->open = 0;
	return NEST_OK;
}

void component_construct(struct nest_env *env)
{
	static struct root_server root;
	root.env = env;
	if (nest_ep_manage(&env->ep, &root.object, root_dispatch, &root) ||
	    nest_env_announce(env, "Pong", root.object.cap))
		nest_env_exit(env, 1);
}
