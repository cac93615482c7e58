/*
 * \brief  Relay server: keeps a capability it is handed and invokes it
 */
#include <nest/env.h>
#include <nest/session/hello.h>
#include <nest/session/relay.h>
#include <nest/session/root.h>

NEST_RPC_DISPATCH(relay, RELAY_INTERFACE)
NEST_RPC_DISPATCH(root, ROOT_INTERFACE)

struct relay_server {
	struct nest_rpc_object object;
	struct nest_env       *env;
	struct nest_client     counter;
	int                    open;
};

struct root_server {
	struct nest_rpc_object object;
	struct relay_server    session;
};

enum nest_error relay_serve_keep(struct relay_server *s, struct nest_cap counter)
{
	struct nest_cap copy;
	enum nest_error err = nest_cap_copy(counter, &copy);
	if (err)
		return err;
	nest_client_fini(&s->counter);
	nest_client_init(&s->counter, copy);
	return NEST_OK;
}

enum nest_error relay_serve_increment(struct relay_server *s, uint32_t *value)
{
	enum nest_error err = counter_increment(&s->counter, value);
	nest_log(s->env, "relay: invoked the handed-over counter: %s", nest_error_name(err));
	return err;
}

enum nest_error root_serve_session(struct root_server *root, const char *args,
                                   struct nest_cap *session)
{
	struct relay_server *s = &root->session;
	enum nest_error err;
	(void)args;
	if (s->open)
		return NEST_ERR_UNAVAILABLE;
	err = nest_ep_manage(&s->env->ep, &s->object, relay_dispatch, s);
	if (err)
		return err;
	s->open = 1;
	*session = s->object.cap;
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
	nest_client_fini(&root->session.counter);
	root->session.open = 0;
	return NEST_OK;
}

void component_construct(struct nest_env *env)
{
	static struct root_server root;
	root.session.env = env;
	nest_client_init(&root.session.counter, NEST_CAP_INVALID);
	if (nest_ep_manage(&env->ep, &root.object, root_dispatch, &root) ||
	    nest_env_announce(env, "Relay", root.object.cap))
		nest_env_exit(env, 1);
}
