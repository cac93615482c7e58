/*
 * \brief  The Root interface served for a server, from its create and destroy
 */
#include <stdlib.h>
#include <nest/root.h>
#include <nest/session/root.h>

NEST_RPC_DISPATCH(root, ROOT_INTERFACE)

struct nest_root_session {
	struct nest_rpc_object   *object;
	struct nest_root_session *next;
};

enum nest_error root_serve_session(struct root_server *root, const char *args,
                                   struct nest_cap *session)
{
	struct nest_root_session *s = malloc(sizeof(*s));
	enum nest_error err;

	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	err = root->ops->create(root->state, args, &s->object);
	if (err) {
		free(s);
		return err;
	}
	s->next = root->sessions;
	root->sessions = s;
	*session = s->object->cap;
	return NEST_OK;
}

enum nest_error root_serve_upgrade(struct root_server *root, struct nest_cap session,
                                   const char *args)
{
	struct nest_rpc_object *object = nest_ep_lookup(&root->env->ep, session);
	for (struct nest_root_session *s = root->sessions; object && s; s = s->next)
		if (s->object == object) {
			if (root->ops->upgrade)
				root->ops->upgrade(root->state, object, args);
			return NEST_OK;
		}
	return NEST_ERR_INVALID_CAP;
}

enum nest_error root_serve_close(struct root_server *root, struct nest_cap session)
{
	struct nest_rpc_object *object = nest_ep_lookup(&root->env->ep, session);
	for (struct nest_root_session **s = &root->sessions; object && *s; s = &(*s)->next) {
		struct nest_root_session *found = *s;
		if (found->object != object)
			continue;
		*s = found->next;
		root->ops->destroy(root->state, object);
		free(found);
		return NEST_OK;
	}
	return NEST_ERR_INVALID_CAP;
}

enum nest_error nest_root_announce(struct nest_env *env, struct root_server *root,
                                   const char *service, const struct nest_root_ops *ops,
                                   void *state)
{
	enum nest_error err;
	root->env      = env;
	root->ops      = ops;
	root->state    = state;
	root->sessions = NULL;
	err = nest_ep_manage(&env->ep, &root->object, root, root);
	if (!err)
		err = nest_env_announce(env, service, root->object.cap);
	return err;
}
