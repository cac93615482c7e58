/*
 * \brief  A child: its environment at core, its parent interface, its end
 *
 * Init creates the child's PD at core, gives it the RAM and capability
 * quota of its start node, and starts it from the ROM of its binary. The
 * child's parent capability is an RPC object of init's entrypoint. When the
 * child exits or faults, it is destroyed: its process stopped, its sessions
 * closed newest first, its donations reverted, its PD closed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session_args.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/rom.h>
#include <nest/session/root.h>
#include "init/sandbox/sandbox.h"

NEST_RPC_DISPATCH(parent, PARENT_INTERFACE)

enum { ENV_SESSION_RAM = 4096, ENV_SESSION_CAPS = 1 };

struct child *child_by_name(struct sandbox *sb, const char *name)
{
	for (struct child *c = sb->children; c; c = c->next)
		if (c->state != CHILD_DESTROYED && strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int child_provides(const struct child *child, const char *service)
{
	for (unsigned i = 0; i < child->provides_count; i++)
		if (strcmp(child->provides[i], service) == 0)
			return 1;
	return 0;
}

static struct session *session_by_cap(struct child *child, struct nest_cap cap)
{
	for (struct session *s = child->sessions; s; s = s->next)
		if (s->local ? nest_cap_same(s->local->cap, cap) : nest_cap_same(s->cap, cap))
			return s;
	return NULL;
}

/* the parent interface, served for each child */

enum nest_error parent_serve_session(struct parent_server *p, const char *service,
                                     const char *args, struct nest_cap *cap)
{
	struct child *child = p->child;
	struct sandbox *sb = child->sandbox;
	struct pending_request *r;
	enum nest_error err = session_create(child, service, args, cap);

	if (err != NEST_ERR_UNAVAILABLE)
		return err;
	if (!(r = calloc(1, sizeof(*r))))
		return NEST_ERR_OUT_OF_RAM;
	r->client = child;
	snprintf(r->service, sizeof(r->service), "%s", service);
	snprintf(r->args, sizeof(r->args), "%s", args);
	if (nest_ep_defer(&sb->env->ep, &r->reply)) {
		free(r);
		return NEST_ERR_UNAVAILABLE;
	}
	r->next = sb->pending;
	sb->pending = r;
	return NEST_OK;
}

enum nest_error parent_serve_upgrade(struct parent_server *p, struct nest_cap cap,
                                     const char *args)
{
	struct session *s = session_by_cap(p->child, cap);
	struct sandbox *sb = p->child->sandbox;
	uint64_t ram = 0, caps = 0;
	enum nest_error err;

	if (!s)
		return NEST_ERR_INVALID_CAP;
	if (nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	err = pd_transfer_quota(&p->child->pd, s->route.kind == ROUTE_CHILD
	                        ? s->route.server->pd.cap : sb->env->pd.cap, ram, caps);
	if (err)
		return err;
	s->ram  += ram;
	s->caps += caps;
	if (s->route.kind == ROUTE_LOCAL)
		return NEST_OK;
	if (s->route.kind == ROUTE_PARENT)
		return parent_upgrade(&sb->env->parent, s->cap, args);
	for (struct service *svc = sb->services; svc; svc = svc->next)
		if (svc->server == s->route.server && strcmp(svc->name, s->service) == 0)
			return root_upgrade(&svc->root, s->cap, args);
	return NEST_ERR_INVALID_CAP;
}

enum nest_error parent_serve_close(struct parent_server *p, struct nest_cap cap)
{
	struct session *s = session_by_cap(p->child, cap);
	if (!s)
		return NEST_ERR_INVALID_CAP;
	session_close(s);
	return NEST_OK;
}

enum nest_error parent_serve_announce(struct parent_server *p, const char *name,
                                      struct nest_cap root, uint32_t more)
{
	struct child *child = p->child;
	struct sandbox *sb = child->sandbox;
	struct service *svc;

	if (!child_provides(child, name)) {
		nest_log(sb->env, "Warning: %s: announced service \"%s\" that it does not provide "
		         "by its <provides>", child->name, name);
		return NEST_ERR_DENIED;
	}
	if (!(svc = calloc(1, sizeof(*svc))))
		return NEST_ERR_OUT_OF_RAM;
	snprintf(svc->name, sizeof(svc->name), "%s", name);
	svc->server = child;
	if (nest_cap_copy(root, &root)) {
		free(svc);
		return NEST_ERR_OUT_OF_CAPS;
	}
	nest_client_init(&svc->root, root);
	nest_client_timeout(&svc->root, ROOT_CALL_TIMEOUT_MS);
	svc->next = sb->services;
	sb->services = svc;
	if (sb->verbose)
		nest_log(sb->env, "%s: announced \"%s\"", child->name, name);
	/* not now: the server waits for this reply (and sends its next
	 * announcement) and could not answer */
	if (!more)
		nest_signal_submit(nest_signal_cap(&sb->retry), 1);
	return NEST_OK;
}

static void child_ended(struct child *child, int code)
{
	if (child->state != CHILD_RUNNING)
		return;
	child->state     = CHILD_EXITED;
	child->exit_code = code;
	nest_signal_submit(nest_signal_cap(&child->sandbox->sweep), 1);
}

enum nest_error parent_serve_exit(struct parent_server *p, int32_t code)
{
	nest_log(p->child->sandbox->env, "child \"%s\" exited with exit value %d",
	         p->child->name, code);
	child_ended(p->child, code);
	return NEST_OK;
}

enum nest_error parent_serve_resource_request(struct parent_server *p, const char *args)
{
	nest_log(p->child->sandbox->env, "child \"%s\" requests resources: %s",
	         p->child->name, args);
	return NEST_ERR_OUT_OF_RAM;
}

/* core tells: the child's process has ended */
static void handle_process_end(void *state, uint64_t count)
{
	struct child *child = state;
	uint32_t pd_state = 0, signal = 0;
	int32_t code = 0;
	uint64_t addr = 0;
	(void)count;

	if (child->state != CHILD_RUNNING ||
	    pd_exit_state(&child->pd, &pd_state, &code, &signal, &addr) ||
	    pd_state == NEST_PD_RUNNING || pd_state == NEST_PD_IDLE)
		return;
	if (pd_state == NEST_PD_FAULTED)
		nest_log(child->sandbox->env, "child \"%s\" faulted (signal %u)", child->name, signal);
	else
		nest_log(child->sandbox->env, "child \"%s\" exited with exit value %d",
		         child->name, code);
	child_ended(child, pd_state == NEST_PD_FAULTED ? 128 + (int)signal : code);
}

static uint64_t node_quota(const struct nest_xml_node *start, const char *attr,
                           const char *resource, uint64_t fallback)
{
	struct nest_xml_node r;
	uint64_t value = fallback;
	if (nest_xml_attr_u64(start, attr, &value))
		return value;
	for (int more = nest_xml_sub(start, "resource", &r); more;
	     more = nest_xml_next_of_type(&r, "resource", &r))
		if (nest_xml_attr_eq(&r, "name", resource) && nest_xml_attr_u64(&r, "quantum", &value))
			return value;
	return fallback;
}

void child_quota(struct sandbox *sb, const struct nest_xml_node *start,
                 uint64_t *ram, uint64_t *caps)
{
	struct nest_xml_node defaults;
	uint64_t default_caps = 100;
	if (nest_xml_sub(&sb->config, "default", &defaults))
		nest_xml_attr_u64(&defaults, "caps", &default_caps);
	*ram  = node_quota(start, "ram", "RAM", 0);
	*caps = node_quota(start, "caps", "CAP", default_caps);
}

static void read_start_node(struct child *child, const struct nest_xml_node *start)
{
	struct nest_xml_node node, service;

	nest_xml_attr_str(start, "name", child->name, sizeof(child->name));
	snprintf(child->binary, sizeof(child->binary), "%s", child->name);
	if (nest_xml_sub(start, "binary", &node))
		nest_xml_attr_str(&node, "name", child->binary, sizeof(child->binary));
	child_quota(child->sandbox, start, &child->ram, &child->caps);
	if (nest_xml_sub(start, "exit", &node))
		child->exit_propagate = nest_xml_attr_bool(&node, "propagate", false);
	if (nest_xml_sub(start, "provides", &node))
		for (int more = nest_xml_sub(&node, "service", &service); more;
		     more = nest_xml_next_of_type(&service, "service", &service))
			if (child->provides_count < MAX_PROVIDES)
				nest_xml_attr_str(&service, "name", child->provides[child->provides_count++],
				                  SERVICE_LEN);
}

static enum nest_error open_env_session(struct child *child, const char *service,
                                        const char *label, struct nest_cap *cap)
{
	struct sandbox *sb = child->sandbox;
	struct nest_xml_node affinity;
	uint64_t x = 0, width = 1;
	char args[ARGS_LEN];
	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=%u", ENV_SESSION_RAM, ENV_SESSION_CAPS);
	if (strcmp(service, "PD") == 0 && nest_xml_sub(&child->start, "affinity", &affinity)) {
		nest_xml_attr_u64(&affinity, "xpos", &x);
		nest_xml_attr_u64(&affinity, "width", &width);
		nest_args_set_u64(args, sizeof(args), "affinity_x", x);
		nest_args_set_u64(args, sizeof(args), "affinity_width", width);
	}
	if (nest_args_set_str(args, sizeof(args), "label", label))
		return NEST_ERR_INVALID_ARGS;
	return parent_session(&sb->env->parent, service, args, cap);
}

static enum nest_error child_start(struct child *child)
{
	struct sandbox *sb = child->sandbox;
	struct nest_cap pd_cap, binary = NEST_CAP_INVALID;
	char label[LABEL_LEN];
	uint64_t size;
	enum nest_error err;

	err = open_env_session(child, "PD", child->name, &child->pd_session);
	if (err)
		return err;
	if ((err = nest_cap_copy(child->pd_session, &pd_cap)))
		return err;
	nest_client_init(&child->pd, pd_cap);
	err = pd_transfer_quota(&sb->env->pd, child->pd.cap, child->ram, child->caps);
	if (err)
		return err;
	nest_label_prepend(label, sizeof(label), child->name, child->binary);
	err = open_env_session(child, "ROM", label, &child->binary_session);
	if (err) {
		nest_log(sb->env, "Error: %s: binary \"%s\" unavailable: %s", child->name,
		         child->binary, nest_error_name(err));
		return err;
	}
	{
		struct nest_client rom;
		struct nest_cap copy;
		if ((err = nest_cap_copy(child->binary_session, &copy)))
			return err;
		nest_client_init(&rom, copy);
		err = rom_dataspace(&rom, &binary, &size);
		nest_client_fini(&rom);
		if (err)
			return err;
	}
	child->parent.child = child;
	err = nest_ep_manage(&sb->env->ep, &child->parent.object, parent, &child->parent);
	if (!err)
		err = nest_signal_handler_init(&sb->env->ep, &child->exit_handler,
		                               handle_process_end, child);
	if (!err)
		err = pd_exit_sigh(&child->pd, nest_signal_cap(&child->exit_handler));
	if (!err)
		err = pd_start(&child->pd, binary, child->parent.object.cap, child->name);
	nest_cap_release(&binary);
	return err;
}

/* with verbose="yes", init shows its quota around each child's life, so a
 * test can check that every donation came back */
static void log_quota(struct sandbox *sb, const char *when, const char *name)
{
	uint64_t ram = 0, ram_used = 0, caps = 0, caps_used = 0;
	if (sb->verbose && pd_quota(&sb->env->pd, &ram, &ram_used, &caps, &caps_used) == NEST_OK)
		nest_log(sb->env, "quota %s \"%s\": ram %llu caps %llu", when, name,
		         (unsigned long long)ram, (unsigned long long)caps);
}

struct child *child_create(struct sandbox *sb, const struct nest_xml_node *start)
{
	struct child *child = calloc(1, sizeof(*child));
	struct nest_xml_error error;
	enum nest_error err;

	if (!child)
		return NULL;
	child->sandbox = sb;
	child->state   = CHILD_RUNNING;
	child->start_xml = malloc(start->len);
	if (!child->start_xml) {
		free(child);
		return NULL;
	}
	memcpy(child->start_xml, start->start, start->len);
	nest_xml_parse(child->start_xml, start->len, &child->start, &error);
	read_start_node(child, &child->start);
	log_quota(sb, "before starting", child->name);
	child->next = sb->children;
	sb->children = child;

	err = child_start(child);
	if (err) {
		nest_log(sb->env, "Error: child \"%s\" could not be started: %s", child->name,
		         nest_error_name(err));
		child_destroy(child);
		return NULL;
	}
	return child;
}

/* take back all of the child's quota, its own and the reverted donations,
 * before its PD is closed: core would return it to the PD's creator at core,
 * which for a nested runtime is not the runtime itself */
static void withdraw_quota(struct child *child)
{
	struct sandbox *sb = child->sandbox;
	uint64_t ram = 0, ram_used = 0, caps = 0, caps_used = 0;
	enum nest_error err;

	if (!nest_cap_valid(child->pd.cap) ||
	    pd_quota(&child->pd, &ram, &ram_used, &caps, &caps_used))
		return;
	err = pd_transfer_quota(&child->pd, sb->env->pd.cap, ram - ram_used, caps - caps_used);
	if (err || ram_used || caps_used)
		nest_log(sb->env, "Warning: %s: %llu bytes and %llu caps still in use at its end "
		         "(%s)", child->name, (unsigned long long)ram_used,
		         (unsigned long long)caps_used, nest_error_name(err));
}

void child_destroy(struct child *child)
{
	struct sandbox *sb = child->sandbox;

	if (nest_cap_valid(child->pd.cap))
		pd_stop(&child->pd);       /* the process ends, its RAM is free */
	for (struct pending_request **p = &sb->pending; *p; ) {
		struct pending_request *r = *p;
		if (r->client == child) {
			*p = r->next;
			free(r);
		} else {
			p = &r->next;
		}
	}
	while (child->sessions)
		session_close(child->sessions);
	sessions_of_server_closed(child);
	for (struct service **s = &sb->services; *s; ) {
		struct service *svc = *s;
		if (svc->server == child) {
			*s = svc->next;
			nest_client_fini(&svc->root);
			free(svc);
		} else {
			s = &svc->next;
		}
	}
	nest_ep_dissolve(&child->parent.object);
	nest_signal_handler_fini(&child->exit_handler);
	config_rom_release(child);
	withdraw_quota(child);
	if (nest_cap_valid(child->binary_session))
		parent_close(&sb->env->parent, child->binary_session);
	if (nest_cap_valid(child->pd_session))
		parent_close(&sb->env->parent, child->pd_session);
	nest_cap_release(&child->binary_session);
	nest_cap_release(&child->pd_session);
	nest_client_fini(&child->pd);
	for (struct child **c = &sb->children; *c; c = &(*c)->next)
		if (*c == child) {
			*c = child->next;
			break;
		}
	log_quota(sb, "after destroying", child->name);
	free(child->start_xml);
	free(child);
}
