/*
 * \brief  Selecting a server's <policy> for a session by its label
 *
 * One implementation for every server, so that a policy means the same
 * wherever it is written (see nest/session_policy.h).
 */
#include <stdint.h>
#include <string.h>
#include <nest/session_args.h>
#include <nest/session_policy.h>

enum { LABEL_MAX = 160 };

static bool ends_with(const char *text, const char *suffix)
{
	size_t lt = strlen(text), ls = strlen(suffix);
	return lt >= ls && strcmp(text + lt - ls, suffix) == 0;
}

/* how well a <policy> matches label: 0 not at all, more is better */
static size_t policy_score(const struct nest_xml_node *policy, const char *label)
{
	char value[LABEL_MAX];
	size_t score = 1;
	bool narrowed = false;

	if (nest_xml_has_attr(policy, "label"))
		return nest_xml_attr_str(policy, "label", value, sizeof(value)) &&
		       strcmp(value, label) == 0 ? SIZE_MAX : 0;
	if (nest_xml_has_attr(policy, "unscoped_label"))
		return nest_xml_attr_str(policy, "unscoped_label", value, sizeof(value)) &&
		       strcmp(value, label) == 0 ? SIZE_MAX : 0;
	if (nest_xml_has_attr(policy, "label_last"))
		return nest_xml_attr_str(policy, "label_last", value, sizeof(value)) &&
		       strcmp(value, nest_label_last(label)) == 0 ? SIZE_MAX - 1 : 0;
	if (nest_xml_has_attr(policy, "label_prefix")) {
		if (!nest_xml_attr_str(policy, "label_prefix", value, sizeof(value)) ||
		    strncmp(label, value, strlen(value)))
			return 0;
		score   += strlen(value);
		narrowed = true;
	}
	if (nest_xml_has_attr(policy, "label_suffix")) {
		if (!nest_xml_attr_str(policy, "label_suffix", value, sizeof(value)) ||
		    !ends_with(label, value))
			return 0;
		score   += strlen(value);
		narrowed = true;
	}
	return narrowed ? score : 0;
}

bool nest_session_policy(const struct nest_xml_node *node, const char *label,
                         struct nest_xml_node *policy)
{
	struct nest_xml_node candidate;
	size_t best = 0;

	for (bool more = nest_xml_sub(node, "policy", &candidate); more;
	     more = nest_xml_next_of_type(&candidate, "policy", &candidate)) {
		size_t score = policy_score(&candidate, label);
		if (score > best) {
			*policy = candidate;
			best    = score;
		}
	}
	return best > 0 || nest_xml_sub(node, "default-policy", policy);
}
