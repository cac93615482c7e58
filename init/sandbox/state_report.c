/*
 * \brief  Init's state report, as Genode's init writes it
 *
 * With a <report> node, init publishes <state version> with one <child>
 * each (and, as the attributes of <report> ask, ids, RAM and caps with the
 * descriptors the caps pay for, the
 * sessions each child requested and provided, init's own quota) through a
 * Report session labelled "state" at its parent. Changes are collected for
 * delay_ms (a Timer session at the parent) and published together; a
 * resource request is published at once, because the child waits for an
 * answer. With child_ram or child_caps, init also looks every second,
 * since a child's use of RAM changes without init noticing. Without a
 * timer, every change is published at once. A report equal to the last
 * is not published again. Whatever children do, init makes at most one
 * report every PUBLISH_INTERVAL_US: a change sooner than that is published
 * when the interval is over (a wake-up of init's entrypoint, so that this
 * holds without a timer too).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session_args.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/report.h>
#include <nest/session/timer.h>
#include "init/sandbox/sandbox.h"

enum { DEFAULT_DELAY_MS = 100, DEFAULT_BUFFER = 4096, SAMPLE_PERIOD_MS = 1000,
       PUBLISH_INTERVAL_US = 10 * 1000 };
enum { SCHEDULED_SAMPLE = 1, SCHEDULED_CHANGE = 2 };

struct xml_out {
	char  *buf;
	size_t size, len;
	int    overflow;
	size_t share;          /* bytes of session nodes a child may fill */
	size_t sessions_end;   /* where the current child's session nodes must end */
};

static void out(struct xml_out *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void out(struct xml_out *x, const char *fmt, ...)
{
	va_list args;
	int n;
	if (x->overflow)
		return;
	va_start(args, fmt);
	n = vsnprintf(x->buf + x->len, x->size - x->len, fmt, args);
	va_end(args);
	if (n < 0 || (size_t)n >= x->size - x->len)
		x->overflow = 1;
	else
		x->len += (size_t)n;
}

/* text with what XML does not allow in quotes or content escaped */
static void out_escaped(struct xml_out *x, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '"': out(x, "&quot;"); break;
		case '&': out(x, "&amp;");  break;
		case '<': out(x, "&lt;");   break;
		case '>': out(x, "&gt;");   break;
		default:  out(x, "%c", *text);
		}
	}
}

static void out_attr(struct xml_out *x, const char *name, const char *value)
{
	out(x, " %s=\"", name);
	out_escaped(x, value);
	out(x, "\"");
}

/* as Genode prints a Number_of_bytes: 16M, 4K, or plain bytes */
static void out_bytes(struct xml_out *x, const char *name, uint64_t value)
{
	static const char units[] = "GMK";
	for (int i = 0; i < 3; i++) {
		uint64_t unit = 1ull << (10 * (3 - i));
		if (value >= unit && value % unit == 0) {
			out(x, " %s=\"%llu%c\"", name, (unsigned long long)(value / unit), units[i]);
			return;
		}
	}
	out(x, " %s=\"%llu\"", name, (unsigned long long)value);
}

static void out_pd_info(struct xml_out *x, struct pd_client *pd, int ram)
{
	uint64_t quota = 0, used = 0, cap_quota = 0, cap_used = 0;
	if (pd_quota(pd, &quota, &used, &cap_quota, &cap_used))
		return;
	if (ram) {
		out_bytes(x, "quota", quota);
		out_bytes(x, "used", used);
		out_bytes(x, "avail", quota - used);
	} else {
		out(x, " quota=\"%llu\" used=\"%llu\" avail=\"%llu\"", (unsigned long long)cap_quota,
		    (unsigned long long)cap_used, (unsigned long long)(cap_quota - cap_used));
	}
}

/* args: NULL unless <report session_args="yes"> */
static void out_session_node_text(struct xml_out *x, const char *service, const char *label,
                                  const char *state, uint64_t ram, uint64_t caps,
                                  const char *args)
{
	out(x, "<session");
	out_attr(x, "service", service);
	out_attr(x, "label", label);
	out_attr(x, "state", state);
	out_bytes(x, "ram", ram);
	out(x, " caps=\"%llu\"", (unsigned long long)caps);
	if (!args) {
		out(x, "/>");
		return;
	}
	out(x, "><args>");
	out_escaped(x, args);
	out(x, "</args></session>");
}

static void out_session_node(struct xml_out *x, const char *service, const char *label,
                             const char *state, uint64_t ram, uint64_t caps,
                             const char *args)
{
	size_t start = x->len;

	if (x->len > x->sessions_end || x->overflow)
		return;
	out_session_node_text(x, service, label, state, ram, caps, args);
	/* a node beyond the child's share is not shown, nor any after it */
	if (x->share != SIZE_MAX && (x->overflow || x->len > x->sessions_end)) {
		x->overflow = 0;
		x->len = start;
		x->sessions_end = 0;
	}
}

static const char *session_phase_name(enum session_phase phase)
{
	static const char *const names[] = {
		[SESSION_CREATE_REQUESTED]  = "CREATE_REQUESTED",
		[SESSION_CAP_HANDED_OUT]    = "CAP_HANDED_OUT",
		[SESSION_UPGRADE_REQUESTED] = "UPGRADE_REQUESTED",
		[SESSION_CLOSE_REQUESTED]   = "CLOSE_REQUESTED",
		[SESSION_CLOSED]            = "CLOSED",
		[SESSION_SERVICE_DENIED]    = "SERVICE_DENIED",
	};
	return names[phase];
}

static void out_session(struct xml_out *x, const struct session *s, const struct report_detail *d)
{
	out_session_node(x, s->service, s->route.label, session_phase_name(s->phase), s->ram, s->caps,
	                 d->session_args && s->args ? s->args : NULL);
}

/* a waiting request shows the label its server will see, once routed */
static const char *pending_label(struct sandbox *sb, struct pending_request *r,
                                 struct route *route)
{
	return route_session(sb, r->client, r->service, r->label, 1, route) ? r->label
	                                                                      : route->label;
}

static void out_child(struct sandbox *sb, struct xml_out *x, struct child *c)
{
	const struct report_detail *d = &sb->reporter.detail;
	int alive = c->state == CHILD_RUNNING && nest_cap_valid(c->pd.cap);
	struct nest_xml_node heartbeat;
	struct route route;
	uint64_t ram, caps;

	out(x, "<child");
	out_attr(x, "name", c->name);
	out_attr(x, "binary", c->binary);
	if (c->version[0])
		out_attr(x, "version", c->version);
	if (d->ids)
		out(x, " id=\"%u\"", c->id);
	if (c->state == CHILD_INCOMPLETE)
		out(x, " state=\"incomplete\"");
	if (c->state == CHILD_EXITED)
		out(x, " exited=\"%d\"", c->exit_code);
	if (c->outstanding_heartbeats > 1 && nest_xml_sub(&c->start, "heartbeat", &heartbeat))
		out(x, " skipped_heartbeats=\"%u\"", c->outstanding_heartbeats - 1);
	out(x, ">");
	if (d->child_ram && alive) {
		out(x, "<ram");
		out_bytes(x, "assigned", c->assigned_ram);
		out_pd_info(x, &c->pd, 1);
		if (c->requested_ram)
			out_bytes(x, "requested", c->requested_ram);
		out(x, "/>");
	}
	if (d->child_caps && alive) {
		uint32_t open, limit;
		out(x, "<caps assigned=\"%llu\"", (unsigned long long)c->assigned_caps);
		out_pd_info(x, &c->pd, 0);
		/* what the caps pay for in the kernel: its descriptors, as core counts them */
		if (pd_descriptors(&c->pd, &open, &limit) == NEST_OK && limit)
			out(x, " descriptors=\"%u\" descriptor_limit=\"%u\"", open, limit);
		if (c->requested_caps)
			out(x, " requested=\"%llu\"", (unsigned long long)c->requested_caps);
		out(x, "/>");
	}
	x->sessions_end = x->share == SIZE_MAX ? SIZE_MAX : x->len + x->share;
	if (d->requested) {
		out(x, "<requested>");
		for (struct pending_request *r = sb->pending; r; r = r->next)
			if (r->client == c && !nest_args_quota(r->args, &ram, &caps))
				out_session_node(x, r->service, pending_label(sb, r, &route),
				                 "CREATE_REQUESTED", ram, caps,
				                 d->session_args ? r->args : NULL);
		for (struct session *s = c->sessions; s; s = s->next)
			out_session(x, s, d);
		for (struct session *s = sb->detached; s; s = s->next)
			if (s->client == c)
				out_session(x, s, d);
		out(x, "</requested>");
	}
	if (d->provided) {
		out(x, "<provided>");
		/* requests that wait for this server to announce */
		for (struct pending_request *r = sb->pending; r; r = r->next) {
			if (!r->client ||
			    route_session(sb, r->client, r->service, r->label, 1, &route) ||
			    route.kind != ROUTE_CHILD || route.server != c)
				continue;
			if (!nest_args_quota(r->args, &ram, &caps))
				out_session_node(x, r->service, route.label, "CREATE_REQUESTED", ram, caps,
				                 d->session_args ? r->args : NULL);
		}
		for (struct child *client = sb->children; client; client = client->next)
			for (struct session *s = client->sessions; s; s = s->next)
				if (s->route.kind == ROUTE_CHILD && s->route.server == c &&
				    s->phase != SESSION_CLOSED)
					out_session(x, s, d);
		for (struct session *s = sb->detached; s; s = s->next)
			if (s->route.kind == ROUTE_CHILD && s->route.server == c)
				out_session(x, s, d);
		for (struct forwarded_session *f = sb->forwarded; f; f = f->next)
			if (f->server == c)
				out_session_node(x, f->service, f->label, session_phase_name(f->phase),
				                 f->ram, f->caps, NULL);
		out(x, "</provided>");
	}
	out(x, "</child>");
}

static enum nest_error generate(struct sandbox *sb, char *buffer, size_t size, size_t share,
                                size_t *length)
{
	struct state_reporter *r = &sb->reporter;
	struct xml_out x = { .buf = buffer, .size = size, .share = share };

	out(&x, "<state");
	if (r->version[0])
		out_attr(&x, "version", r->version);
	out(&x, ">");
	if (r->detail.init_ram) {
		out(&x, "<ram");
		out_pd_info(&x, &sb->env->pd, 1);
		out(&x, "/>");
	}
	if (r->detail.init_caps) {
		out(&x, "<caps");
		out_pd_info(&x, &sb->env->pd, 0);
		out(&x, "/>");
	}
	for (struct child *c = sb->children; c; c = c->next)
		if (c->state != CHILD_ABANDONED)
			out_child(sb, &x, c);
	out(&x, "</state>");
	*length = x.len;
	return x.overflow ? NEST_ERR_MSG_TOO_LARGE : NEST_OK;
}

/*
 * A report too large for the buffer (*cut) still shows every child: what is left
 * beside the children's own nodes is shared equally among the children's
 * session lists, so a child with many (or long-labelled) sessions crowds
 * out nobody but itself.
 */
static enum nest_error generate_fair(struct sandbox *sb, char *buffer, size_t size,
                                     size_t *length, int *cut)
{
	size_t base = 0, children = 0;

	*cut = 0;
	if (generate(sb, buffer, size, SIZE_MAX, length) == NEST_OK)
		return NEST_OK;
	*cut = 1;
	if (generate(sb, buffer, size, 0, &base))
		return NEST_ERR_MSG_TOO_LARGE;
	for (struct child *c = sb->children; c; c = c->next)
		children += c->state != CHILD_ABANDONED;
	return generate(sb, buffer, size, (size - 1 - base) / (children ? children : 1), length);
}

static void publish(struct sandbox *sb)
{
	struct state_reporter *r = &sb->reporter;
	size_t length = 0;
	char *copy;
	int was_cut = r->cut;

	if (!r->buffer)
		return;
	if (generate_fair(sb, r->buffer, r->buffer_size, &length, &r->cut)) {
		nest_log(sb->env, "Error: state report exceeds maximum size");
		length = (size_t)snprintf(r->buffer, r->buffer_size,
		                          "<state error=\"report buffer exceeded\"/>");
	} else if (r->cut && !was_cut) {
		nest_log(sb->env, "Warning: state report exceeds its buffer, sessions shown in part");
	}
	if (r->last && strlen(r->last) == length && !memcmp(r->last, r->buffer, length))
		return;
	if (report_submit(&r->report, length))
		return;
	if ((copy = malloc(length + 1))) {
		memcpy(copy, r->buffer, length);
		copy[length] = 0;
	}
	free(r->last);
	r->last = copy;
}

/* publish now, or once PUBLISH_INTERVAL_US since the last report is over */
static void publish_limited(struct sandbox *sb)
{
	struct state_reporter *r = &sb->reporter;
	uint64_t now = plat_time_us();

	if (r->published_us && now - r->published_us < PUBLISH_INTERVAL_US) {
		nest_ep_wake_after(&sb->env->ep, &r->immediate,
		                   r->published_us + PUBLISH_INTERVAL_US - now);
		return;
	}
	r->published_us = now;
	publish(sb);
}

static int sampling(const struct state_reporter *r)
{
	return r->detail.child_ram || r->detail.child_caps;
}

/* one timer: a change due soon replaces a mere sample due later */
static void schedule(struct state_reporter *r, uint64_t ms, int sample)
{
	int due = sample ? SCHEDULED_SAMPLE : SCHEDULED_CHANGE;
	if (r->scheduled >= due || !nest_cap_valid(r->timer.cap))
		return;
	if (timer_trigger_once(&r->timer, ms * 1000) == NEST_OK)
		r->scheduled = due;
}

static void handle_timer(void *state, uint64_t count)
{
	struct sandbox *sb = state;
	struct state_reporter *r = &sb->reporter;
	(void)count;
	r->scheduled = 0;
	publish_limited(sb);
	if (sampling(r))
		schedule(r, r->detail.delay_ms > SAMPLE_PERIOD_MS ? r->detail.delay_ms
		                                                  : SAMPLE_PERIOD_MS, 1);
}

static void handle_immediate(void *state, uint64_t count)
{
	(void)count;
	publish_limited(state);
}

void state_report_init(struct sandbox *sb)
{
	/* empty until opened: closing a report that was denied closes nothing */
	report_client_init(&sb->reporter.report, NEST_CAP_INVALID);
	nest_signal_handler_init(&sb->env->ep, &sb->reporter.timer_handler, handle_timer, sb);
	nest_signal_handler_init(&sb->env->ep, &sb->reporter.immediate, handle_immediate, sb);
}

void state_report_trigger_immediate(struct sandbox *sb)
{
	if (sb->reporter.buffer)
		nest_signal_submit(nest_signal_cap(&sb->reporter.immediate), 1);
}

void state_report_trigger(struct sandbox *sb)
{
	struct state_reporter *r = &sb->reporter;
	if (!r->buffer)
		return;
	if (nest_cap_valid(r->timer.cap))
		schedule(r, r->detail.delay_ms, 0);
	else
		state_report_trigger_immediate(sb);
}

static void close_report(struct sandbox *sb)
{
	struct state_reporter *r = &sb->reporter;
	if (r->buffer)
		plat_unmap(r->buffer, r->buffer_size);
	r->buffer = NULL;
	if (nest_cap_valid(r->session))
		nest_env_close(sb->env, r->session);
	nest_cap_release(&r->session);
	report_client_fini(&r->report);
	free(r->last);
	r->last = NULL;
}

/* after a config without <report>: the report is closed already */
void state_report_fini(struct sandbox *sb)
{
	sandbox_timer_close(sb, &sb->reporter.timer);
	nest_signal_handler_fini(&sb->reporter.timer_handler);
	nest_signal_handler_fini(&sb->reporter.immediate);
}

static enum nest_error open_report(struct sandbox *sb)
{
	struct state_reporter *r = &sb->reporter;
	struct nest_cap session, copy, ds = NEST_CAP_INVALID;
	char args[ARGS_LEN];
	uint64_t size = 0;
	void *addr;
	enum nest_error err;

	snprintf(args, sizeof(args), "label=\"state\", buffer_size=%llu, ram_quota=%llu, "
	         "cap_quota=%u", (unsigned long long)r->detail.buffer,
	         (unsigned long long)report_session_ram_quota(r->detail.buffer), REPORT_SESSION_CAPS);
	if ((err = nest_env_session(sb->env, "Report", args, &session)))
		return err;
	r->session = session;
	if ((err = nest_cap_copy(session, &copy)))
		return err;
	report_client_init(&r->report, copy);
	err = report_dataspace(&r->report, &ds, &size);
	if (!err)
		err = nest_env_attach(sb->env, ds, size, true, &addr);
	nest_cap_release(&ds);
	if (err)
		return err;
	r->buffer      = addr;
	r->buffer_size = size;
	return NEST_OK;
}

void state_report_apply_config(struct sandbox *sb)
{
	struct state_reporter *r = &sb->reporter;
	struct report_detail d = { 0 };
	struct nest_xml_node node;
	enum nest_error err;

	r->version[0] = 0;
	nest_xml_attr_str(&sb->config, "version", r->version, sizeof(r->version));
	if (nest_xml_sub(&sb->config, "report", &node)) {
		d.enabled    = 1;
		d.ids        = nest_xml_attr_bool(&node, "ids", false);
		d.requested  = nest_xml_attr_bool(&node, "requested", false);
		d.provided   = nest_xml_attr_bool(&node, "provided", false);
		d.session_args = nest_xml_attr_bool(&node, "session_args", false);
		d.child_ram  = nest_xml_attr_bool(&node, "child_ram", false);
		d.child_caps = nest_xml_attr_bool(&node, "child_caps", false);
		d.init_ram   = nest_xml_attr_bool(&node, "init_ram", false);
		d.init_caps  = nest_xml_attr_bool(&node, "init_caps", false);
		d.delay_ms   = DEFAULT_DELAY_MS;
		d.buffer     = DEFAULT_BUFFER;
		nest_xml_attr_u64(&node, "delay_ms", &d.delay_ms);
		nest_xml_attr_u64(&node, "buffer", &d.buffer);
		if (d.buffer > REPORT_BUFFER_MAX)
			d.buffer = REPORT_BUFFER_MAX;
	}
	if (r->buffer && (!d.enabled || d.buffer != r->detail.buffer))
		close_report(sb);
	r->detail = d;
	if (!d.enabled)
		return;
	if (!r->buffer && (err = open_report(sb))) {
		nest_log(sb->env, "Warning: no state report: Report session denied (%s)",
		         nest_error_name(err));
		close_report(sb);
		return;
	}
	/* without a timer, every change is published at once */
	if (d.delay_ms && !r->timer_failed &&
	    sandbox_timer(sb, &r->timer, &r->timer_handler) != NEST_OK)
		r->timer_failed = 1;
	state_report_trigger(sb);
}
