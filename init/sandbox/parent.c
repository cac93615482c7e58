/*
 * \brief  The parent interface init serves to each child
 *
 * Everything a child asks of the world arrives here: session requests
 * (routed, or kept waiting for their server), upgrades and closes,
 * announcements of the services its <provides> allows, its exit, requests
 * for more quota, answers to init's requests to yield quota, heartbeats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session_args.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/root.h>
#include "init/sandbox/sandbox.h"

NEST_RPC_DISPATCH(parent, PARENT_INTERFACE)

static struct session *session_by_cap(struct child *child, struct nest_cap cap)
{
	for (struct session *s = child->sessions; s; s = s->next)
		if (!s->env && (s->local ? nest_cap_same(s->local->cap, cap)
		                         : nest_cap_same(s->cap, cap)))
			return s;
	return NULL;
}

enum nest_error parent_serve_session(struct parent_server *p, const char *service,
                                     const char *args, struct nest_cap *cap)
{
	struct child *child = p->child;
	struct sandbox *sb = child->sandbox;
	int async = 0;
	enum nest_error err = session_create(child, service, args, NULL, cap, &async);

	/* async: the reply is deferred until the server's root answered */
	if (err != NEST_ERR_UNAVAILABLE)
		return err;
	return pending_request_add(sb, child, NULL, service, args);
}

enum nest_error parent_serve_upgrade(struct parent_server *p, struct nest_cap cap,
                                     const char *args)
{
	struct session *s = session_by_cap(p->child, cap);
	struct sandbox *sb = p->child->sandbox;
	uint64_t ram = 0, caps = 0;
	enum nest_error err;

	if (!s || (s->phase != SESSION_CAP_HANDED_OUT && s->phase != SESSION_UPGRADE_REQUESTED))
		return NEST_ERR_INVALID_CAP;
	if (!nest_text_printable(args) || nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	err = pd_transfer_quota(&p->child->pd, s->route.kind == ROUTE_CHILD
	                        ? s->route.server->pd.cap : sb->env->pd.cap, ram, caps);
	if (err)
		return err;
	s->ram  += ram;
	s->caps += caps;
	if (s->route.kind == ROUTE_LOCAL) {
		config_rom_upgrade(s->local, ram);
		return NEST_OK;
	}
	if (s->route.kind == ROUTE_PARENT)
		return parent_upgrade(&sb->env->parent, s->cap, args);
	/* the reply waits until the server has the quota, so that the client's
	 * next call finds it there */
	if ((err = session_upgrade(s, args)))
		return err;
	if (!nest_ep_defer(&sb->env->ep, &s->reply))
		s->upgrade_reply = 1;
	return NEST_OK;
}

enum nest_error parent_serve_close(struct parent_server *p, struct nest_cap cap)
{
	struct session *s = session_by_cap(p->child, cap);
	if (!s)
		return NEST_ERR_INVALID_CAP;
	/* the client's close returns once the server has closed: a call after
	 * it finds the session gone */
	if (session_close(s) && !nest_ep_defer(&p->child->sandbox->env->ep, &s->reply))
		s->close_reply = 1;
	return NEST_OK;
}

enum nest_error parent_serve_announce(struct parent_server *p, const char *name,
                                      struct nest_cap root, uint32_t more)
{
	struct child *child = p->child;
	struct sandbox *sb = child->sandbox;
	struct service *svc;

	if (!nest_text_printable(name))
		return NEST_ERR_INVALID_ARGS;
	if (!child_provides(child, name)) {
		nest_log(sb->env, "Error: %s: illegal announcement of service \"%s\"",
		         child->name, name);
		return NEST_ERR_DENIED;
	}
	if (nest_cap_copy(root, &root))
		return NEST_ERR_OUT_OF_CAPS;
	/* announced again: the new root replaces the old, nothing accumulates */
	if ((svc = service_announced(sb, child, name))) {
		root_client_fini(&svc->root);
	} else if ((svc = calloc(1, sizeof(*svc)))) {
		snprintf(svc->name, sizeof(svc->name), "%s", name);
		svc->server = child;
		svc->next = sb->services;
		sb->services = svc;
	} else {
		nest_cap_release(&root);
		return NEST_ERR_OUT_OF_RAM;
	}
	root_client_init(&svc->root, root);
	nest_client_timeout(&svc->root.rpc, ROOT_CALL_TIMEOUT_MS);
	if (sb->verbose)
		nest_log(sb->env, "child \"%s\" announces service \"%s\"", child->name, name);
	/* not now: the server waits for this reply (and sends its next
	 * announcement) and could not answer */
	if (!more)
		nest_signal_submit(nest_signal_cap(&sb->retry), 1);
	return NEST_OK;
}

void child_ended(struct child *child, int code)
{
	if (child->state != CHILD_RUNNING)
		return;
	child->state     = CHILD_EXITED;
	child->exit_code = code;
	nest_signal_submit(nest_signal_cap(&child->sandbox->sweep), 1);
}

enum nest_error parent_serve_exit(struct parent_server *p, int32_t code)
{
	if (p->child->state == CHILD_RUNNING)
		nest_log(p->child->sandbox->env, "child \"%s\" exited with exit value %d",
		         p->child->name, code);
	child_ended(p->child, code);
	return NEST_OK;
}

/* the child waits for a signal to its resource_avail context; init gives
 * when a config assigns more (child_apply_upgrade) */
enum nest_error parent_serve_resource_request(struct parent_server *p, const char *args)
{
	struct child *child = p->child;
	uint64_t ram = 0, caps = 0;

	if (!nest_text_printable(args) || nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	/* once per request: a child repeating itself cannot flood init's log */
	if (ram != child->requested_ram || caps != child->requested_caps)
		nest_log(child->sandbox->env, "child \"%s\" requests resources: %s", child->name,
		         args);
	child->requested_ram  = ram;
	child->requested_caps = caps;
	state_report_trigger_immediate(child->sandbox);
	return NEST_OK;
}

enum nest_error parent_serve_resource_avail_sigh(struct parent_server *p, struct nest_cap context)
{
	return nest_cap_replace(&p->child->resource_avail_sigh, context);
}

enum nest_error parent_serve_yield_sigh(struct parent_server *p, struct nest_cap context)
{
	return nest_cap_replace(&p->child->yield_sigh, context);
}

enum nest_error parent_serve_yield_request(struct parent_server *p, uint64_t *ram, uint64_t *caps)
{
	*ram  = p->child->yield_ram;
	*caps = p->child->yield_caps;
	return NEST_OK;
}

/* the child freed what it could: take it */
enum nest_error parent_serve_yield_response(struct parent_server *p)
{
	child_apply_downgrade(p->child);
	state_report_trigger(p->child->sandbox);
	return NEST_OK;
}

enum nest_error parent_serve_heartbeat_sigh(struct parent_server *p, struct nest_cap context)
{
	return nest_cap_replace(&p->child->heartbeat_sigh, context);
}

enum nest_error parent_serve_heartbeat_response(struct parent_server *p)
{
	p->child->outstanding_heartbeats = 0;
	return NEST_OK;
}

enum nest_error parent_server_manage(struct child *child)
{
	child->parent.child = child;
	return nest_ep_manage(&child->sandbox->env->ep, &child->parent.object, parent,
	                      &child->parent);
}
