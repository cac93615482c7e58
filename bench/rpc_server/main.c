/*
 * \brief  Server of the null-RPC benchmark: one session, an empty call
 */
#include <nest/env.h>
#include <nest/session/bench.h>
#include <nest/session/root.h>

NEST_RPC_DISPATCH(bench, BENCH_INTERFACE)
NEST_RPC_DISPATCH(root, ROOT_INTERFACE)

struct bench_server { struct nest_rpc_object object; };

struct root_server {
	struct nest_rpc_object object;
	struct nest_env       *env;
	struct bench_server    session;
	int                    open;
};

enum nest_error bench_serve_null(struct bench_server *s)
{
	(void)s;
	return NEST_OK;
}

enum nest_error root_serve_session(struct root_server *root, const char *args,
                                   struct nest_cap *session)
{
	enum nest_error err;
	(void)args;
	if (root->open)
		return NEST_ERR_UNAVAILABLE;
	err = nest_ep_manage(&root->env->ep, &root->session.object, bench_dispatch, &root->session);
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
	nest_ep_dissolve(&root->session.object);
	root->open = 0;
	return NEST_OK;
}

void component_construct(struct nest_env *env)
{
	static struct root_server root;
	root.env = env;
	if (nest_ep_manage(&env->ep, &root.object, root_dispatch, &root) ||
	    nest_env_announce(env, "Bench", root.object.cap))
		nest_env_exit(env, 1);
}
