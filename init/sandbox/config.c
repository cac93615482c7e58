/*
 * \brief  Applying init's configuration: parent services, defaults, children
 *
 * The configuration is checked before anything starts: an unknown node, a
 * start node without a name, or two start nodes of the same name are
 * reported with their line, and nothing of a bad configuration is applied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include "init/sandbox/sandbox.h"

/* what init keeps for itself unless <resource name="RAM|CAP" preserve> says
 * otherwise (Genode's defaults) */
enum { DEFAULT_PRESERVED_RAM = 40 * sizeof(long) * 1024, DEFAULT_PRESERVED_CAPS = 20 };

static const char *const known_nodes[] = {
	"parent-provides", "default-route", "default", "start", "report", "heartbeat",
	"resource", "alias", "service", "affinity-space",
};

static void sweep(void *state, uint64_t count)
{
	struct sandbox *sb = state;
	struct child *c = sb->children;
	(void)count;

	while (c) {
		struct child *next = c->next;
		if (c->state == CHILD_EXITED) {
			int propagate = c->exit_propagate, code = c->exit_code;
			char name[NAME_LEN];
			snprintf(name, sizeof(name), "%s", c->name);
			child_destroy(c);
			if (propagate)
				nest_env_exit(sb->env, code);
			if (sb->child_destroyed)
				sb->child_destroyed(sb->child_destroyed_state, name, code);
		}
		c = next;
	}
}

static void retry(void *state, uint64_t count)
{
	(void)count;
	sessions_retry_pending(state);
}

void sandbox_init(struct sandbox *sb, struct nest_env *env)
{
	memset(sb, 0, sizeof(*sb));
	sb->env = env;
	nest_signal_handler_init(&env->ep, &sb->sweep, sweep, sb);
	nest_signal_handler_init(&env->ep, &sb->retry, retry, sb);
}

static int config_error(struct sandbox *sb, const struct nest_xml_node *node, const char *what)
{
	nest_log(sb->env, "Error: config:%u: %s", nest_xml_line(node, sb->config_xml), what);
	return 0;
}

static int check_config(struct sandbox *sb)
{
	struct nest_xml_node node, other;
	char type[32], name[NAME_LEN], text[160];

	if (!nest_xml_has_type(&sb->config, "config"))
		return config_error(sb, &sb->config, "top-level node must be <config>");
	for (int more = nest_xml_first_sub(&sb->config, &node); more;
	     more = nest_xml_next(&node, &node)) {
		int known = 0;
		nest_xml_type(&node, type, sizeof(type));
		for (unsigned i = 0; i < sizeof(known_nodes) / sizeof(known_nodes[0]); i++)
			known |= strcmp(type, known_nodes[i]) == 0;
		if (!known) {
			snprintf(text, sizeof(text), "unknown node <%s>", type);
			return config_error(sb, &node, text);
		}
		if (!strcmp(type, "alias")) {
			if (!nest_xml_attr_str(&node, "name", name, sizeof(name)) || !name[0] ||
			    !nest_xml_has_attr(&node, "child"))
				return config_error(sb, &node, "alias without name or child");
			continue;
		}
		if (strcmp(type, "start"))
			continue;
		if (!nest_xml_attr_str(&node, "name", name, sizeof(name)) || !name[0])
			return config_error(sb, &node, "start node without a name");
		for (int m = nest_xml_next_of_type(&node, "start", &other); m;
		     m = nest_xml_next_of_type(&other, "start", &other))
			if (nest_xml_attr_eq(&other, "name", name)) {
				snprintf(text, sizeof(text), "start node \"%s\" appears twice", name);
				return config_error(sb, &other, text);
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

/* what init can still give away, keeping what it needs itself */
static void available(struct sandbox *sb, uint64_t *ram, uint64_t *caps)
{
	uint64_t quota = 0, used = 0, cap_quota = 0, cap_used = 0;
	pd_quota(&sb->env->pd, &quota, &used, &cap_quota, &cap_used);
	*ram  = quota - used > sb->preserved_ram ? quota - used - sb->preserved_ram : 0;
	*caps = cap_quota - cap_used > sb->preserved_caps
	      ? cap_quota - cap_used - sb->preserved_caps : 0;
}

enum nest_error sandbox_apply_config(struct sandbox *sb, const char *text, size_t len)
{
	struct nest_xml_error error;
	struct nest_xml_node start;
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return NEST_ERR_OUT_OF_RAM;
	memcpy(copy, text, len);
	if (nest_xml_parse(copy, len, &sb->config, &error)) {
		nest_log(sb->env, "Error: config:%u:%u: %s", error.line, error.column, error.message);
		free(copy);
		return NEST_ERR_SYNTAX;
	}
	free(sb->config_xml);
	sb->config_xml = copy;
	if (!check_config(sb))
		return NEST_ERR_SYNTAX;
	sb->verbose = nest_xml_attr_bool(&sb->config, "verbose", false);
	read_parent_provides(sb);
	read_preservation(sb);

	for (int more = nest_xml_sub(&sb->config, "start", &start); more;
	     more = nest_xml_next_of_type(&start, "start", &start)) {
		char name[NAME_LEN] = "";
		uint64_t ram = 0, caps = 0, ram_avail, caps_avail;
		nest_xml_attr_str(&start, "name", name, sizeof(name));
		if (child_by_name(sb, name))
			continue;
		child_quota(sb, &start, &ram, &caps);
		available(sb, &ram_avail, &caps_avail);
		if (ram > ram_avail || caps > caps_avail) {
			nest_log(sb->env, "Warning: child \"%s\" needs %llu bytes of RAM and %llu caps, "
			         "only %llu and %llu are available", name, (unsigned long long)ram,
			         (unsigned long long)caps, (unsigned long long)ram_avail,
			         (unsigned long long)caps_avail);
			continue;
		}
		child_create(sb, &start);
	}
	return NEST_OK;
}
