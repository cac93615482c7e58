/*
 * \brief  Sessions of children: routed creation, quota donation, closing
 *
 * The quota a client donates with a request moves from the client's PD to
 * the server's PD (or to init's own PD when the session goes to the parent,
 * which takes it from there), and moves back when the session is closed.
 * A request for a service whose server has not announced it yet waits.
 * The environment sessions init opens to start a child (its PD, the ROM of
 * its binary) are routed the same way, but paid by init.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session_args.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/root.h>
#include "init/sandbox/sandbox.h"

struct service *service_announced(struct sandbox *sb, struct child *server, const char *name)
{
	for (struct service *s = sb->services; s; s = s->next)
		if (s->server == server && strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* the PD a donation goes to: the server's, or init's own */
static struct pd_client *recipient_pd(struct sandbox *sb, const struct route *route)
{
	return route->kind == ROUTE_CHILD ? &route->server->pd : &sb->env->pd;
}

/* the PD that pays: the client's, or init's for an environment session
 * and for a client that is gone (init took back what it had) */
static struct pd_client *payer_pd(const struct session *s)
{
	return s->env || !s->client ? &s->sandbox->env->pd : &s->client->pd;
}

static bool moves(const struct pd_client *from, const struct pd_client *to,
                  uint64_t ram, uint64_t caps)
{
	return from != to && (ram || caps);
}

static enum nest_error donate(struct pd_client *from, struct pd_client *to,
                              uint64_t ram, uint64_t caps)
{
	if (!moves(from, to, ram, caps))
		return NEST_OK;
	return pd_transfer_quota(from, to->cap, ram, caps);
}

/* two donations, both or neither, in one call to core where both move */
static enum nest_error donate_two(struct pd_client *from, struct pd_client *to,
                                  uint64_t ram, uint64_t caps,
                                  struct pd_client *second_from, struct pd_client *second_to,
                                  uint64_t second_ram, uint64_t second_caps)
{
	if (!moves(second_from, second_to, second_ram, second_caps))
		return donate(from, to, ram, caps);
	if (!moves(from, to, ram, caps))
		return donate(second_from, second_to, second_ram, second_caps);
	return pd_transfer_quotas(from, to->cap, ram, caps, second_from->cap, second_to->cap,
	                          second_ram, second_caps);
}

struct nest_async_call *async_call_new(void (*done)(struct nest_async_call *), void *state)
{
	struct nest_async_call *call = calloc(1, sizeof(*call));
	if (call) {
		call->done  = done;
		call->state = state;
	}
	return call;
}

enum nest_error reply_later(struct sandbox *sb, const struct nest_reply *deferred,
                            struct nest_reply *reply)
{
	if (!deferred)
		return nest_ep_defer(&sb->env->ep, reply);
	*reply = *deferred;
	return NEST_OK;
}

/* open the session where the route leads: init itself, its parent, or (for
 * an environment session, which the child's start waits for) a child */
static enum nest_error open_session(struct child *client, const struct route *route,
                                    struct service *svc, const char *service,
                                    const char *server_args, struct nest_cap *cap,
                                    struct nest_rpc_object **local)
{
	struct sandbox *sb = client->sandbox;
	enum nest_error err;

	switch (route->kind) {
	case ROUTE_LOCAL: {
		uint64_t ram = 0, caps = 0;
		nest_args_quota(server_args, &ram, &caps);
		err = config_rom_create(client, ram, local);
		if (!err)
			*cap = (*local)->cap;
		return err;
	}
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

static const char *route_target_name(const struct route *route)
{
	return route->kind == ROUTE_PARENT ? "parent" :
	       route->kind == ROUTE_LOCAL ? "its start node's <config>" : route->server->name;
}

static void unlink_session(struct session *s);
static enum nest_error close_at_server(struct session *s);
static void keep_denied(struct child *client, const char *service, const char *label, int env);

/* a client that is still there gets the price of its record back (one
 * that is gone left it to init with the rest of its quota) */
static bool record_returns(const struct session *s)
{
	return s->client && s->record_ram && nest_cap_valid(s->client->pd.cap);
}

/* the record goes, its price paid back or not */
static void forget_record(struct session *s)
{
	struct sandbox *sb = s->sandbox;
	sb->record_ram  -= s->record_ram;
	sb->record_caps -= s->record_caps;
	free(s->args);
	free(s);
}

static void free_record(struct session *s)
{
	if (record_returns(s))
		donate(&s->sandbox->env->pd, &s->client->pd, s->record_ram, s->record_caps);
	forget_record(s);
}

static void forget_detached(struct session *s)
{
	for (struct session **o = &s->sandbox->detached; *o; o = &(*o)->next)
		if (*o == s) {
			*o = s->next;
			return;
		}
}

/* the server answered a request of a client that ended meanwhile: what it
 * made is closed; the donation goes to init, which has the client's quota */
static void orphan_created(struct session *s, enum nest_error err, struct nest_cap cap)
{
	struct sandbox *sb = s->sandbox;

	s->cap = cap;
	if (!err && close_at_server(s) == NEST_OK)
		return;
	nest_cap_release(&s->cap);
	donate(&s->route.server->pd, &sb->env->pd, s->ram, s->caps);
	forget_detached(s);
	free_record(s);
}

/* the server's root answered: the client gets its reply now */
static void session_created(struct nest_async_call *call)
{
	struct session *s = call->state;
	struct sandbox *sb = s->sandbox;
	struct nest_cap cap = NEST_CAP_INVALID;
	enum nest_error err = root_session_result(call, &cap);

	free(s->call);
	s->call = NULL;
	if (!s->client) {
		orphan_created(s, err, cap);
		return;
	}
	if (err) {
		struct child *client = s->client;
		int env = s->env;
		donate(recipient_pd(sb, &s->route), payer_pd(s), s->ram, s->caps);
		if (!env)
			parent_reply_session(&sb->env->ep, &s->reply, err, NEST_CAP_INVALID);
		unlink_session(s);
		if (err == NEST_ERR_DENIED)
			keep_denied(client, s->service, s->label, env);
		free_record(s);
		if (env)
			child_environment_ready(client);
	} else {
		s->cap   = cap;
		s->phase = SESSION_CAP_HANDED_OUT;
		if (s->env)
			child_environment_ready(s->client);
		else
			parent_reply_session(&sb->env->ep, &s->reply, NEST_OK, cap);
	}
	state_report_trigger(sb);
}

/* ask the server's root without waiting for it: a server that is slow or
 * calls init itself from its root must not stall init */
static enum nest_error request_at_server(struct session *s, struct service *svc,
                                         const char *server_args,
                                         const struct nest_reply *deferred)
{
	struct sandbox *sb = s->sandbox;
	enum nest_error err;

	if (!(s->call = async_call_new(session_created, s)))
		return NEST_ERR_OUT_OF_RAM;
	err = root_session_async(&sb->env->ep, svc->root.cap, s->call, server_args);
	/* an environment session's answer goes to the child's start, no caller */
	if (!err && !s->env && (err = reply_later(sb, deferred, &s->reply)))
		nest_call_async_cancel(s->call);
	if (err) {
		free(s->call);
		s->call = NULL;
	}
	return err;
}

/*
 * The common path of both kinds of session: route, donate, open, record.
 * label is the full label; args the request's, its label replaced.
 */
/*
 * A denied request stays in the report (Genode's SERVICE_DENIED), the
 * newest DENIED_KEPT of each client: a record that holds nothing, neither
 * quota nor capability, dropped when the client ends.
 */
static void keep_denied(struct child *client, const char *service, const char *label, int env)
{
	enum { DENIED_KEPT = 4 };
	struct session *s, **oldest = NULL;
	unsigned kept = 0;

	for (struct session **p = &client->sessions; *p; p = &(*p)->next)
		if ((*p)->phase == SESSION_SERVICE_DENIED) {
			kept++;
			oldest = p;                   /* the list is newest first */
		}
	if (kept >= DENIED_KEPT) {
		s = *oldest;
		*oldest = s->next;
		free_record(s);
	}
	if (!(s = calloc(1, sizeof(*s))))
		return;
	s->sandbox    = client->sandbox;
	s->client     = client;
	s->env        = env;
	s->phase      = SESSION_SERVICE_DENIED;
	s->route.kind = ROUTE_PARENT;             /* no server of init's lists it */
	snprintf(s->service, sizeof(s->service), "%s", service);
	snprintf(s->label, sizeof(s->label), "%s", label);
	snprintf(s->route.label, sizeof(s->route.label), "%s", label);
	s->next = client->sessions;
	client->sessions = s;
	state_report_trigger(client->sandbox);
}

static enum nest_error establish(struct child *client, const char *service, const char *label,
                                 const char *args, int env, uint64_t ram, uint64_t caps,
                                 const struct nest_reply *deferred, struct nest_cap *cap,
                                 int *async)
{
	struct sandbox *sb = client->sandbox;
	char server_args[ARGS_LEN];
	struct route route = { .kind = ROUTE_LOCAL };
	struct service *svc = NULL;
	struct nest_rpc_object *local = NULL;
	struct session *s;
	enum nest_error err = NEST_OK;

	/* the child's own config ROM comes from its start node, as in Genode */
	if (!env && !strcmp(service, "ROM") && !strcmp(nest_label_last(label), "config") &&
	    child_has_config(client))
		snprintf(route.label, sizeof(route.label), "%s", label);
	else
		err = route_session(sb, client, service, label, 0, &route);
	if (err == NEST_ERR_NOT_FOUND) {
		nest_log(sb->env, "Warning: %s: no route to service \"%s\" (label=\"%s\")",
		         client->name, service, label);
		keep_denied(client, service, label, env);
		return NEST_ERR_DENIED;
	}
	if (err)
		return err;
	if (route.kind == ROUTE_CHILD && (route.server->state != CHILD_RUNNING ||
	                                  !(svc = service_announced(sb, route.server, service))))
		return NEST_ERR_UNAVAILABLE;           /* wait for the announcement */
	snprintf(server_args, sizeof(server_args), "%s", args);
	if (nest_args_set_str(server_args, sizeof(server_args), "label", route.label))
		return NEST_ERR_INVALID_ARGS;
	if (!(s = calloc(1, sizeof(*s))))
		return NEST_ERR_OUT_OF_RAM;
	s->sandbox = sb;
	s->client  = client;
	s->route   = route;
	s->ram     = ram;
	s->caps    = caps;
	s->env     = env;
	s->args    = strdup(server_args);       /* only shown in the report: may fail */
	snprintf(s->service, sizeof(s->service), "%s", service);
	snprintf(s->label, sizeof(s->label), "%s", label);

	/* the record's price to init and the donation to the server, together */
	err = env ? donate(payer_pd(s), recipient_pd(sb, &route), ram, caps)
	          : donate_two(&client->pd, &sb->env->pd, SESSION_RECORD_RAM, SESSION_RECORD_CAPS,
	                       payer_pd(s), recipient_pd(sb, &route), ram, caps);
	if (err) {
		free_record(s);                   /* nothing moved, nothing to give back */
		return err;
	}
	s->record_ram   = env ? 0 : SESSION_RECORD_RAM;
	s->record_caps  = env ? 0 : SESSION_RECORD_CAPS;
	sb->record_ram  += s->record_ram;
	sb->record_caps += s->record_caps;
	if (route.kind == ROUTE_CHILD)
		err = request_at_server(s, svc, server_args, deferred);
	else
		err = open_session(client, &route, svc, service, server_args, cap, &local);
	if (err) {
		donate(recipient_pd(sb, &route), payer_pd(s), ram, caps);
		free_record(s);
		return err;
	}
	*async    = s->call != NULL;
	s->local  = local;
	s->cap    = local || *async ? NEST_CAP_INVALID : *cap;
	s->phase  = *async ? SESSION_CREATE_REQUESTED : SESSION_CAP_HANDED_OUT;
	s->next = client->sessions;
	client->sessions = s;
	if (sb->verbose)
		nest_log(sb->env, "%s: session \"%s\" (label \"%s\") routed to %s", client->name,
		         service, label, route_target_name(&route));
	state_report_trigger(sb);
	return NEST_OK;
}

enum nest_error session_create(struct child *client, const char *service, const char *args,
                               const struct nest_reply *deferred, struct nest_cap *cap,
                               int *async)
{
	char label[LABEL_LEN] = "";
	uint64_t ram = 0, caps = 0;

	/* every string a child sends may reach the log or the state report */
	if (strlen(service) >= SERVICE_LEN || strlen(args) >= ARGS_LEN ||
	    !nest_text_printable(service) || !nest_text_printable(args) ||
	    nest_args_label(args, label, sizeof(label)) || nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	/* the session label is the client's name and the label it chose */
	if (nest_label_prepend(label, sizeof(label), client->name, label))
		return NEST_ERR_INVALID_ARGS;
	/* its own LOG is the environment session init opened before it started */
	if (!strcmp(service, "LOG") && !strcmp(label, client->name) &&
	    nest_cap_valid(client->env_log)) {
		*cap   = client->env_log;
		*async = 0;
		return NEST_OK;
	}
	return establish(client, service, label, args, 0, ram, caps, deferred, cap, async);
}

enum nest_error env_session_cap(struct child *client, const char *service,
                                struct nest_cap *cap)
{
	for (struct session *s = client->sessions; s; s = s->next)
		if (s->env && !strcmp(s->service, service)) {
			if (s->phase == SESSION_SERVICE_DENIED)
				return NEST_ERR_DENIED;
			if (s->call)
				return NEST_ERR_UNAVAILABLE;
			*cap = s->local ? s->local->cap : s->cap;
			return NEST_OK;
		}
	return NEST_ERR_NOT_FOUND;
}

enum nest_error session_create_env(struct child *client, const char *service,
                                   const char *label, struct nest_cap *cap)
{
	struct nest_xml_node affinity;
	uint64_t x = 0, width = 1;
	char args[ARGS_LEN];
	int async = 0;

	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=%u", ENV_SESSION_RAM, ENV_SESSION_CAPS);
	/* the PD carries the child's <affinity>: core places its threads */
	if (!strcmp(service, "PD") && nest_xml_sub(&client->start, "affinity", &affinity)) {
		nest_xml_attr_u64(&affinity, "xpos", &x);
		nest_xml_attr_u64(&affinity, "width", &width);
		if (nest_args_set_u64(args, sizeof(args), "affinity_x", x) ||
		    nest_args_set_u64(args, sizeof(args), "affinity_width", width))
			return NEST_ERR_INVALID_ARGS;
	}
	/* routed to the parent, init's own PD pays the parent directly */
	return establish(client, service, label, args, 1, ENV_SESSION_RAM, ENV_SESSION_CAPS,
	                 NULL, cap, &async);
}

static void unlink_session(struct session *s)
{
	for (struct session **p = &s->client->sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			return;
		}
}

/* give the donation back to whoever paid; the server must have it free */
static void revert_donation(struct session *s)
{
	struct sandbox *sb = s->sandbox;
	enum nest_error err = donate(recipient_pd(sb, &s->route), payer_pd(s),
	                             s->ram, s->caps);
	if (err)
		nest_log(sb->env, "Warning: %s: cannot revert donation of %llu bytes for \"%s\" "
		         "session: %s", s->client ? s->client->name : "init",
		         (unsigned long long)s->ram, s->service, nest_error_name(err));
}

static void detach(struct session *s)
{
	unlink_session(s);
	s->next = s->sandbox->detached;
	s->sandbox->detached = s;
}

/* the server's root has closed the session: the donation comes back */
static void session_closed(struct nest_async_call *call)
{
	struct session *s = call->state;
	struct sandbox *sb = s->sandbox;

	root_close_result(call);
	free(s->call);
	s->call = NULL;
	if (s->close_reply)
		parent_reply_close(&sb->env->ep, &s->reply, NEST_OK);
	nest_cap_release(&s->cap);
	forget_detached(s);
	/* the donation and the record's price back together, or each alone */
	if (record_returns(s) &&
	    donate_two(recipient_pd(sb, &s->route), payer_pd(s), s->ram, s->caps,
	               &sb->env->pd, &s->client->pd, s->record_ram, s->record_caps) == NEST_OK) {
		forget_record(s);
	} else {
		revert_donation(s);
		free_record(s);
	}
	state_report_trigger(sb);
}

/* ask the server's root to close without waiting for it: a server that
 * never answers must not stall init; the session waits, CLOSE_REQUESTED */
static enum nest_error close_at_server(struct session *s)
{
	struct sandbox *sb = s->sandbox;
	struct service *svc = service_announced(sb, s->route.server, s->service);
	enum nest_error err;

	if (!svc)
		return NEST_ERR_INVALID_CAP;
	if (!(s->call = async_call_new(session_closed, s)))
		return NEST_ERR_OUT_OF_RAM;
	if ((err = root_close_async(&sb->env->ep, svc->root.cap, s->call, s->cap))) {
		free(s->call);
		s->call = NULL;
		return err;
	}
	s->phase = SESSION_CLOSE_REQUESTED;
	state_report_trigger(sb);
	return NEST_OK;
}

/* a client waiting for its upgrade goes on: the quota has moved */
static void answer_upgrade(struct session *s)
{
	if (!s->upgrade_reply)
		return;
	parent_reply_upgrade(&s->sandbox->env->ep, &s->reply, NEST_OK);
	s->upgrade_reply = 0;
}

static void forget_call(struct session *s)
{
	if (!s->call)
		return;
	nest_call_async_cancel(s->call);
	free(s->call);
	s->call = NULL;
	if (s->phase == SESSION_UPGRADE_REQUESTED) {
		answer_upgrade(s);
		s->phase = SESSION_CAP_HANDED_OUT;
	}
}

/* the server took note of an upgrade: its answer changes nothing, as in
 * Genode, but the client learns that the server has the quota now */
static void session_upgraded(struct nest_async_call *call)
{
	struct session *s = call->state;

	root_upgrade_result(call);
	free(s->call);
	s->call  = NULL;
	s->phase = SESSION_CAP_HANDED_OUT;
	answer_upgrade(s);
	state_report_trigger(s->sandbox);
}

enum nest_error session_upgrade(struct session *s, const char *args)
{
	struct sandbox *sb = s->sandbox;
	struct service *svc = service_announced(sb, s->route.server, s->service);
	enum nest_error err;

	if (!svc)
		return NEST_ERR_INVALID_CAP;
	if (s->call)
		forget_call(s);                   /* the newer upgrade says it all */
	if (!(s->call = async_call_new(session_upgraded, s)))
		return NEST_ERR_OUT_OF_RAM;
	if ((err = root_upgrade_async(&sb->env->ep, svc->root.cap, s->call, s->cap, args))) {
		free(s->call);
		s->call = NULL;
		return err;
	}
	s->phase = SESSION_UPGRADE_REQUESTED;
	state_report_trigger(sb);
	return NEST_OK;
}

int session_close(struct session *s)
{
	struct sandbox *sb = s->sandbox;

	if (s->phase == SESSION_SERVICE_DENIED) {
		unlink_session(s);
		free_record(s);
		state_report_trigger(sb);
		return 0;
	}

	if (s->phase == SESSION_UPGRADE_REQUESTED)
		forget_call(s);

	if (s->phase == SESSION_CREATE_REQUESTED) {
		/* the server still works on it: it is closed when it answers */
		detach(s);
		s->client = NULL;
		return 0;
	}
	if (s->phase == SESSION_CLOSE_REQUESTED)
		return 1;
	if (s->phase == SESSION_CLOSED) {
		;                                 /* its server is gone, so is the donation */
	} else if (s->route.kind == ROUTE_LOCAL) {
		config_rom_destroy(s->local);
	} else if (s->route.kind == ROUTE_PARENT) {
		parent_close(&sb->env->parent, s->cap);
	} else if (!s->env && close_at_server(s) == NEST_OK) {
		detach(s);
		return 1;
	} else {
		struct service *svc = service_announced(sb, s->route.server, s->service);
		if (svc)
			root_close(&svc->root, s->cap);
	}
	if (s->phase != SESSION_CLOSED)
		revert_donation(s);
	unlink_session(s);
	nest_cap_release(&s->cap);
	free_record(s);
	state_report_trigger(sb);
	return 0;
}

/* nobody waits for these closes any more */
void sessions_detach_client(struct child *client)
{
	for (struct session *s = client->sandbox->detached; s; s = s->next)
		if (s->client == client) {
			s->client      = NULL;
			s->close_reply = 0;
		}
}

/*
 * The server ended: its clients' sessions end, their donations return. The
 * records stay, closed, so that a restart of the server restarts its
 * clients (child_routes_changed), as in Genode. Once the server is
 * destroyed, the records go and their clients restart.
 */
void sessions_of_server_ended(struct child *server, int destroyed)
{
	struct sandbox *sb = server->sandbox;

	/* it will never answer: a close is done, a create of a client that is
	 * gone leaves the donation in the server's PD, which init takes back */
	for (struct session *o = sb->detached, *next; o; o = next) {
		next = o->next;
		if (o->route.kind != ROUTE_CHILD || o->route.server != server)
			continue;
		forget_call(o);
		if (o->close_reply)
			parent_reply_close(&sb->env->ep, &o->reply, NEST_OK);
		if (o->phase == SESSION_CLOSE_REQUESTED)
			revert_donation(o);
		nest_cap_release(&o->cap);
		forget_detached(o);
		free_record(o);
	}
	for (struct child *c = sb->children; c; c = c->next) {
		struct session *s = c->sessions, *next;
		for (; s; s = next) {
			next = s->next;
			if (s->route.kind != ROUTE_CHILD || s->route.server != server)
				continue;
			if (s->phase == SESSION_UPGRADE_REQUESTED)
				forget_call(s);           /* it will never answer */
			if (s->call) {                    /* a create it will never answer */
				forget_call(s);
				revert_donation(s);
				parent_reply_session(&sb->env->ep, &s->reply, NEST_ERR_DENIED,
				                     NEST_CAP_INVALID);
				unlink_session(s);
				free_record(s);
				continue;
			}
			if (s->phase != SESSION_CLOSED) {
				revert_donation(s);
				nest_cap_release(&s->cap);
				s->phase = SESSION_CLOSED;
			}
			if (destroyed) {
				unlink_session(s);
				free_record(s);
				c->restart |= c->state == CHILD_RUNNING;
			}
		}
	}
}

/* the client is gone: nobody waits for the answers any more */
void pending_requests_drop(struct child *client)
{
	struct sandbox *sb = client->sandbox;
	for (struct pending_request **p = &sb->pending; *p; ) {
		struct pending_request *r = *p;
		if (r->client == client) {
			*p = r->next;
			free(r);
		} else {
			p = &r->next;
		}
	}
}

enum nest_error pending_request_add(struct sandbox *sb, struct child *client,
                                    struct forward_root_server *root, const char *service,
                                    const char *args)
{
	struct pending_request *r = calloc(1, sizeof(*r));

	if (!r)
		return NEST_ERR_OUT_OF_RAM;
	r->client = client;
	r->root   = root;
	snprintf(r->service, sizeof(r->service), "%s", service);
	snprintf(r->args, sizeof(r->args), "%s", args);
	if (client) {
		nest_args_label(args, r->label, sizeof(r->label));
		nest_label_prepend(r->label, sizeof(r->label), client->name, r->label);
	}
	if (nest_ep_defer(&sb->env->ep, &r->reply)) {
		free(r);
		return NEST_ERR_UNAVAILABLE;
	}
	r->next = sb->pending;
	sb->pending = r;
	state_report_trigger(sb);
	return NEST_OK;
}

void sessions_retry_pending(struct sandbox *sb)
{
	struct pending_request **p = &sb->pending;
	while (*p) {
		struct pending_request *r = *p;
		struct nest_cap cap = NEST_CAP_INVALID;
		int async = 0;
		enum nest_error err = r->root ? server_retry_request(r)
		                    : session_create(r->client, r->service, r->args, &r->reply,
		                                     &cap, &async);
		if (err == NEST_ERR_UNAVAILABLE) {
			p = &r->next;
			continue;
		}
		*p = r->next;
		if (!r->root && !async)
			parent_reply_session(&sb->env->ep, &r->reply, err, cap);
		free(r);
		state_report_trigger(sb);
	}
}
