/*
 * \brief  Applying init's configuration to the running children
 *
 * A configuration is checked before any of it applies: an unknown node, a
 * start node without a name, or two start nodes of the same name are
 * reported with their line, and the last good configuration stays in force.
 * A good one is applied as Genode's init applies it: children whose start
 * node is gone or has another version end, the others take over their new
 * start node; children whose sessions would now be routed elsewhere restart,
 * and with them, in cascade, the clients of every restarted server; new
 * start nodes start children; quota is taken back first, then given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/timer.h>
#include "init/sandbox/sandbox.h"

/* what init keeps for itself unless <resource name="RAM|CAP" preserve> says
 * otherwise (Genode's defaults) */
enum { DEFAULT_PRESERVED_RAM = 40 * sizeof(long) * 1024, DEFAULT_PRESERVED_CAPS = 20 };

static const char *const known_nodes[] = {
	"parent-provides", "default-route", "default", "start", "report", "heartbeat",
	"resource", "alias", "service", "affinity-space",
};

/* releases what exited children had; they stay, exited, in the report */
static void sweep(void *state, uint64_t count)
{
	struct sandbox *sb = state;
	(void)count;

	/* from the start after each: the hook may apply a new config */
	for (;;) {
		struct child *c = sb->children;
		while (c && (c->state != CHILD_EXITED || !nest_cap_valid(c->pd.cap)))
			c = c->next;
		if (!c)
			return;
		child_release(c, CHILD_EXITED);
		if (c->exit_propagate)
			nest_env_exit(sb->env, c->exit_code);
		if (sb->child_exited)
			sb->child_exited(sb->child_exited_state, c->name, c->exit_code);
	}
}

/* a server announced: requests waiting for it go on, and children whose
 * environment waited for it start */
static void retry(void *state, uint64_t count)
{
	struct sandbox *sb = state;

	(void)count;
	for (struct child *c = sb->children; c; c = c->next)
		child_retry_environment(c);
	sessions_retry_pending(sb);
}

enum nest_error sandbox_timer(struct sandbox *sb, struct timer_client *timer,
                              struct nest_signal_handler *handler)
{
	struct nest_cap session;
	char args[ARGS_LEN];
	enum nest_error err;

	if (nest_cap_valid(timer->cap))
		return NEST_OK;
	snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u",
	         TIMER_SESSION_RAM, TIMER_SESSION_CAPS);
	if ((err = nest_env_session(sb->env, "Timer", args, &session)))
		return err;
	timer_client_init(timer, session);
	return timer_sigh(timer, nest_signal_cap(handler));
}

void sandbox_timer_close(struct sandbox *sb, struct timer_client *timer)
{
	if (!nest_cap_valid(timer->cap))
		return;
	nest_env_close(sb->env, timer->cap);
	timer_client_fini(timer);
}

void sandbox_init(struct sandbox *sb, struct nest_env *env)
{
	memset(sb, 0, sizeof(*sb));
	sb->env = env;
	nest_signal_handler_init(&env->ep, &sb->sweep, sweep, sb);
	nest_signal_handler_init(&env->ep, &sb->retry, retry, sb);
	state_report_init(sb);
	heartbeat_init(sb);
}

void sandbox_fini(struct sandbox *sb)
{
	static const char empty[] = "<config/>";

	/* every child ends and gives back what it had; a request of init's
	 * parent that waits finds no policy now and is denied */
	sandbox_apply_config(sb, empty, sizeof(empty) - 1);
	server_fini(sb);
	state_report_fini(sb);
	heartbeat_fini(sb);
	nest_signal_handler_fini(&sb->sweep);
	nest_signal_handler_fini(&sb->retry);
	free(sb->config_xml);
	sb->config_xml = NULL;
}

static int config_error(const struct sandbox *sb, const char *text,
                        const struct nest_xml_node *node, const char *what)
{
	nest_log(sb->env, "Error: config:%u: %s", nest_xml_line(node, text), what);
	return 0;
}

/* checked before anything of it applies: a bad config leaves the last good
 * one in force */
static int check_config(const struct sandbox *sb, const struct nest_xml_node *config,
                        const char *doc)
{
	struct nest_xml_node node, other;
	char type[32], name[NAME_LEN], text[160];

	if (!nest_xml_has_type(config, "config"))
		return config_error(sb, doc, config, "top-level node must be <config>");
	for (int more = nest_xml_first_sub(config, &node); more;
	     more = nest_xml_next(&node, &node)) {
		int known = 0;
		nest_xml_type(&node, type, sizeof(type));
		for (unsigned i = 0; i < sizeof(known_nodes) / sizeof(known_nodes[0]); i++)
			known |= strcmp(type, known_nodes[i]) == 0;
		if (!known) {
			snprintf(text, sizeof(text), "unknown node <%s>", type);
			return config_error(sb, doc, &node, text);
		}
		if (!strcmp(type, "alias")) {
			if (!nest_xml_attr_str(&node, "name", name, sizeof(name)) || !name[0] ||
			    !nest_xml_has_attr(&node, "child"))
				return config_error(sb, doc, &node, "alias without name or child");
			continue;
		}
		if (strcmp(type, "start"))
			continue;
		if (!nest_xml_attr_str(&node, "name", name, sizeof(name)) || !name[0])
			return config_error(sb, doc, &node, "start node without a name");
		for (int m = nest_xml_next_of_type(&node, "start", &other); m;
		     m = nest_xml_next_of_type(&other, "start", &other))
			if (nest_xml_attr_eq(&other, "name", name)) {
				snprintf(text, sizeof(text), "start node \"%s\" appears twice", name);
				return config_error(sb, doc, &other, text);
			}
	}
	return 1;
}

static void read_parent_provides(struct sandbox *sb)
{
	struct nest_xml_node provides, service;
	sb->parent_provides_count = 0;
	if (!nest_xml_sub(&sb->config, "parent-provides", &provides))
		return;
	for (int more = nest_xml_sub(&provides, "service", &service); more;
	     more = nest_xml_next_of_type(&service, "service", &service))
		if (sb->parent_provides_count < MAX_PARENT_SERVICES)
			nest_xml_attr_str(&service, "name",
			                  sb->parent_provides[sb->parent_provides_count++], SERVICE_LEN);
}

static void read_preservation(struct sandbox *sb)
{
	struct nest_xml_node r;
	sb->preserved_ram  = DEFAULT_PRESERVED_RAM;
	sb->preserved_caps = DEFAULT_PRESERVED_CAPS;
	for (int more = nest_xml_sub(&sb->config, "resource", &r); more;
	     more = nest_xml_next_of_type(&r, "resource", &r)) {
		if (nest_xml_attr_eq(&r, "name", "RAM"))
			nest_xml_attr_u64(&r, "preserve", &sb->preserved_ram);
		if (nest_xml_attr_eq(&r, "name", "CAP"))
			nest_xml_attr_u64(&r, "preserve", &sb->preserved_caps);
	}
}

void sandbox_available(struct sandbox *sb, uint64_t *ram, uint64_t *caps)
{
	uint64_t quota = 0, used = 0, cap_quota = 0, cap_used = 0;
	pd_quota(&sb->env->pd, &quota, &used, &cap_quota, &cap_used);
	*ram  = quota - used > sb->preserved_ram ? quota - used - sb->preserved_ram : 0;
	*caps = cap_quota - cap_used > sb->preserved_caps
	      ? cap_quota - cap_used - sb->preserved_caps : 0;
	/* Genode's errors: the config asks init to keep more than it has */
	if (sb->preserved_ram > quota - used)
		nest_log(sb->env, "Error: RAM preservation exceeds available memory");
	if (sb->preserved_caps > cap_quota - cap_used)
		nest_log(sb->env, "Error: Capability preservation exceeds available capabilities");
}

/* Genode's warnings for an <affinity> that does not fit */
static void check_affinity(struct sandbox *sb, const struct nest_xml_node *start,
                           const char *name)
{
	struct nest_xml_node space, affinity;
	uint64_t width = 1, height = 1, x = 0, y = 0, w = 1, h = 1;

	if (!nest_xml_sub(start, "affinity", &affinity))
		return;
	if (!nest_xml_sub(&sb->config, "affinity-space", &space)) {
		nest_log(sb->env, "Warning: affinity-space configuration missing, but affinity "
		         "defined for child %s", name);
		return;
	}
	nest_xml_attr_u64(&space, "width", &width);
	nest_xml_attr_u64(&space, "height", &height);
	nest_xml_attr_u64(&affinity, "xpos", &x);
	nest_xml_attr_u64(&affinity, "ypos", &y);
	nest_xml_attr_u64(&affinity, "width", &w);
	nest_xml_attr_u64(&affinity, "height", &h);
	if (!w || !h || x + w > width || y + h > height)
		nest_log(sb->env, "Warning: %s: affinity location exceeds affinity-space boundary",
		         name);
}

/* Genode's warnings for priorities that do not fit <config prio_levels>;
 * Nest's core runs every component at the same priority */
static void check_priority(struct sandbox *sb, const struct nest_xml_node *start,
                           const char *name)
{
	uint64_t levels = 0;
	int64_t priority = 0;
	char value[24];

	nest_xml_attr_u64(&sb->config, "prio_levels", &levels);
	if (levels & (levels - 1))
		levels = 0;
	if (!nest_xml_attr_str(start, "priority", value, sizeof(value)))
		return;
	priority = -strtoll(value, NULL, 10);
	if (priority && (uint64_t)priority >= levels)
		nest_log(sb->env, "Warning: %s: invalid priority, upgrading from %lld to %lld", name,
		         (long long)-priority, levels ? -(long long)(levels - 1) : 0LL);
}

static void start_new_children(struct sandbox *sb)
{
	struct nest_xml_node start;

	for (int more = nest_xml_sub(&sb->config, "start", &start); more;
	     more = nest_xml_next_of_type(&start, "start", &start)) {
		char name[NAME_LEN] = "";
		nest_xml_attr_str(&start, "name", name, sizeof(name));
		if (child_by_name(sb, name))
			continue;
		check_affinity(sb, &start, name);
		check_priority(sb, &start, name);
		child_create(sb, &start);
	}
}

/* a child whose start node is gone or has another version ends; one that
 * could not start tries again, in place; the others take over their start
 * node */
static void update_children(struct sandbox *sb)
{
	struct nest_xml_node start;
	char version[NAME_LEN];

	for (struct child *c = sb->children; c; c = c->next) {
		int gone;
		if (c->state == CHILD_ABANDONED)
			continue;
		gone = !nest_xml_sub_by_attr(&sb->config, "start", "name", c->name, &start);
		version[0] = 0;
		if (!gone)
			nest_xml_attr_str(&start, "version", version, sizeof(version));
		if (gone || strcmp(version, c->version))
			c->restart = 1;
		else
			child_update(c, &start);
		/* as Genode's stuck child: it tries again, staying who it is */
		c->retry = c->state == CHILD_INCOMPLETE;
	}
}

/*
 * Restart what must: children marked so, and those whose sessions route
 * elsewhere now. A restarted server restarts its clients in turn, until
 * nothing changes any more.
 */
static void restart_children(struct sandbox *sb)
{
	for (;;) {
		int any = 0;
		for (struct child *c = sb->children; c; c = c->next)
			if (c->state != CHILD_ABANDONED && (c->restart || child_routes_changed(c))) {
				if (c->state == CHILD_RUNNING)
					child_release(c, CHILD_ABANDONED);
				c->state = CHILD_ABANDONED;
				any = 1;
			}
		if (!any)
			return;
		for (struct child *c = sb->children, *next; c; c = next) {
			next = c->next;
			if (c->state == CHILD_ABANDONED)
				child_destroy(c);
		}
	}
}

void sandbox_reconcile(struct sandbox *sb)
{
	restart_children(sb);
	for (struct child *c = sb->children; c; c = c->next)
		if (c->retry && c->state == CHILD_INCOMPLETE)
			child_retry_start(c);
	start_new_children(sb);
	for (struct child *c = sb->children; c; c = c->next)
		child_apply_downgrade(c);
	/* a child started just now got what it could: more comes with a later
	 * config (as Genode, which upgrades only the children it had) */
	for (struct child *c = sb->children; c; c = c->next) {
		if (!c->just_created)
			child_apply_upgrade(c);
		c->just_created = 0;
	}
	sessions_retry_pending(sb);
}

enum nest_error sandbox_apply_config(struct sandbox *sb, const char *text, size_t len)
{
	struct nest_xml_error error;
	struct nest_xml_node config;
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return NEST_ERR_OUT_OF_RAM;
	memcpy(copy, text, len);
	if (nest_xml_parse(copy, len, &config, &error)) {
		nest_log(sb->env, "Error: config:%u:%u: %s", error.line, error.column, error.message);
		free(copy);
		return NEST_ERR_SYNTAX;
	}
	if (!check_config(sb, &config, copy)) {
		free(copy);
		return NEST_ERR_SYNTAX;
	}
	free(sb->config_xml);
	sb->config_xml = copy;
	sb->config     = config;
	sb->verbose = nest_xml_attr_bool(&sb->config, "verbose", false);
	{
		uint64_t levels = 0;
		if (nest_xml_attr_u64(&sb->config, "prio_levels", &levels) && (levels & (levels - 1)))
			nest_log(sb->env, "Warning: prio levels is not power of two, priorities are disabled");
	}
	read_parent_provides(sb);
	read_preservation(sb);

	update_children(sb);
	sandbox_reconcile(sb);
	server_apply_config(sb);
	state_report_apply_config(sb);
	heartbeat_apply_config(sb);
	return NEST_OK;
}
