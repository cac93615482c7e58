/*
 * \brief  Heartbeat monitoring of children that have a <heartbeat> node
 *
 * With <heartbeat rate_ms> in the config, init pings each such child at that
 * rate (a signal to the context the child's runtime registered); the
 * runtime answers from the entrypoint, so a child whose entrypoint hangs
 * stops answering. As in Genode, one ping is always expected to be
 * outstanding: each further ping without an answer is a skipped heartbeat,
 * shown in the state report; with <heartbeat restart_after_skipped="N"/> in
 * its start node, the child is restarted once N were skipped.
 */
#include <stdio.h>
#include <nest/session/timer.h>
#include "init/sandbox/sandbox.h"

enum { DEFAULT_RATE_MS = 1000 };

static int monitored(const struct child *child, uint64_t *restart_after)
{
	struct nest_xml_node node;
	*restart_after = 0;
	if (child->state != CHILD_RUNNING || !nest_xml_sub(&child->start, "heartbeat", &node))
		return 0;
	nest_xml_attr_u64(&node, "restart_after_skipped", restart_after);
	return 1;
}

static void handle_timer(void *state, uint64_t count)
{
	struct sandbox *sb = state;
	int any_skipped = 0, any_restart = 0;
	(void)count;

	for (struct child *c = sb->children; c; c = c->next) {
		uint64_t restart_after;
		unsigned skipped;
		if (!monitored(c, &restart_after)) {
			c->outstanding_heartbeats = 0;     /* its <heartbeat> may have gone */
			continue;
		}
		skipped = c->outstanding_heartbeats > 1 ? c->outstanding_heartbeats - 1 : 0;
		any_skipped |= skipped > 0;
		if (restart_after && skipped >= restart_after) {
			nest_log(sb->env, "Warning: child \"%s\" skipped %u heartbeats, restarting it",
			         c->name, skipped);
			c->restart = any_restart = 1;
			continue;
		}
		if (nest_cap_valid(c->heartbeat_sigh))
			nest_signal_submit(c->heartbeat_sigh, 1);
		c->outstanding_heartbeats++;
	}
	if (any_restart)
		sandbox_reconcile(sb);
	if (any_skipped)
		state_report_trigger(sb);
}

void heartbeat_init(struct sandbox *sb)
{
	nest_signal_handler_init(&sb->env->ep, &sb->heartbeat.handler, handle_timer, sb);
}

void heartbeat_fini(struct sandbox *sb)
{
	sandbox_timer_close(sb, &sb->heartbeat.timer);
	nest_signal_handler_fini(&sb->heartbeat.handler);
}

void heartbeat_apply_config(struct sandbox *sb)
{
	struct heartbeat *hb = &sb->heartbeat;
	struct nest_xml_node node;
	uint64_t rate_ms = DEFAULT_RATE_MS;

	if (!nest_xml_sub(&sb->config, "heartbeat", &node)) {
		if (nest_cap_valid(hb->timer.cap))
			timer_trigger_periodic(&hb->timer, 0);
		hb->rate_ms = 0;
		return;
	}
	nest_xml_attr_u64(&node, "rate_ms", &rate_ms);
	if (hb->timer_failed)
		return;
	if (sandbox_timer(sb, &hb->timer, &hb->handler)) {
		nest_log(sb->env, "Warning: no heartbeat monitoring: Timer session denied");
		hb->timer_failed = 1;
		return;
	}
	if (rate_ms != hb->rate_ms) {
		hb->rate_ms = rate_ms;
		timer_trigger_periodic(&hb->timer, rate_ms * 1000);
	}
}
