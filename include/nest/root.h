/*
 * \brief  A server's root: announces a service and manages its sessions
 *
 * A server describes how to create and destroy one session; the root does
 * the rest of the Root interface: it announces the service to the parent,
 * hands out each session's capability, and on close destroys only sessions
 * it made itself, whatever capability the parent passes.
 */
#ifndef NEST_ROOT_H
#define NEST_ROOT_H

#include <nest/env.h>

struct root_server;

struct nest_root_ops {
	/* a new session for args (label, quota); its RPC object is managed */
	enum nest_error (*create)(void *state, const char *args, struct nest_rpc_object **session);
	/* dissolve and free it */
	void            (*destroy)(void *state, struct nest_rpc_object *session);
	/* optional: the client donated more quota (args: ram_quota, cap_quota) */
	void            (*upgrade)(void *state, struct nest_rpc_object *session, const char *args);
};

struct nest_root_session;

struct root_server {
	struct nest_rpc_object      object;
	struct nest_env            *env;
	const struct nest_root_ops *ops;
	void                       *state;
	struct nest_root_session   *sessions;
};

enum nest_error nest_root_announce(struct nest_env *env, struct root_server *root,
                                   const char *service, const struct nest_root_ops *ops,
                                   void *state);

#endif
