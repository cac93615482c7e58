/*
 * \brief  Forwarding the sessions of init's parent to children: <service>
 *
 * A <service name> node of the config makes init a server of that service
 * for its parent: init announces it, and each session request its parent
 * sends is forwarded to the child named by the <policy> (or
 * <default-policy>) that the session label selects, as in Genode:
 *
 *   <service name="LOG">
 *     <policy label_prefix="shell"> <child name="terminal_log" label="x"/> </policy>
 *     <default-policy> <child name="log"/> </default-policy>
 *   </service>
 *
 * The child's label attribute, if any, replaces the session label. The
 * quota the parent's client donated reached init's PD with the request and
 * moves on to the server's PD; it comes back when the session closes or
 * the server ends. A request for a server that is not there yet, or has
 * not announced the service yet, waits, as its children's requests do. A
 * session whose policy goes or routes elsewhere after a config change is
 * closed at its server.
 *
 * Creates, upgrades and closes go on to the server asynchronously; the
 * parent's reply waits for the server's, init does not.
 *
 * The root interface is served here under its own name (ROOT_OPERATIONS):
 * the sessions are the server's objects, not init's, so the generic root of
 * nest/root.h (whose sessions are local objects) does not fit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session_args.h>
#include <nest/session_policy.h>
#include <nest/session/pd.h>
#include <nest/session/root.h>
#include "init/sandbox/sandbox.h"

#define FORWARD_ROOT_INTERFACE(RPC) ROOT_OPERATIONS(RPC, forward_root)
NEST_RPC_INTERFACE(forward_root, FORWARD_ROOT_INTERFACE)
NEST_RPC_DISPATCH_AS(forward_root, root, FORWARD_ROOT_INTERFACE)

static void forwarded_free(struct sandbox *sb, struct forwarded_session **link);

static struct forwarded_session **link_of(struct forwarded_session *f)
{
	struct forwarded_session **link = &f->sandbox->forwarded;
	while (*link != f)
		link = &(*link)->next;
	return link;
}

/* the server's root answered: so does init, to its parent */
static void forward_created(struct nest_async_call *call)
{
	struct forwarded_session *f = call->state;
	struct sandbox *sb = f->sandbox;
	enum nest_error err = root_session_result(call, &f->cap);

	free(f->call);
	f->call  = NULL;
	f->phase = SESSION_CAP_HANDED_OUT;
	forward_root_reply_session(&sb->env->ep, &f->reply, err, f->cap);
	if (err)
		forwarded_free(sb, link_of(f));
}

/* the <child> node of the policy for a session of service with label, and
 * the child's name */
static bool policy_target(struct sandbox *sb, const char *service, const char *label,
                          struct nest_xml_node *target, char name[NAME_LEN])
{
	struct nest_xml_node service_node, policy;
	return nest_xml_sub_by_attr(&sb->config, "service", "name", service, &service_node) &&
	       nest_session_policy(&service_node, label, &policy) &&
	       nest_xml_sub(&policy, "child", target) &&
	       nest_xml_attr_str(target, "name", name, NAME_LEN);
}

/* NEST_OK: the server's root has the request, the reply follows;
 * NEST_ERR_UNAVAILABLE: the server has not announced the service yet */
static enum nest_error forward(struct forward_root_server *root, const char *args,
                               const struct nest_reply *deferred)
{
	struct sandbox *sb = root->sandbox;
	struct nest_xml_node target;
	char label[LABEL_LEN] = "", request_label[LABEL_LEN], name[NAME_LEN] = "";
	char server_args[ARGS_LEN];
	uint64_t ram = 0, caps = 0;
	struct forwarded_session *f;
	struct service *svc;
	struct child *server;
	enum nest_error err;

	if (strlen(args) >= ARGS_LEN || nest_args_label(args, label, sizeof(label)) ||
	    nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	snprintf(request_label, sizeof(request_label), "%s", label);
	if (!policy_target(sb, root->service, label, &target, name)) {
		nest_log(sb->env, "Warning: no policy for \"%s\" session (label=\"%s\")",
		         root->service, label);
		return NEST_ERR_DENIED;
	}
	/* a server that is not there yet is waited for, as in Genode
	 * (Service_not_present): the request is delivered when it appears */
	if (!(server = child_by_name(sb, name)))
		return NEST_ERR_UNAVAILABLE;
	if (!child_provides(server, root->service)) {
		nest_log(sb->env, "Warning: \"%s\" session (label=\"%s\"): child \"%s\" does not "
		         "provide it", root->service, label, name);
		return NEST_ERR_DENIED;
	}
	if (server->state != CHILD_RUNNING || !(svc = service_announced(sb, server, root->service)))
		return NEST_ERR_UNAVAILABLE;
	if (nest_xml_has_attr(&target, "label"))
		nest_xml_attr_str(&target, "label", label, sizeof(label));
	snprintf(server_args, sizeof(server_args), "%s", args);
	if (nest_args_set_str(server_args, sizeof(server_args), "label", label))
		return NEST_ERR_INVALID_ARGS;
	if (!(f = calloc(1, sizeof(*f))) || !(f->call = async_call_new(forward_created, f))) {
		free(f);
		return NEST_ERR_OUT_OF_RAM;
	}
	f->sandbox = sb;
	f->server  = server;
	f->ram     = ram;
	f->caps    = caps;
	f->phase   = SESSION_CREATE_REQUESTED;
	snprintf(f->service, sizeof(f->service), "%s", root->service);
	snprintf(f->label, sizeof(f->label), "%s", label);
	snprintf(f->request_label, sizeof(f->request_label), "%s", request_label);
	err = pd_transfer_quota(&sb->env->pd, server->pd.cap, ram, caps);
	if (!err && (err = root_session_async(&sb->env->ep, svc->root.cap, f->call, server_args)))
		pd_transfer_quota(&server->pd, sb->env->pd.cap, ram, caps);
	if (!err && (err = reply_later(sb, deferred, &f->reply)))
		nest_call_async_cancel(f->call);
	if (err) {
		free(f->call);
		free(f);
		return err;
	}
	f->next = sb->forwarded;
	sb->forwarded = f;
	state_report_trigger(sb);
	return NEST_OK;
}

/* the reply is deferred in any case: the cap comes with it */
enum nest_error forward_root_serve_session(struct forward_root_server *root, const char *args,
                                           struct nest_cap *cap)
{
	enum nest_error err = forward(root, args, NULL);

	(void)cap;
	if (err != NEST_ERR_UNAVAILABLE)
		return err;
	return pending_request_add(root->sandbox, NULL, root, root->service, args);
}

enum nest_error server_retry_request(struct pending_request *r)
{
	enum nest_error err = forward(r->root, r->args, &r->reply);
	if (err && err != NEST_ERR_UNAVAILABLE)
		forward_root_reply_session(&r->root->sandbox->env->ep, &r->reply, err,
		                           NEST_CAP_INVALID);
	return err;
}

static struct forwarded_session **find_forwarded(struct forward_root_server *root, struct nest_cap cap)
{
	struct forwarded_session **f = &root->sandbox->forwarded;
	for (; *f; f = &(*f)->next)
		if (!strcmp((*f)->service, root->service) && nest_cap_same((*f)->cap, cap))
			return f;
	return NULL;
}

/* the parent waits for the call in flight: it is answered now (a create
 * with a denial: its server is gone) */
static void answer_parent(struct sandbox *sb, struct forwarded_session *f)
{
	if (!f->call)
		return;
	nest_call_async_cancel(f->call);
	free(f->call);
	f->call = NULL;
	if (f->revoked)                      /* init closed it: nobody waits */
		return;
	if (f->phase == SESSION_CREATE_REQUESTED)
		forward_root_reply_session(&sb->env->ep, &f->reply, NEST_ERR_DENIED,
		                           NEST_CAP_INVALID);
	else if (f->phase == SESSION_UPGRADE_REQUESTED)
		forward_root_reply_upgrade(&sb->env->ep, &f->reply, NEST_OK);
	else
		forward_root_reply_close(&sb->env->ep, &f->reply, NEST_OK);
	f->phase = SESSION_CAP_HANDED_OUT;
}

static void forwarded_free(struct sandbox *sb, struct forwarded_session **link)
{
	struct forwarded_session *f = *link;
	answer_parent(sb, f);
	if (pd_transfer_quota(&f->server->pd, sb->env->pd.cap, f->ram, f->caps))
		nest_log(sb->env, "Warning: %s: cannot take back %llu bytes of a forwarded \"%s\" "
		         "session", f->server->name, (unsigned long long)f->ram, f->service);
	*link = f->next;
	nest_cap_release(&f->cap);
	free(f);
	state_report_trigger(sb);
}

/* the server answered an upgrade or a close: so does init, to its parent */
static void forward_done(struct nest_async_call *call)
{
	struct forwarded_session *f = call->state;
	struct sandbox *sb = f->sandbox;

	free(f->call);
	f->call = NULL;
	if (f->phase == SESSION_UPGRADE_REQUESTED) {
		forward_root_reply_upgrade(&sb->env->ep, &f->reply, NEST_OK);
		f->phase = SESSION_CAP_HANDED_OUT;
		state_report_trigger(sb);
		return;
	}
	if (!f->revoked)
		forward_root_reply_close(&sb->env->ep, &f->reply, NEST_OK);
	f->phase = SESSION_CAP_HANDED_OUT;
	forwarded_free(sb, link_of(f));
}

/*
 * The policy that routed f is gone or routes elsewhere now: init closes the
 * session at the server, as Genode's Server::apply_updated_policy, and takes
 * the quota back when the server answers; the parent's client finds its
 * capability invalid, and the parent's close later finds nothing.
 */
static void revoke(struct sandbox *sb, struct forwarded_session *f)
{
	struct service *svc = service_announced(sb, f->server, f->service);

	f->revoked = 1;
	if (svc && (f->call = async_call_new(forward_done, f)) &&
	    !root_close_async(&sb->env->ep, svc->root.cap, f->call, f->cap)) {
		f->phase = SESSION_CLOSE_REQUESTED;
		state_report_trigger(sb);
		return;
	}
	free(f->call);
	f->call = NULL;
	forwarded_free(sb, link_of(f));
}

static bool policy_holds(struct sandbox *sb, const struct forwarded_session *f)
{
	struct nest_xml_node target;
	char name[NAME_LEN] = "", label[LABEL_LEN];

	if (!policy_target(sb, f->service, f->request_label, &target, name) ||
	    strcmp(name, f->server->name))
		return false;
	snprintf(label, sizeof(label), "%s", f->request_label);
	if (nest_xml_has_attr(&target, "label"))
		nest_xml_attr_str(&target, "label", label, sizeof(label));
	return !strcmp(label, f->label);
}

/* pass an upgrade or a close on without waiting; the parent's reply is
 * deferred until the server answered */
static enum nest_error forward_op(struct forwarded_session *f, enum session_phase phase,
                                  const char *args)
{
	struct sandbox *sb = f->sandbox;
	struct service *svc = service_announced(sb, f->server, f->service);
	enum nest_error err;

	if (!svc)
		return NEST_ERR_INVALID_CAP;
	answer_parent(sb, f);                 /* an upgrade still in flight */
	if (!(f->call = async_call_new(forward_done, f)))
		return NEST_ERR_OUT_OF_RAM;
	err = phase == SESSION_UPGRADE_REQUESTED
	    ? root_upgrade_async(&sb->env->ep, svc->root.cap, f->call, f->cap, args)
	    : root_close_async(&sb->env->ep, svc->root.cap, f->call, f->cap);
	if (!err && (err = reply_later(sb, NULL, &f->reply)))
		nest_call_async_cancel(f->call);
	if (err) {
		free(f->call);
		f->call = NULL;
		return err;
	}
	f->phase = phase;
	state_report_trigger(sb);
	return NEST_OK;
}

enum nest_error forward_root_serve_upgrade(struct forward_root_server *root, struct nest_cap cap,
                                           const char *args)
{
	struct sandbox *sb = root->sandbox;
	struct forwarded_session **f = find_forwarded(root, cap);
	uint64_t ram = 0, caps = 0;
	enum nest_error err;

	if (!f || (*f)->phase == SESSION_CREATE_REQUESTED || (*f)->phase == SESSION_CLOSE_REQUESTED)
		return NEST_ERR_INVALID_CAP;
	if (nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	if ((err = pd_transfer_quota(&sb->env->pd, (*f)->server->pd.cap, ram, caps)))
		return err;
	(*f)->ram  += ram;
	(*f)->caps += caps;
	return forward_op(*f, SESSION_UPGRADE_REQUESTED, args);
}

enum nest_error forward_root_serve_close(struct forward_root_server *root, struct nest_cap cap)
{
	struct sandbox *sb = root->sandbox;
	struct forwarded_session **f = find_forwarded(root, cap);

	if (!f || (*f)->phase == SESSION_CLOSE_REQUESTED)
		return NEST_ERR_INVALID_CAP;
	if (forward_op(*f, SESSION_CLOSE_REQUESTED, NULL))
		forwarded_free(sb, f);           /* no server to tell */
	return NEST_OK;
}

void server_child_released(struct child *child)
{
	struct sandbox *sb = child->sandbox;
	struct forwarded_session **f = &sb->forwarded;
	while (*f) {
		if ((*f)->server == child)
			forwarded_free(sb, f);
		else
			f = &(*f)->next;
	}
}

void server_fini(struct sandbox *sb)
{
	for (unsigned i = 0; i < sb->forward_root_count; i++) {
		nest_ep_dissolve(&sb->forward_roots[i]->object);
		free(sb->forward_roots[i]);
	}
	sb->forward_root_count = 0;
}

/* each <service> is announced once; init cannot take an announcement back,
 * so a <service> that vanishes from the config just finds no policy, and
 * the sessions its policies routed are closed */
void server_apply_config(struct sandbox *sb)
{
	struct nest_xml_node node;
	char name[SERVICE_LEN];

	for (struct forwarded_session *f = sb->forwarded, *next; f; f = next) {
		next = f->next;
		if (f->phase == SESSION_CAP_HANDED_OUT && !f->revoked && !policy_holds(sb, f))
			revoke(sb, f);
	}

	for (int more = nest_xml_sub(&sb->config, "service", &node); more;
	     more = nest_xml_next_of_type(&node, "service", &node)) {
		struct forward_root_server *root;
		unsigned i;
		if (!nest_xml_attr_str(&node, "name", name, sizeof(name)) || !name[0])
			continue;
		for (i = 0; i < sb->forward_root_count; i++)
			if (!strcmp(sb->forward_roots[i]->service, name))
				break;
		if (i < sb->forward_root_count)
			continue;
		if (sb->forward_root_count == MAX_FORWARDED_SERVICES ||
		    !(root = calloc(1, sizeof(*root)))) {
			nest_log(sb->env, "Error: cannot provide service \"%s\"", name);
			continue;
		}
		root->sandbox = sb;
		snprintf(root->service, sizeof(root->service), "%s", name);
		if (nest_ep_manage(&sb->env->ep, &root->object, forward_root, root) ||
		    nest_env_announce(sb->env, name, root->object.cap)) {
			nest_log(sb->env, "Error: cannot announce service \"%s\"", name);
			nest_ep_dissolve(&root->object);
			free(root);
			continue;
		}
		sb->forward_roots[sb->forward_root_count++] = root;
	}
}
