/*
 * \brief  Relay server: keeps a capability it is handed and invokes it
 */
#include <stdlib.h>
#include <nest/env.h>
#include <nest/root.h>
#include <nest/session/hello.h>
#include <nest/session/relay.h>

NEST_RPC_DISPATCH(relay, RELAY_INTERFACE)

struct relay_server {
	struct nest_rpc_object object;
	struct nest_env       *env;
	struct counter_client  counter;
};

enum nest_error relay_serve_keep(struct relay_server *s, struct nest_cap counter)
{
	struct nest_cap copy;
	enum nest_error err = nest_cap_copy(counter, &copy);
	if (err)
		return err;
	counter_client_fini(&s->counter);
	counter_client_init(&s->counter, copy);
	return NEST_OK;
}

enum nest_error relay_serve_increment(struct relay_server *s, uint32_t *value)
{
	enum nest_error err = counter_increment(&s->counter, value);
	nest_log(s->env, "relay: invoked the handed-over counter: %s", nest_error_name(err));
	return err;
}

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	struct relay_server *s = calloc(1, sizeof(*s));
	(void)args;
	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	s->env = state;
	counter_client_init(&s->counter, NEST_CAP_INVALID);
	if (nest_ep_manage(&s->env->ep, &s->object, relay, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*object = &s->object;
	return NEST_OK;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	struct relay_server *s = object->state;
	(void)state;
	nest_ep_dissolve(&s->object);
	counter_client_fini(&s->counter);
	free(s);
}

void component_construct(struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };
	static struct root_server root;
	if (nest_root_announce(env, &root, "Relay", &ops, env))
		nest_env_exit(env, 1);
}
