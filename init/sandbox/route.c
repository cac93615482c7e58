/*
 * \brief  Routing a session request by the child's <route> or <default-route>
 *
 * As in Genode's init: the child's own <route> node, if it has one, is the
 * whole routing policy; otherwise the <default-route> is. Rules are tried
 * in order. A rule names a service (<service name>) or any (<any-service>)
 * and may narrow by label: label, label_prefix, label_suffix compare the
 * label the child chose (its name stripped), label_last the last element of
 * the full label, unscoped_label the full label. Within the first rule that
 * matches, targets are tried in order: <parent/> (if the service is in
 * <parent-provides>), <child name/> (if that child provides it), <any-child/>
 * (the one child that provides it; two are an ambiguity and deny the
 * request; a child name may be an <alias>). A <service> rule tries only
 * its first target; <any-service> goes on to the next rule when none of its
 * targets fits. A target may rewrite the session label: label replaces it
 * whole; otherwise identity replaces what precedes its last element (who
 * asks), resource replaces the last element (what is asked for), and
 * prepend_resource puts its text in front of the last element.
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

/* the label the child chose: the full label with "name -> " stripped */
static const char *scoped_label(const char *name, const char *label)
{
	size_t len = strlen(name);
	if (strncmp(label, name, len) || strncmp(label + len, " -> ", 4))
		return NULL;
	return label + len + 4;
}

static int rule_matches(const struct nest_xml_node *rule, const char *service,
                        const char *child_name, const char *label)
{
	char value[LABEL_LEN];
	const char *scoped;

	if (nest_xml_has_type(rule, "service")) {
		if (!nest_xml_attr_eq(rule, "name", service))
			return 0;
	} else if (!nest_xml_has_type(rule, "any-service")) {
		return 0;
	}
	if (nest_xml_attr_str(rule, "unscoped_label", value, sizeof(value)))
		return strcmp(label, value) == 0;
	if (nest_xml_attr_str(rule, "label_last", value, sizeof(value)))
		return strcmp(nest_label_last(label), value) == 0;
	if (!nest_xml_has_attr(rule, "label") && !nest_xml_has_attr(rule, "label_prefix") &&
	    !nest_xml_has_attr(rule, "label_suffix"))
		return 1;
	if (!(scoped = scoped_label(child_name, label)))
		return 0;
	if (nest_xml_attr_str(rule, "label", value, sizeof(value)) && strcmp(scoped, value))
		return 0;
	if (nest_xml_attr_str(rule, "label_prefix", value, sizeof(value)) &&
	    strncmp(scoped, value, strlen(value)))
		return 0;
	if (nest_xml_attr_str(rule, "label_suffix", value, sizeof(value)) && !ends_with(scoped, value))
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

/* the label the server sees, as the target rewrites it */
static enum nest_error rewrite_label(const struct nest_xml_node *target, const char *label,
                                     char *out, size_t size)
{
	char identity[LABEL_LEN], resource[LABEL_LEN], prefix[LABEL_LEN] = "";
	const char *last = nest_label_last(label);
	size_t identity_len = last > label ? (size_t)(last - label) - 4 : 0;   /* " -> " */
	int n;

	if (nest_xml_has_attr(target, "label"))
		return nest_xml_attr_str(target, "label", out, size) ? NEST_OK : NEST_ERR_INVALID_ARGS;
	snprintf(identity, sizeof(identity), "%.*s", (int)identity_len, label);
	snprintf(resource, sizeof(resource), "%s", last);
	if ((nest_xml_has_attr(target, "identity") &&
	     !nest_xml_attr_str(target, "identity", identity, sizeof(identity))) ||
	    (nest_xml_has_attr(target, "resource") &&
	     !nest_xml_attr_str(target, "resource", resource, sizeof(resource))) ||
	    (nest_xml_has_attr(target, "prepend_resource") &&
	     !nest_xml_attr_str(target, "prepend_resource", prefix, sizeof(prefix))))
		return NEST_ERR_INVALID_ARGS;
	n = snprintf(out, size, "%s%s%s%s", identity, identity[0] ? " -> " : "", prefix, resource);
	return n < 0 || (size_t)n >= size ? NEST_ERR_INVALID_ARGS : NEST_OK;
}

/* an <alias name child/> stands for the child it names */
static void deref_alias(struct sandbox *sb, char *name, size_t size)
{
	struct nest_xml_node alias;
	if (nest_xml_sub_by_attr(&sb->config, "alias", "name", name, &alias))
		nest_xml_attr_str(&alias, "child", name, size);
}

/* NEST_OK with a route, NEST_ERR_NOT_FOUND to try the next target, or a denial */
static enum nest_error resolve_target(struct sandbox *sb, const struct nest_xml_node *target,
                                      const char *client_name, const char *service,
                                      int quiet, struct route *route)
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
		if (!nest_xml_attr_str(target, "name", name, sizeof(name)))
			return NEST_ERR_NOT_FOUND;
		deref_alias(sb, name, sizeof(name));
		if (!(server = child_by_name(sb, name)) || !child_provides(server, service))
			return NEST_ERR_NOT_FOUND;
		route->kind   = ROUTE_CHILD;
		route->server = server;
		return NEST_OK;
	}
	if (nest_xml_has_type(target, "any-child")) {
		struct child *found = NULL;
		for (struct child *c = sb->children; c; c = c->next) {
			if (c->state == CHILD_ABANDONED || !child_provides(c, service))
				continue;
			if (found) {
				if (!quiet)
					nest_log(sb->env, "Error: %s: ambiguous routes to service \"%s\"",
					         client_name, service);
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

enum nest_error route_session(struct sandbox *sb, struct child *client, const char *service,
                              const char *label, int quiet, struct route *route)
{
	struct nest_xml_node routes, rule, target;

	if (!nest_xml_sub(&client->start, "route", &routes) &&
	    !nest_xml_sub(&sb->config, "default-route", &routes))
		return NEST_ERR_NOT_FOUND;
	for (int r = nest_xml_first_sub(&routes, &rule); r; r = nest_xml_next(&rule, &rule)) {
		int wildcard = nest_xml_has_type(&rule, "any-service");
		if (!rule_matches(&rule, service, client->name, label))
			continue;
		for (int t = nest_xml_first_sub(&rule, &target); t; t = nest_xml_next(&target, &target)) {
			enum nest_error err = resolve_target(sb, &target, client->name, service, quiet,
			                                     route);
			if (err == NEST_OK)
				err = rewrite_label(&target, label, route->label, sizeof(route->label));
			if (err != NEST_ERR_NOT_FOUND)
				return err;
			if (!wildcard) {
				if (!quiet)
					nest_log(sb->env, "Warning: %s: lookup for service \"%s\" failed",
					         client->name, service);
				return NEST_ERR_DENIED;
			}
		}
	}
	return NEST_ERR_NOT_FOUND;
}
