/*
 * \brief  test-init: drives a nested init through a script and checks what it does
 *
 * The method of Genode's init test (repos/os/src/test/init): the script is
 * this component's config, a sequence of steps. init_config publishes a new
 * config for the nested init through a Report session; expect_log waits for a
 * line that the nested init or one of its children writes to the LOG service
 * served here; expect_init_state waits until the nested init's state report
 * (ROM "state") matches a pattern; sleep, message and nop do what they say.
 * Each line written to the LOG service is logged again with "(expected)" or
 * "(ignored)", so that the log of a failed run shows what happened instead.
 * After the last step the component exits with 0; an unknown step or a
 * broken environment ends it with 1.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/root.h>
#include <nest/session_args.h>
#include <nest/xml.h>
#include <nest/session/log.h>
#include <nest/session/report.h>
#include <nest/session/rom.h>
#include <nest/session/timer.h>

NEST_RPC_DISPATCH(log, LOG_INTERFACE)

enum {
	MESSAGE_MAX      = 512,
	LABEL_MAX        = 160,
	VALUE_MAX        = 160,
	REPORT_BUFFER    = 64 * 1024,   /* the largest init config a step publishes */
	STATE_MAX        = 64 * 1024,   /* the largest state report read */
	DEFAULT_SLEEP_MS = 250,
};

/* a session of the LOG service offered to the nested init */
struct log_server {
	struct nest_rpc_object object;
	struct main           *main;
	char                   label[LABEL_MAX];
};

struct main {
	struct nest_env           *env;
	struct timer_client        timer;
	struct nest_signal_handler timer_handler;
	bool                       timer_scheduled;
	struct report_client       report;          /* "init.config" */
	char                      *report_buffer;
	uint64_t                   report_size;
	struct nest_attached_rom   config;          /* the script */
	struct nest_xml_node       script;
	unsigned                   num_steps, curr_step;
	struct nest_attached_rom   state;           /* the nested init's state report */
	struct nest_signal_handler state_handler;
	struct root_server         log_root;
	bool                       expect_log;
	char                       expected[2 * MESSAGE_MAX];   /* string and colored text */
};

static _Noreturn void fail(struct main *m, const char *what, enum nest_error err)
{
	nest_log(m->env, "Error: %s: %s", what, nest_error_name(err));
	nest_env_exit(m->env, 1);
}

static struct nest_cap open_session(struct main *m, const char *service, const char *args)
{
	struct nest_cap cap = NEST_CAP_INVALID;
	enum nest_error err = nest_env_session(m->env, service, args, &cap);

	if (err)
		fail(m, service, err);
	return cap;
}

/*
 * Matching the state report, as Genode's xml_matches
 */

static bool node_matches(struct main *m, const struct nest_xml_node *expected,
                         const struct nest_xml_node *node);

/* an absent or malformed number counts as 0, as Genode's Number_of_bytes default */
static uint64_t number_attr(const struct nest_xml_node *node, const char *name)
{
	uint64_t value = 0;
	nest_xml_attr_u64(node, name, &value);
	return value;
}

static bool attribute_matches(struct main *m, const struct nest_xml_node *condition,
                              const struct nest_xml_node *node)
{
	char name[VALUE_MAX], want[VALUE_MAX], have[VALUE_MAX];

	nest_xml_attr_str(condition, "name", name, sizeof(name));
	if (nest_xml_has_attr(condition, "value")) {
		/* an absent attribute has the value "", as in Genode */
		nest_xml_attr_str(condition, "value", want, sizeof(want));
		nest_xml_attr_str(node, name, have, sizeof(have));
		return strcmp(have, want) == 0;
	}
	if (nest_xml_has_attr(condition, "higher"))
		return number_attr(node, name) > number_attr(condition, "higher");
	if (nest_xml_has_attr(condition, "lower"))
		return number_attr(node, name) < number_attr(condition, "lower");
	nest_log(m->env, "Error: missing condition in <attribute> node");
	return false;
}

/* some sub node of node of the type named by the condition matches it */
static bool sub_node_matches(struct main *m, const struct nest_xml_node *condition,
                             const struct nest_xml_node *node)
{
	char type[VALUE_MAX];
	struct nest_xml_node sub;

	if (!nest_xml_attr_str(condition, "name", type, sizeof(type)) || !type[0])
		return false;
	for (bool more = nest_xml_sub(node, type, &sub); more;
	     more = nest_xml_next_of_type(&sub, type, &sub))
		if (node_matches(m, condition, &sub))
			return true;
	return false;
}

/* every condition below expected holds for node */
static bool node_matches(struct main *m, const struct nest_xml_node *expected,
                         const struct nest_xml_node *node)
{
	struct nest_xml_node condition;
	bool matches = true;

	for (bool more = nest_xml_first_sub(expected, &condition); more && matches;
	     more = nest_xml_next(&condition, &condition)) {
		if (nest_xml_has_type(&condition, "attribute"))
			matches = attribute_matches(m, &condition, node);
		else if (nest_xml_has_type(&condition, "node"))
			matches = sub_node_matches(m, &condition, node);
		else if (nest_xml_has_type(&condition, "not"))
			matches = !node_matches(m, &condition, node);
	}
	return matches;
}

/* the state report, or <empty/> as Genode shows a missing or invalid ROM */
static void current_state(struct main *m, struct nest_xml_node *state)
{
	static const char empty[] = "<empty/>";

	if (m->state.content &&
	    nest_xml_parse(m->state.content, m->state.size, state, NULL) == NEST_OK)
		return;
	nest_xml_parse(empty, sizeof(empty) - 1, state, NULL);
}


/*
 * The steps
 */

/* a node line by line, the first behind prefix: nest_log formats 1000 bytes at most */
static void log_lines(struct main *m, const char *prefix, const char *text, size_t len)
{
	while (len) {
		const char *newline = memchr(text, '\n', len);
		size_t line = newline ? (size_t)(newline - text) : len;

		nest_log(m->env, "%s%.*s", prefix, (int)line, text);
		prefix = "";
		line  += newline ? 1 : 0;
		text  += line;
		len   -= line;
	}
}

static bool step_at(struct main *m, unsigned index, struct nest_xml_node *step)
{
	bool more = nest_xml_first_sub(&m->script, step);

	while (more && index--)
		more = nest_xml_next(step, step);
	return more;
}

static void advance_step(struct main *m)
{
	m->curr_step++;
	if (m->curr_step == m->num_steps)
		nest_env_exit(m->env, 0);
}

/* the version attribute, escaped to be written into an attribute again */
static void escape_attr(const char *text, char *out, size_t size)
{
	size_t n = 0;

	for (; *text && n + 7 < size; text++) {
		const char *entity = *text == '&' ? "&amp;" : *text == '<' ? "&lt;"
		                   : *text == '>' ? "&gt;" : *text == '"' ? "&quot;" : NULL;
		if (entity)
			n += (size_t)sprintf(out + n, "%s", entity);
		else
			out[n++] = *text;
	}
	out[n] = '\0';
}

/* <config version="...">content of the step</config> as the report "init.config" */
static void publish_init_config(struct main *m, const struct nest_xml_node *step)
{
	char version[VALUE_MAX], escaped[VALUE_MAX * 6 + 16] = "";
	const char *content;
	size_t content_len;
	int length;
	enum nest_error err;

	if (nest_xml_attr_str(step, "version", version, sizeof(version)))
		escape_attr(version, escaped, sizeof(escaped));
	nest_xml_content(step, &content, &content_len);
	length = snprintf(m->report_buffer, m->report_size, "<config%s%s%s>%.*s</config>",
	                  escaped[0] ? " version=\"" : "", escaped, escaped[0] ? "\"" : "",
	                  (int)content_len, content);
	if (length < 0 || (uint64_t)length >= m->report_size)
		fail(m, "init_config larger than the report buffer", NEST_ERR_MSG_TOO_LARGE);
	if ((err = report_submit(&m->report, (uint64_t)length)))
		fail(m, "submitting init.config", err);
}

/*
 * Nest prints no colour codes: where Genode expects the string, the escape
 * sequence "\033[34m" and the colored text, a Nest line has the string
 * followed directly by the colored text.
 */
static void expect_message(struct main *m, const struct nest_xml_node *step)
{
	char string[MESSAGE_MAX], colored[MESSAGE_MAX] = "";

	nest_xml_attr_str(step, "string", string, sizeof(string));
	if (nest_xml_has_type(step, "expect_warning"))
		nest_xml_attr_str(step, "colored", colored, sizeof(colored));
	snprintf(m->expected, sizeof(m->expected), "%s%s", string, colored);
	m->expect_log = true;
}

/* run steps until one has to wait for a log line, the state, or the timer */
static void execute_curr_step(struct main *m)
{
	struct nest_xml_node step, state;
	char type[32], message[VALUE_MAX];
	uint64_t ms;
	enum nest_error err;

	for (;;) {
		step_at(m, m->curr_step, &step);
		nest_xml_type(&step, type, sizeof(type));
		nest_log(m->env, "step %u (%s)", m->curr_step, type);

		if (!strcmp(type, "expect_log") || !strcmp(type, "expect_warning")) {
			expect_message(m, &step);
			return;
		}
		if (!strcmp(type, "expect_init_state")) {
			current_state(m, &state);
			if (!node_matches(m, &step, &state)) {
				log_lines(m, "Warning: init state does not match: ", state.start, state.len);
				log_lines(m, "Warning: expected condition: ", step.start, step.len);
				return;
			}
		} else if (!strcmp(type, "init_config")) {
			publish_init_config(m, &step);
		} else if (!strcmp(type, "message")) {
			/* Genode starts with an empty line, which Nest's LOG drops */
			nest_xml_attr_str(&step, "string", message, sizeof(message));
			nest_log(m->env, "\n--- %s ---", message);
		} else if (!strcmp(type, "sleep")) {
			if (!m->timer_scheduled) {
				ms = DEFAULT_SLEEP_MS;
				nest_xml_attr_u64(&step, "ms", &ms);
				if ((err = timer_trigger_once(&m->timer, ms * 1000)))
					fail(m, "Timer trigger_once", err);
				m->timer_scheduled = true;
			}
			return;
		} else if (strcmp(type, "nop")) {
			nest_log(m->env, "Error: unexpected step: %.*s", (int)step.len, step.start);
			nest_env_exit(m->env, 1);
		}
		advance_step(m);
	}
}

static void handle_timer(void *state, uint64_t count)
{
	struct main *m = state;
	struct nest_xml_node step;

	(void)count;
	step_at(m, m->curr_step, &step);
	if (!nest_xml_has_type(&step, "sleep")) {
		nest_log(m->env, "Error: got spurious timeout signal");
		nest_env_exit(m->env, 1);
	}
	m->timer_scheduled = false;
	advance_step(m);
	execute_curr_step(m);
}

static void handle_init_state(void *state, uint64_t count)
{
	struct main *m = state;
	bool changed = false;
	enum nest_error err;

	(void)count;
	if ((err = nest_attached_rom_update(&m->state, &changed)))
		nest_log(m->env, "Warning: state ROM not updated: %s", nest_error_name(err));
	execute_curr_step(m);
}


/*
 * LOG service
 */

/* whether message is the one the current step waits for; if so, go on */
static bool handle_log_message(struct main *m, const char *message)
{
	if (!m->expect_log || strcmp(message, m->expected))
		return false;
	m->expect_log = false;
	advance_step(m);
	execute_curr_step(m);
	return true;
}

enum nest_error log_serve_write(struct log_server *s, const char *text)
{
	char message[MESSAGE_MAX];
	size_t n = strlen(text);
	bool expected;

	if (n && text[n - 1] == '\n')
		n--;
	snprintf(message, sizeof(message), "[%s] %.*s", s->label, (int)n, text);
	expected = handle_log_message(s->main, message);
	nest_log(s->main->env, "%s (%s)", message, expected ? "expected" : "ignored");
	return NEST_OK;
}

static enum nest_error log_session_create(void *state, const char *args,
                                          struct nest_rpc_object **object)
{
	struct log_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	s->main = state;
	if (nest_args_label(args, s->label, sizeof(s->label)))
		s->label[0] = '\0';
	if (nest_ep_manage(&s->main->env->ep, &s->object, log, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*object = &s->object;
	return NEST_OK;
}

static void log_session_destroy(void *state, struct nest_rpc_object *object)
{
	struct log_server *s = object->state;

	(void)state;
	nest_ep_dissolve(&s->object);
	free(s);
}


/*
 * The component
 */

static void open_report(struct main *m)
{
	struct nest_cap ds = NEST_CAP_INVALID;
	void *addr = NULL;
	char args[160];
	enum nest_error err;

	snprintf(args, sizeof(args),
	         "label=\"init.config\", buffer_size=%u, ram_quota=%llu, cap_quota=%u",
	         REPORT_BUFFER, (unsigned long long)report_session_ram_quota(REPORT_BUFFER),
	         REPORT_SESSION_CAPS);
	report_client_init(&m->report, open_session(m, "Report", args));
	if ((err = report_dataspace(&m->report, &ds, &m->report_size)) ||
	    (err = nest_env_attach(m->env, ds, m->report_size, true, &addr)))
		fail(m, "report buffer", err);
	m->report_buffer = addr;
}

static void main_init(struct main *m, struct nest_env *env)
{
	static const struct nest_root_ops log_ops = { .create  = log_session_create,
	                                              .destroy = log_session_destroy };
	struct nest_xml_error error;
	char args[96];
	bool changed = false;
	enum nest_error err;

	m->env = env;

	/* a report that comes between the first look and sigh is fetched by
	 * the update after it */
	snprintf(args, sizeof(args), "label=\"state\", ram_quota=%llu, cap_quota=%u",
	         (unsigned long long)report_rom_session_ram_quota(STATE_MAX),
	         REPORT_ROM_SESSION_CAPS);
	if ((err = nest_attached_rom_open(&m->state, env, args)))
		fail(m, "ROM state", err);
	if ((err = nest_signal_handler_init(&env->ep, &m->state_handler, handle_init_state, m)) ||
	    (err = rom_sigh(&m->state.session, nest_signal_cap(&m->state_handler))) ||
	    (err = nest_attached_rom_update(&m->state, &changed)))
		fail(m, "state signal handler", err);

	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=%u", TIMER_SESSION_RAM,
	         TIMER_SESSION_CAPS);
	timer_client_init(&m->timer, open_session(m, "Timer", args));
	if ((err = nest_signal_handler_init(&env->ep, &m->timer_handler, handle_timer, m)) ||
	    (err = timer_sigh(&m->timer, nest_signal_cap(&m->timer_handler))))
		fail(m, "timer signal handler", err);

	open_report(m);

	if ((err = nest_attached_rom_open(&m->config, env,
	                                  "label=\"config\", ram_quota=4K, cap_quota=1")))
		fail(m, "ROM config", err);
	if (!m->config.content)
		fail(m, "config", NEST_ERR_NOT_FOUND);
	if (nest_xml_parse(m->config.content, m->config.size, &m->script, &error)) {
		nest_log(env, "Error: config, line %u column %u: %s", error.line, error.column,
		         error.message);
		nest_env_exit(env, 1);
	}
	m->num_steps = nest_xml_sub_count(&m->script, NULL);
	if (!m->num_steps)
		nest_env_exit(env, 0);

	execute_curr_step(m);

	/* as in Genode, the LOG service comes last: the nested init waits for it,
	 * so its first config is published before it starts */
	if ((err = nest_root_announce(env, &m->log_root, "LOG", &log_ops, m)))
		fail(m, "announcing LOG", err);
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	main_init(&main, env);
}
