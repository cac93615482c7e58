/*
 * \brief  Sessions of children: routed creation, quota donation, closing
 *
 * The quota a client donates with a request moves from the client's PD to
 * the server's PD (or to init's own PD when the session goes to the parent,
 * which takes it from there), and moves back when the session is closed.
 * A request for a service whose server has not announced it yet waits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session_args.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/root.h>
#include "init/sandbox/sandbox.h"

static struct service *announced(struct sandbox *sb, struct child *server, const char *name)
{
	for (struct service *s = sb->services; s; s = s->next)
		if (s->server == server && strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* the PD the donation goes to: the server's, or init's own */
static struct nest_client *recipient_pd_client(struct sandbox *sb, const struct route *route)
{
	return route->kind == ROUTE_CHILD ? &route->server->pd : &sb->env->pd;
}

static struct nest_cap recipient_pd(struct sandbox *sb, const struct route *route)
{
	return recipient_pd_client(sb, route)->cap;
}

/* open the session where the route leads: init itself, its parent, or a child */
static enum nest_error open_session(struct child *client, const struct route *route,
                                    struct service *svc, const char *service,
                                    const char *server_args, struct nest_cap *cap,
                                    struct nest_rpc_object **local)
{
	struct sandbox *sb = client->sandbox;
	enum nest_error err;

	switch (route->kind) {
	case ROUTE_LOCAL:
		err = config_rom_create(client, local);
		if (!err)
			*cap = (*local)->cap;
		return err;
	case ROUTE_PARENT:
		return parent_session(&sb->env->parent, service, server_args, cap);
	case ROUTE_CHILD:
		err = root_session(&svc->root, server_args, cap);
		if (err == NEST_ERR_UNAVAILABLE) {       /* the call timed out */
			nest_log(sb->env, "Warning: %s did not answer the \"%s\" session request "
			         "of %s within %u ms", route->server->name, service, client->name,
			         ROOT_CALL_TIMEOUT_MS);
			err = NEST_ERR_DENIED;
		}
		return err;
	}
	return NEST_ERR_DENIED;
}

static void record_session(struct child *client, const struct route *route,
                           struct session *s, const char *service, const char *label,
                           struct nest_cap cap, struct nest_rpc_object *local,
                           uint64_t ram, uint64_t caps)
{
	struct sandbox *sb = client->sandbox;

	s->client = client;
	s->route  = *route;
	s->local  = local;
	s->cap    = local ? NEST_CAP_INVALID : cap;
	s->ram    = ram;
	s->caps   = caps;
	snprintf(s->service, sizeof(s->service), "%s", service);
	snprintf(s->label, sizeof(s->label), "%s", label);
	s->next = client->sessions;
	client->sessions = s;
	if (sb->verbose)
		nest_log(sb->env, "%s: session \"%s\" (label \"%s\") routed to %s", client->name,
		         service, label, route->kind == ROUTE_PARENT ? "parent" :
		         route->kind == ROUTE_LOCAL ? "its start node's <config>" :
		         route->server->name);
}

enum nest_error session_create(struct child *client, const char *service, const char *args,
                               struct nest_cap *cap)
{
	struct sandbox *sb = client->sandbox;
	char label[LABEL_LEN] = "", server_args[ARGS_LEN];
	uint64_t ram = 0, caps = 0;
	struct route route;
	struct service *svc = NULL;
	struct nest_rpc_object *local = NULL;
	struct session *s;
	enum nest_error err = NEST_OK;

	if (strlen(service) >= SERVICE_LEN || strlen(args) >= ARGS_LEN ||
	    nest_args_label(args, label, sizeof(label)) || nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;

	/* the session label is the client's name and the label it chose */
	snprintf(server_args, sizeof(server_args), "%s", args);
	if (nest_label_prepend(label, sizeof(label), client->name, label))
		return NEST_ERR_INVALID_ARGS;

	/* the child's own config ROM comes from its start node, as in Genode */
	if (!strcmp(service, "ROM") && !strcmp(nest_label_last(label), "config") &&
	    child_has_config(client))
		route.kind = ROUTE_LOCAL;
	else
		err = route_session(sb, client, service, label, sizeof(label), &route);
	if (err == NEST_ERR_NOT_FOUND) {
		nest_log(sb->env, "Warning: %s: no route to service \"%s\" (label=\"%s\")",
		         client->name, service, label);
		return NEST_ERR_DENIED;
	}
	if (err)
		return err;
	if (route.kind == ROUTE_CHILD && !(svc = announced(sb, route.server, service)))
		return NEST_ERR_UNAVAILABLE;           /* wait for the announcement */
	if (nest_args_set_str(server_args, sizeof(server_args), "label", label))
		return NEST_ERR_INVALID_ARGS;

	err = pd_transfer_quota(&client->pd, recipient_pd(sb, &route), ram, caps);
	if (err)
		return err;
	err = open_session(client, &route, svc, service, server_args, cap, &local);
	if (!err && !(s = calloc(1, sizeof(*s)))) {
		err = NEST_ERR_OUT_OF_RAM;
		if (local)
			config_rom_destroy(local);
		else
			nest_cap_release(cap);
	}
	if (err) {
		pd_transfer_quota(recipient_pd_client(sb, &route), client->pd.cap, ram, caps);
		return err;
	}
	record_session(client, &route, s, service, label, *cap, local, ram, caps);
	return NEST_OK;
}

static void unlink_session(struct session *s)
{
	for (struct session **p = &s->client->sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			return;
		}
}

/* give the donation back to the client; the server must have it free */
static void revert_donation(struct session *s)
{
	struct sandbox *sb = s->client->sandbox;
	enum nest_error err = pd_transfer_quota(recipient_pd_client(sb, &s->route),
	                                        s->client->pd.cap, s->ram, s->caps);
	if (err)
		nest_log(sb->env, "Warning: %s: cannot revert donation of %llu bytes for \"%s\" "
		         "session: %s", s->client->name, (unsigned long long)s->ram, s->service,
		         nest_error_name(err));
}

void session_close(struct session *s)
{
	struct sandbox *sb = s->client->sandbox;

	if (s->route.kind == ROUTE_LOCAL) {
		config_rom_destroy(s->local);
	} else if (s->route.kind == ROUTE_PARENT) {
		parent_close(&sb->env->parent, s->cap);
	} else {
		struct service *svc = announced(sb, s->route.server, s->service);
		if (svc)
			root_close(&svc->root, s->cap);
	}
	revert_donation(s);
	unlink_session(s);
	nest_cap_release(&s->cap);
	free(s);
}

/* the server is gone: its clients' sessions end, their donations return */
void sessions_of_server_closed(struct child *server)
{
	struct sandbox *sb = server->sandbox;
	for (struct child *c = sb->children; c; c = c->next) {
		struct session *s = c->sessions;
		while (s) {
			struct session *next = s->next;
			if (s->route.kind == ROUTE_CHILD && s->route.server == server) {
				revert_donation(s);
				unlink_session(s);
				nest_cap_release(&s->cap);
				free(s);
			}
			s = next;
		}
	}
}

void sessions_retry_pending(struct sandbox *sb)
{
	struct pending_request **p = &sb->pending;
	while (*p) {
		struct pending_request *r = *p;
		struct nest_cap cap = NEST_CAP_INVALID;
		enum nest_error err = session_create(r->client, r->service, r->args, &cap);
		if (err == NEST_ERR_UNAVAILABLE) {
			p = &r->next;
			continue;
		}
		*p = r->next;
		parent_reply_session(&sb->env->ep, &r->reply, err, cap);
		free(r);
	}
}
