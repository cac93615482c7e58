/*
 * \brief  Hello server: announces the Hello service
 *
 * Each session is an RPC object of its own, allocated when the parent asks
 * the root for it and freed when the parent closes it. make_counter() hands
 * the client a capability to yet another fresh object, revoked with the
 * session.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/root.h>
#include <nest/session_args.h>
#include <nest/session/hello.h>

NEST_RPC_DISPATCH(hello, HELLO_INTERFACE)
NEST_RPC_DISPATCH(counter, COUNTER_INTERFACE)

enum { MAX_COUNTERS = 4 };

struct counter_server {
	struct nest_rpc_object object;
	uint32_t               value;
};

struct hello_server {
	struct nest_rpc_object object;
	struct nest_env       *env;
	char                   label[160];
	struct counter_server *counters[MAX_COUNTERS];
};

enum nest_error counter_serve_increment(struct counter_server *c, uint32_t *value)
{
	*value = ++c->value;
	return NEST_OK;
}

enum nest_error hello_serve_add(struct hello_server *s, int32_t a, int32_t b, int32_t *sum)
{
	(void)s;
	*sum = a + b;
	return NEST_OK;
}

enum nest_error hello_serve_say(struct hello_server *s, const char *text)
{
	nest_log(s->env, "%s says: %s", s->label, text);
	return NEST_OK;
}

enum nest_error hello_serve_make_counter(struct hello_server *s, uint32_t start,
                                         struct nest_cap *counter)
{
	for (unsigned i = 0; i < MAX_COUNTERS; i++) {
		struct counter_server *c;
		if (s->counters[i])
			continue;
		if (!(c = calloc(1, sizeof(*c))))
			return NEST_ERR_OUT_OF_RAM;
		if (nest_ep_manage(&s->env->ep, &c->object, counter, c)) {
			free(c);
			return NEST_ERR_OUT_OF_CAPS;
		}
		c->value = start;
		s->counters[i] = c;
		*counter = c->object.cap;
		return NEST_OK;
	}
	return NEST_ERR_OUT_OF_CAPS;
}

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	struct nest_env *env = state;
	struct hello_server *s = calloc(1, sizeof(*s));
	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	s->env = env;
	if (nest_args_label(args, s->label, sizeof(s->label)))
		strcpy(s->label, "?");
	if (nest_ep_manage(&env->ep, &s->object, hello, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	nest_log(env, "new session for \"%s\"", s->label);
	*object = &s->object;
	return NEST_OK;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	struct hello_server *s = object->state;
	for (unsigned i = 0; i < MAX_COUNTERS; i++)
		if (s->counters[i]) {
			nest_ep_dissolve(&s->counters[i]->object);
			free(s->counters[i]);
		}
	nest_log(state, "closed session of \"%s\"", s->label);
	nest_ep_dissolve(&s->object);
	free(s);
}

void component_construct(struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };
	static struct root_server root;
	enum nest_error err = nest_root_announce(env, &root, "Hello", &ops, env);

	if (err) {
		nest_log(env, "Error: cannot announce the Hello service: %s", nest_error_name(err));
		nest_env_exit(env, 1);
	}
	nest_log(env, "Hello service announced");
}
