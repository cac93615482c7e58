/*
 * \brief  Core's policy: which host resources and which sandbox profile a
 *         label gets, from the config core was started with (--config)
 *
 *   <config>
 *     <service name="Host_file">
 *       <policy label="init -> disk" path="/srv/disk.img" writeable="yes"/>
 *     </service>
 *     <sandbox>
 *       <policy label_prefix="init -> disk" profile="driver"/>
 *     </sandbox>
 *   </config>
 *
 * A policy is chosen by label as every server chooses one
 * (nest/session_policy.h). Without a config, or without a fitting policy, a
 * label gets no host resource and the strict profile.
 */
#include <stdio.h>
#include <string.h>
#include <nest/session_policy.h>
#include "core/core.h"

static const char *const profile_names[] = {
	[SANDBOX_STRICT] = "strict", [SANDBOX_DRIVER] = "driver", [SANDBOX_TRAPPING] = "trapping",
};

bool core_service_policy(const struct core *core, const char *service, const char *label,
                         struct nest_xml_node *policy)
{
	struct nest_xml_node node;
	return core->config_text &&
	       nest_xml_sub_by_attr(&core->config, "service", "name", service, &node) &&
	       nest_session_policy(&node, label, policy);
}

static bool profile_of(const struct nest_xml_node *policy, enum sandbox_profile *profile)
{
	for (unsigned i = 0; i < sizeof(profile_names) / sizeof(profile_names[0]); i++)
		if (nest_xml_attr_eq(policy, "profile", profile_names[i])) {
			*profile = (enum sandbox_profile)i;
			return true;
		}
	return false;
}

enum sandbox_profile core_sandbox_profile(const struct core *core, const char *label)
{
	struct nest_xml_node node, policy;
	enum sandbox_profile profile = SANDBOX_STRICT;

	if (core->config_text && nest_xml_sub(&core->config, "sandbox", &node) &&
	    nest_session_policy(&node, label, &policy))
		profile_of(&policy, &profile);        /* checked at boot */
	return profile;
}

/* what core does not understand is an error at boot, with its line */
static bool config_error(const struct core *core, const char *path,
                         const struct nest_xml_node *node, const char *what)
{
	core_log("%s:%u: %s", path, nest_xml_line(node, core->config_text), what);
	return false;
}

/* what a host service's policy must name: Host_file and Host_dir a path,
 * Host_tap a name (and may give an address), Host_x11 a display */
static const struct { const char *service, *required; } host_services[] = {
	{ "Host_file", "path" }, { "Host_terminal", NULL }, { "Host_tap", "name" },
	{ "Host_x11", "display" }, { "Host_dir", "path" },
};

static bool check_policies(const struct core *core, const char *path,
                           const struct nest_xml_node *section, bool sandbox,
                           const char *service, const char *required)
{
	char what[96];
	struct nest_xml_node policy;
	char type[32];

	for (bool more = nest_xml_first_sub(section, &policy); more;
	     more = nest_xml_next(&policy, &policy)) {
		enum sandbox_profile profile;
		nest_xml_type(&policy, type, sizeof(type));
		if (strcmp(type, "policy") && strcmp(type, "default-policy"))
			return config_error(core, path, &policy, "expected <policy> or <default-policy>");
		if (sandbox && !profile_of(&policy, &profile))
			return config_error(core, path, &policy,
			                    "profile must be \"strict\", \"driver\" or \"trapping\"");
		if (!sandbox && required && !nest_xml_has_attr(&policy, required)) {
			snprintf(what, sizeof(what), "a %s policy needs %s=\"...\"", service, required);
			return config_error(core, path, &policy, what);
		}
	}
	return true;
}

bool core_config_check(const struct core *core, const char *path)
{
	struct nest_xml_node node;
	char type[32];

	if (!nest_xml_has_type(&core->config, "config"))
		return config_error(core, path, &core->config, "top-level node must be <config>");
	for (bool more = nest_xml_first_sub(&core->config, &node); more;
	     more = nest_xml_next(&node, &node)) {
		nest_xml_type(&node, type, sizeof(type));
		if (!strcmp(type, "sandbox")) {
			if (!check_policies(core, path, &node, true, NULL, NULL))
				return false;
		} else if (!strcmp(type, "service")) {
			unsigned i = 0, n = sizeof(host_services) / sizeof(host_services[0]);
			while (i < n && !nest_xml_attr_eq(&node, "name", host_services[i].service))
				i++;
			if (i == n)
				return config_error(core, path, &node, "core offers no such host service");
			if (!check_policies(core, path, &node, false, host_services[i].service,
			                    host_services[i].required))
				return false;
		} else {
			return config_error(core, path, &node, "expected <service> or <sandbox>");
		}
	}
	return true;
}
