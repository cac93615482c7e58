/*
 * \brief  Selecting a server's <policy> for a session by its label
 *
 * Servers and init's service forwarding choose what a client gets by the
 * session label the parents made, as Genode's Session_policy does: among
 * the <policy> sub nodes of a config node, one with label="..." (or
 * unscoped_label) equal to the label wins, then one whose label_last equals
 * the label's last element; otherwise the one whose label_prefix and
 * label_suffix match with the most characters; otherwise <default-policy>.
 */
#ifndef NEST_SESSION_POLICY_H
#define NEST_SESSION_POLICY_H

#include <stdbool.h>
#include <nest/xml.h>

/* true with the chosen node in policy, false if none fits label */
bool nest_session_policy(const struct nest_xml_node *node, const char *label,
                         struct nest_xml_node *policy);

#endif
