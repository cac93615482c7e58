/*
 * \brief  Routing a session request by the child's <route> and <default-route>
 *
 * Rules are tried in order, the child's own <route> first. A rule names a
 * service (<service name>) or any (<any-service>) and may narrow by label:
 * label (exact), label_prefix, label_suffix, label_last (the last element)
 * and unscoped_label (the full label including the child's name). Within the
 * first rule that matches, the targets are tried in order: <parent/> (if the
 * service is in <parent-provides>), <child name/> (if that child exists),
 * <any-child/> (the one child that provides it; two are an ambiguity and
 * deny the request).
 */
#include <stdio.h>
#include <string.h>
#include <nest/session_args.h>
#include "init/sandbox/sandbox.h"

static int ends_with(const char *text, const char *suffix)
{
	size_t lt = strlen(text), ls = strlen(suffix);
	return lt >= ls && strcmp(text + lt - ls, suffix) == 0;
}

static int rule_matches(const struct nest_xml_node *rule, const char *service,
                        const char *label, const char *unscoped)
{
	char value[LABEL_LEN];

	if (nest_xml_has_type(rule, "service")) {
		if (!nest_xml_attr_eq(rule, "name", service))
			return 0;
	} else if (!nest_xml_has_type(rule, "any-service")) {
		return 0;
	}
	if (nest_xml_attr_str(rule, "label", value, sizeof(value)) && strcmp(label, value))
		return 0;
	if (nest_xml_attr_str(rule, "label_prefix", value, sizeof(value)) &&
	    strncmp(label, value, strlen(value)))
		return 0;
	if (nest_xml_attr_str(rule, "label_suffix", value, sizeof(value)) && !ends_with(label, value))
		return 0;
	if (nest_xml_attr_str(rule, "label_last", value, sizeof(value)) &&
	    strcmp(nest_label_last(label), value))
		return 0;
	if (nest_xml_attr_str(rule, "unscoped_label", value, sizeof(value)) && strcmp(unscoped, value))
		return 0;
	return 1;
}

static int parent_provides(struct sandbox *sb, const char *service)
{
	for (unsigned i = 0; i < sb->parent_provides_count; i++)
		if (strcmp(sb->parent_provides[i], service) == 0)
			return 1;
	return 0;
}

/* NEST_OK with a route, NEST_ERR_NOT_FOUND to try the next target, or a denial */
static enum nest_error resolve_target(struct sandbox *sb, const struct nest_xml_node *target,
                                      const char *service, struct route *route)
{
	char name[NAME_LEN];

	if (nest_xml_has_type(target, "parent")) {
		if (!parent_provides(sb, service))
			return NEST_ERR_NOT_FOUND;
		route->kind = ROUTE_PARENT;
		return NEST_OK;
	}
	if (nest_xml_has_type(target, "child")) {
		struct child *server;
		if (!nest_xml_attr_str(target, "name", name, sizeof(name)) ||
		    !(server = child_by_name(sb, name)) || !child_provides(server, service))
			return NEST_ERR_NOT_FOUND;
		route->kind   = ROUTE_CHILD;
		route->server = server;
		return NEST_OK;
	}
	if (nest_xml_has_type(target, "any-child")) {
		struct child *found = NULL;
		for (struct child *c = sb->children; c; c = c->next) {
			if (c->state == CHILD_DESTROYED || !child_provides(c, service))
				continue;
			if (found) {
				nest_log(sb->env, "Error: ambiguous routes to service \"%s\" "
				         "(children \"%s\" and \"%s\")", service, found->name, c->name);
				return NEST_ERR_DENIED;
			}
			found = c;
		}
		if (!found)
			return NEST_ERR_NOT_FOUND;
		route->kind   = ROUTE_CHILD;
		route->server = found;
		return NEST_OK;
	}
	return NEST_ERR_NOT_FOUND;
}

static enum nest_error route_by(struct sandbox *sb, const struct nest_xml_node *routes,
                                const char *service, const char *label, const char *unscoped,
                                struct route *route)
{
	struct nest_xml_node rule, target;
	int more = nest_xml_first_sub(routes, &rule);

	for (; more; more = nest_xml_next(&rule, &rule)) {
		if (!rule_matches(&rule, service, label, unscoped))
			continue;
		for (int t = nest_xml_first_sub(&rule, &target); t; t = nest_xml_next(&target, &target)) {
			enum nest_error err = resolve_target(sb, &target, service, route);
			if (err != NEST_ERR_NOT_FOUND)
				return err;
		}
	}
	return NEST_ERR_NOT_FOUND;
}

enum nest_error route_session(struct sandbox *sb, struct child *client, const char *service,
                              const char *label, struct route *route)
{
	struct nest_xml_node routes;
	char unscoped[LABEL_LEN];
	enum nest_error err = NEST_ERR_NOT_FOUND;

	if (nest_label_prepend(unscoped, sizeof(unscoped), client->name, label))
		return NEST_ERR_INVALID_ARGS;
	if (nest_xml_sub(&client->start, "route", &routes))
		err = route_by(sb, &routes, service, label, unscoped, route);
	if (err == NEST_ERR_NOT_FOUND && nest_xml_sub(&sb->config, "default-route", &routes))
		err = route_by(sb, &routes, service, label, unscoped, route);
	return err;
}
