/*
 * \brief  A child: its environment at core, its quota, its end
 *
 * Init opens the child's PD and the ROM of its binary as sessions routed by
 * the child's own routes (as Genode does, so that a config may route a
 * binary elsewhere), gives the PD the RAM and capability quota of the start
 * node, and starts the child. When the child exits or faults, everything it
 * holds is given back (its process stopped, its sessions closed newest
 * first, donations reverted, quota withdrawn, its PD closed) and it stays
 * as an exited child until the config removes it or changes its version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/rom.h>
#include <nest/session/root.h>
#include "init/sandbox/sandbox.h"

/* what a downgrade leaves a child at least, as Genode's init */
enum { DOWNGRADE_KEEP_RAM = 16 * 1024, DOWNGRADE_KEEP_CAPS = 5 };

struct child *child_by_name(struct sandbox *sb, const char *name)
{
	for (struct child *c = sb->children; c; c = c->next)
		if (c->state != CHILD_ABANDONED && strcmp(c->name, name) == 0)
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
	if (nest_xml_sub_by_attr(start, "resource", "name", resource, &r))
		nest_xml_attr_u64(&r, "quantum", &value);
	return value;
}

void child_quota(struct sandbox *sb, const struct nest_xml_node *start,
                 uint64_t *ram, uint64_t *caps)
{
	struct nest_xml_node defaults;
	uint64_t default_caps = 100, default_ram = 0;
	if (nest_xml_sub(&sb->config, "default", &defaults)) {
		nest_xml_attr_u64(&defaults, "caps", &default_caps);
		nest_xml_attr_u64(&defaults, "ram", &default_ram);
	}
	*ram  = node_quota(start, "ram", "RAM", default_ram);
	*caps = node_quota(start, "caps", "CAP", default_caps);
}

/* an own copy of the start node, and what the child is made of */
static enum nest_error take_start_node(struct child *child, const struct nest_xml_node *start)
{
	struct nest_xml_node node, service;
	struct nest_xml_error error;
	char *copy = malloc(start->len);

	if (!copy)
		return NEST_ERR_OUT_OF_RAM;
	memcpy(copy, start->start, start->len);
	free(child->start_xml);
	child->start_xml = copy;
	nest_xml_parse(child->start_xml, start->len, &child->start, &error);

	nest_xml_attr_str(&child->start, "name", child->name, sizeof(child->name));
	child->version[0] = 0;
	nest_xml_attr_str(&child->start, "version", child->version, sizeof(child->version));
	snprintf(child->binary, sizeof(child->binary), "%s", child->name);
	if (nest_xml_sub(&child->start, "binary", &node))
		nest_xml_attr_str(&node, "name", child->binary, sizeof(child->binary));
	child->exit_propagate = nest_xml_sub(&child->start, "exit", &node) &&
	                        nest_xml_attr_bool(&node, "propagate", false);
	child->provides_count = 0;
	if (nest_xml_sub(&child->start, "provides", &node))
		for (int more = nest_xml_sub(&node, "service", &service); more;
		     more = nest_xml_next_of_type(&service, "service", &service))
			if (child->provides_count < MAX_PROVIDES)
				nest_xml_attr_str(&service, "name", child->provides[child->provides_count++],
				                  SERVICE_LEN);
	return NEST_OK;
}

/*
 * As Genode: a child asking for more than init has gets what init has (a
 * later config apply gives the rest once there is more). Its environment
 * sessions are paid already; what init itself spends on a running child
 * (its parent object, exit handler, records and report) stays with init, as
 * Genode deduces the environment's cost (Child::effective_quota), so that a
 * greedy child leaves init what <resource preserve> keeps.
 */
static void clamp_to_available(struct child *child, uint64_t *ram, uint64_t *caps)
{
	enum { INIT_PER_CHILD_RAM = 32 * 1024, INIT_PER_CHILD_CAPS = 8 };
	struct sandbox *sb = child->sandbox;
	uint64_t avail_ram, avail_caps;

	sandbox_available(sb, &avail_ram, &avail_caps);
	avail_ram  = avail_ram > INIT_PER_CHILD_RAM ? avail_ram - INIT_PER_CHILD_RAM : 0;
	avail_caps = avail_caps > INIT_PER_CHILD_CAPS ? avail_caps - INIT_PER_CHILD_CAPS : 0;
	if (*ram > avail_ram) {
		nest_log(sb->env, "Warning: %s: assigned RAM (%llu) exceeds available RAM (%llu)",
		         child->name, (unsigned long long)*ram, (unsigned long long)avail_ram);
		*ram = avail_ram;
	}
	if (*caps > avail_caps) {
		nest_log(sb->env, "Warning: %s: assigned caps (%llu) exceed available caps (%llu)",
		         child->name, (unsigned long long)*caps, (unsigned long long)avail_caps);
		*caps = avail_caps;
	}
}

/*
 * The process starts once the environment sessions are there: PD, the
 * binary's ROM (the ROM named as the child, unless <binary> names another:
 * then that name is the label, as in Genode) and LOG, as in Genode. One
 * routed to a child's server is asked for without waiting; its answer comes
 * to child_environment_ready. A child whose environment cannot be had is
 * not started (incomplete); one whose server has not announced yet starts
 * when it does.
 */
static enum nest_error finish_start(struct child *child)
{
	struct sandbox *sb = child->sandbox;
	struct nest_cap pd_session, rom_session, log, pd_cap, binary = NEST_CAP_INVALID;
	struct rom_client rom;
	uint64_t size, ram, caps;
	enum nest_error err;

	if ((err = env_session_cap(child, "PD", &pd_session)) ||
	    (err = env_session_cap(child, "ROM", &rom_session)) ||
	    (err = env_session_cap(child, "LOG", &log)))
		return err;
	if ((err = nest_cap_copy(pd_session, &pd_cap)))
		return err;
	pd_client_init(&child->pd, pd_cap);
	/* a PD or binary of a child's server: init waits no longer for its
	 * calls than for a server's root */
	nest_client_timeout(&child->pd.rpc, ROOT_CALL_TIMEOUT_MS);
	child_quota(sb, &child->start, &ram, &caps);
	clamp_to_available(child, &ram, &caps);
	if ((err = pd_transfer_quota(&sb->env->pd, child->pd.cap, ram, caps)))
		return err;
	child->assigned_ram  = ram;
	child->assigned_caps = caps;
	if ((err = nest_cap_copy(rom_session, &rom_session)))
		return err;
	rom_client_init(&rom, rom_session);
	nest_client_timeout(&rom.rpc, ROOT_CALL_TIMEOUT_MS);
	err = rom_dataspace(&rom, &binary, &size);
	rom_client_fini(&rom);
	if (!err)
		err = nest_cap_copy(log, &child->env_log);
	if (!err)
		err = parent_server_manage(child);
	if (!err)
		err = nest_signal_handler_init(&sb->env->ep, &child->exit_handler,
		                               handle_process_end, child);
	if (!err)
		err = pd_exit_sigh(&child->pd, nest_signal_cap(&child->exit_handler));
	if (!err)
		err = pd_start(&child->pd, binary, child->parent.object.cap, child->name);
	nest_cap_release(&binary);
	child->started = !err;
	return err;
}

/* the environment sessions not asked for yet; a server that has not
 * announced its service yet is waited for */
static enum nest_error request_environment(struct child *child)
{
	struct sandbox *sb = child->sandbox;
	static const char *const env[] = { "PD", "ROM", "LOG" };
	struct nest_cap cap;
	enum nest_error err;

	child->awaits_server = 0;
	for (unsigned i = 0; i < sizeof(env) / sizeof(env[0]); i++) {
		const char *label = i == 1 ? child->binary : child->name;
		if (env_session_cap(child, env[i], &cap) != NEST_ERR_NOT_FOUND)
			continue;
		cap = NEST_CAP_INVALID;
		err = session_create_env(child, env[i], label, &cap);
		if (err == NEST_ERR_UNAVAILABLE) {
			child->awaits_server = 1;
			continue;
		}
		if (err) {
			nest_log(sb->env, "Warning: %s: environment session \"%s\" (label \"%s\") "
			         "unavailable: %s", child->name, env[i], label, nest_error_name(err));
			return err;
		}
	}
	err = child->awaits_server ? NEST_ERR_UNAVAILABLE : finish_start(child);
	return err == NEST_ERR_UNAVAILABLE ? NEST_OK : err;   /* a server answers later */
}

void child_retry_start(struct child *child)
{
	enum nest_error err;

	/* what was denied before is asked for again */
	for (struct session *s = child->sessions, *next; s; s = next) {
		next = s->next;
		if (s->env && s->phase == SESSION_SERVICE_DENIED)
			session_close(s);
	}
	child->retry   = 0;
	child->state   = CHILD_RUNNING;
	child->started = 0;
	child->just_created = 1;
	pd_client_init(&child->pd, NEST_CAP_INVALID);
	if ((err = request_environment(child))) {
		nest_log(child->sandbox->env, "Error: child \"%s\" could not be started: %s",
		         child->name, nest_error_name(err));
		child_release(child, CHILD_INCOMPLETE);
	}
	state_report_trigger(child->sandbox);
}

void child_retry_environment(struct child *child)
{
	enum nest_error err;

	if (child->state != CHILD_RUNNING || child->started || !child->awaits_server)
		return;
	if ((err = request_environment(child))) {
		nest_log(child->sandbox->env, "Error: child \"%s\" could not be started: %s",
		         child->name, nest_error_name(err));
		child_release(child, CHILD_INCOMPLETE);
	}
}

void child_environment_ready(struct child *child)
{
	enum nest_error err;

	if (!child || child->state != CHILD_RUNNING || child->started)
		return;
	err = finish_start(child);
	if (err && err != NEST_ERR_UNAVAILABLE) {
		nest_log(child->sandbox->env, "Error: child \"%s\" could not be started: %s",
		         child->name, nest_error_name(err));
		child_release(child, CHILD_INCOMPLETE);
	}
}

/* with verbose="yes", init shows its own quota around each child's life
 * (without what it holds for children's session records), so a test can
 * check that every donation came back */
static void log_quota(struct sandbox *sb, const char *when, const char *name)
{
	uint64_t ram = 0, ram_used = 0, caps = 0, caps_used = 0;
	if (sb->verbose && pd_quota(&sb->env->pd, &ram, &ram_used, &caps, &caps_used) == NEST_OK)
		nest_log(sb->env, "quota %s \"%s\": ram %llu caps %llu", when, name,
		         (unsigned long long)(ram - sb->record_ram),
		         (unsigned long long)(caps - sb->record_caps));
}

/* where the start node of name is in the config, or past the last */
static unsigned start_index(struct sandbox *sb, const char *name)
{
	struct nest_xml_node start;
	unsigned index = 0;
	for (int more = nest_xml_sub(&sb->config, "start", &start); more;
	     more = nest_xml_next_of_type(&start, "start", &start), index++)
		if (nest_xml_attr_eq(&start, "name", name))
			return index;
	return index;
}

/* children stay in the order of their start nodes, restarted ones too */
static void link_child(struct sandbox *sb, struct child *child)
{
	unsigned index = start_index(sb, child->name);
	struct child **c = &sb->children;
	while (*c && start_index(sb, (*c)->name) <= index)
		c = &(*c)->next;
	child->next = *c;
	*c = child;
}

struct child *child_create(struct sandbox *sb, const struct nest_xml_node *start)
{
	struct child *child = calloc(1, sizeof(*child));
	enum nest_error err;

	if (!child)
		return NULL;
	child->sandbox = sb;
	child->state   = CHILD_RUNNING;
	child->just_created = 1;
	child->id      = ++sb->child_count;
	/* no PD yet: a release before it has one closes nothing (a zeroed
	 * client would close descriptor 0, whatever capability holds it) */
	pd_client_init(&child->pd, NEST_CAP_INVALID);
	if (take_start_node(child, start)) {
		free(child);
		return NULL;
	}
	log_quota(sb, "before starting", child->name);
	link_child(sb, child);

	err = request_environment(child);
	if (err) {
		nest_log(sb->env, "Error: child \"%s\" could not be started: %s", child->name,
		         nest_error_name(err));
		child_release(child, CHILD_INCOMPLETE);
	}
	state_report_trigger(sb);
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

static void close_sessions(struct child *child, int env)
{
	struct session *s = child->sessions, *next;
	for (; s; s = next) {
		next = s->next;
		if (s->env == env && s->phase != SESSION_SERVICE_DENIED)   /* kept for the report */
			session_close(s);
	}
}

void child_release(struct child *child, enum child_state state)
{
	struct sandbox *sb = child->sandbox;

	if (nest_cap_valid(child->pd.cap))
		pd_stop(&child->pd);       /* the process ends, its RAM is free */
	child->state = state;
	pending_requests_drop(child);
	close_sessions(child, 0);
	sessions_detach_client(child);
	sessions_of_server_ended(child, 0);
	for (struct service **s = &sb->services; *s; ) {
		struct service *svc = *s;
		if (svc->server == child) {
			*s = svc->next;
			root_client_fini(&svc->root);
			free(svc);
		} else {
			s = &svc->next;
		}
	}
	server_child_released(child);
	nest_ep_dissolve(&child->parent.object);
	nest_signal_handler_fini(&child->exit_handler);
	withdraw_quota(child);
	close_sessions(child, 1);
	pd_client_fini(&child->pd);
	child->assigned_ram = child->assigned_caps = 0;
	child->outstanding_heartbeats = 0;
	nest_cap_release(&child->resource_avail_sigh);
	nest_cap_release(&child->yield_sigh);
	nest_cap_release(&child->heartbeat_sigh);
	nest_cap_release(&child->env_log);
	log_quota(sb, "after destroying", child->name);
	state_report_trigger(sb);
}

void child_destroy(struct child *child)
{
	struct sandbox *sb = child->sandbox;

	if (child->state == CHILD_RUNNING)
		child_release(child, CHILD_ABANDONED);
	/* clients of a server that is gone for good start anew */
	sessions_of_server_ended(child, 1);
	while (child->sessions)
		session_close(child->sessions);
	for (struct child **c = &sb->children; *c; c = &(*c)->next)
		if (*c == child) {
			*c = child->next;
			break;
		}
	free(child->start_xml);
	free(child);
	state_report_trigger(sb);
}

static int nodes_differ(const struct nest_xml_node *a, const struct nest_xml_node *b)
{
	return a->len != b->len || memcmp(a->start, b->start, a->len) != 0;
}

void child_update(struct child *child, const struct nest_xml_node *start)
{
	struct nest_xml_node old_config, new_config;
	int had_config, has_config, config_changed = 0;

	if (!nodes_differ(&child->start, start))
		return;
	had_config = nest_xml_sub(&child->start, "config", &old_config);
	has_config = nest_xml_sub(start, "config", &new_config);
	if (had_config && has_config)
		config_changed = nodes_differ(&old_config, &new_config);

	/* the child's sessions refer to the copy by pointer nowhere: replace it */
	if (take_start_node(child, start)) {
		child->restart = 1;
		return;
	}
	if (child->state != CHILD_RUNNING)
		return;
	/* a <config> that appears or vanishes changes where "config" is routed */
	if (had_config != has_config)
		child->restart = 1;
	else if (config_changed)
		config_rom_changed(child);
	/* a service no longer in <provides> is routed to no more (route.c asks
	 * child_provides): its clients' routes change, so they restart, and
	 * the server runs on, as in Genode */
}

/* a session's route as it would be made now for label, compared with the
 * one made */
static int session_route_changed(struct child *child, struct session *s, const char *label)
{
	struct route now;
	if (s->route.kind == ROUTE_LOCAL)
		return !child_has_config(child);
	if (route_session(child->sandbox, child, s->service, label, 1, &now))
		return 1;
	return now.kind != s->route.kind || strcmp(now.label, s->route.label) ||
	       (now.kind == ROUTE_CHILD && now.server != s->route.server);
}

/* the binary's ROM is labelled by the binary's name: a new <binary> that
 * still leads to the same ROM keeps the child, as in Genode */
int child_routes_changed(struct child *child)
{
	if (child->state != CHILD_RUNNING)
		return 0;
	for (struct session *s = child->sessions; s; s = s->next) {
		int binary = s->env && !strcmp(s->service, "ROM");
		if (s->phase == SESSION_SERVICE_DENIED)
			continue;
		if (session_route_changed(child, s, binary ? child->binary : s->label))
			return 1;
	}
	for (struct session *s = child->sessions; s; s = s->next)
		if (s->env && !strcmp(s->service, "ROM"))
			snprintf(s->label, sizeof(s->label), "%s", child->binary);
	return 0;
}

/* give back what the config takes away, as far as the child has it free,
 * and ask the child to yield the rest */
void child_apply_downgrade(struct child *child)
{
	struct sandbox *sb = child->sandbox;
	uint64_t ram, caps, quota = 0, used = 0, cap_quota = 0, cap_used = 0, take_ram, take_caps;

	if (child->state != CHILD_RUNNING)
		return;
	child_quota(sb, &child->start, &ram, &caps);
	if (ram >= child->assigned_ram && caps >= child->assigned_caps)
		return;
	if (pd_quota(&child->pd, &quota, &used, &cap_quota, &cap_used))
		return;
	take_ram = take_caps = 0;
	if (ram < child->assigned_ram && quota - used > DOWNGRADE_KEEP_RAM) {
		take_ram = child->assigned_ram - ram;
		if (take_ram > quota - used - DOWNGRADE_KEEP_RAM)
			take_ram = quota - used - DOWNGRADE_KEEP_RAM;
	}
	if (caps < child->assigned_caps && cap_quota - cap_used > DOWNGRADE_KEEP_CAPS) {
		take_caps = child->assigned_caps - caps;
		if (take_caps > cap_quota - cap_used - DOWNGRADE_KEEP_CAPS)
			take_caps = cap_quota - cap_used - DOWNGRADE_KEEP_CAPS;
	}
	if ((take_ram || take_caps) &&
	    pd_transfer_quota(&child->pd, sb->env->pd.cap, take_ram, take_caps) == NEST_OK) {
		child->assigned_ram  -= take_ram;
		child->assigned_caps -= take_caps;
	}
	child->yield_ram  = child->assigned_ram > ram ? child->assigned_ram - ram : 0;
	child->yield_caps = child->assigned_caps > caps ? child->assigned_caps - caps : 0;
	if ((child->yield_ram || child->yield_caps) && nest_cap_valid(child->yield_sigh))
		nest_signal_submit(child->yield_sigh, 1);
	state_report_trigger(sb);
}

/* give what the config adds, as far as init has it; a child waiting in a
 * resource request is woken */
void child_apply_upgrade(struct child *child)
{
	struct sandbox *sb = child->sandbox;
	uint64_t ram, caps, avail_ram, avail_caps, give_ram = 0, give_caps = 0;

	if (child->state != CHILD_RUNNING)
		return;
	child_quota(sb, &child->start, &ram, &caps);
	if (ram <= child->assigned_ram && caps <= child->assigned_caps)
		return;
	sandbox_available(sb, &avail_ram, &avail_caps);
	if (ram > child->assigned_ram)
		give_ram = ram - child->assigned_ram < avail_ram ? ram - child->assigned_ram : avail_ram;
	if (caps > child->assigned_caps)
		give_caps = caps - child->assigned_caps < avail_caps ? caps - child->assigned_caps
		                                                     : avail_caps;
	if (!give_ram && !give_caps)
		return;
	if (pd_transfer_quota(&sb->env->pd, child->pd.cap, give_ram, give_caps))
		return;
	child->assigned_ram  += give_ram;
	child->assigned_caps += give_caps;
	if (child->requested_ram || child->requested_caps) {
		child->requested_ram = child->requested_caps = 0;
		if (nest_cap_valid(child->resource_avail_sigh))
			nest_signal_submit(child->resource_avail_sigh, 1);
	}
	state_report_trigger(sb);
}
