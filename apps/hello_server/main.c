/*
 * \brief  Hello server: announces the Hello service
 *
 * Each session is an RPC object of its own, allocated when the parent asks
 * the root for it and freed when the parent closes it. make_counter() hands
 * the client a capability to yet another fresh object.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/session_args.h>
#include <nest/session/hello.h>
#include <nest/session/root.h>

NEST_RPC_DISPATCH(hello, HELLO_INTERFACE)
NEST_RPC_DISPATCH(counter, COUNTER_INTERFACE)
NEST_RPC_DISPATCH(root, ROOT_INTERFACE)

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
	struct hello_server   *next;
};

struct root_server {
	struct nest_rpc_object object;
	struct nest_env       *env;
	struct hello_server   *sessions;
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
		if (nest_ep_manage(&s->env->ep, &c->object, counter_dispatch, c)) {
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

enum nest_error root_serve_session(struct root_server *root, const char *args,
                                   struct nest_cap *session)
{
	struct hello_server *s = calloc(1, sizeof(*s));
	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	s->env = root->env;
	if (nest_args_str(args, "label", s->label, sizeof(s->label)))
		strcpy(s->label, "?");
	if (nest_ep_manage(&root->env->ep, &s->object, hello_dispatch, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	s->next = root->sessions;
	root->sessions = s;
	nest_log(root->env, "new session for \"%s\"", s->label);
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
	struct nest_rpc_object *o = nest_ep_lookup(&root->env->ep, session);
	for (struct hello_server **p = &root->sessions; o && *p; p = &(*p)->next) {
		struct hello_server *s = *p;
		if (&s->object != o)
			continue;
		*p = s->next;
		for (unsigned i = 0; i < MAX_COUNTERS; i++)
			if (s->counters[i]) {
				nest_ep_dissolve(&s->counters[i]->object);
				free(s->counters[i]);
			}
		nest_log(root->env, "closed session of \"%s\"", s->label);
		nest_ep_dissolve(&s->object);
		free(s);
		return NEST_OK;
	}
	return NEST_ERR_INVALID_CAP;
}

void component_construct(struct nest_env *env)
{
	static struct root_server root;
	enum nest_error err;

	root.env = env;
	err = nest_ep_manage(&env->ep, &root.object, root_dispatch, &root);
	if (!err)
		err = nest_env_announce(env, "Hello", root.object.cap);
	if (err) {
		nest_log(env, "Error: cannot announce the Hello service: %s", nest_error_name(err));
		nest_env_exit(env, 1);
	}
	nest_log(env, "Hello service announced");
}
