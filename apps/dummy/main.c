/*
 * \brief  Dummy component for composition tests: runs the commands of its config
 *
 * The counterpart of Genode's repos/os/src/app/dummy: its config is a
 * sequence of command nodes executed in order (log, exit, create and destroy
 * LOG connections, serve LOG, consume RAM and caps, yield them when the
 * parent asks, sleep), each logging the message Genode's dummy logs, so
 * that scenarios written for Genode's dummy read the same here. A new
 * version of the config runs again (an update with the same version
 * attribute does not). Waiting (sleep, a delayed close) serves the
 * entrypoint, so that a LOG service it announced keeps answering meanwhile;
 * a config update arriving then runs after the current one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/root.h>
#include <nest/xml.h>
#include <nest/session_args.h>
#include <nest/session/log.h>
#include <nest/session/parent.h>
#include <nest/session/rom.h>
#include <nest/session/root.h>
#include <nest/session/timer.h>

NEST_RPC_DISPATCH(log, LOG_INTERFACE)

enum {
	MAX_LOG_CONNECTIONS = 64,
	MAX_CAP_OBJECTS     = 100,   /* as Genode's Cap_consumer::MAX */
	LOG_CONNECTION_RAM  = 4096,
	LOG_STRING_MAX      = 49,    /* Genode's String<50> */
	LOG_LINE_MAX        = 99,    /* Genode's String<100> of a served line */
	RAM_REQUEST_SLACK   = 16 * 1024, /* the heap's own use of a large block */
};

struct timer {
	struct timer_client        client;
	struct nest_signal_handler handler;
	uint64_t                   signals;   /* counted by the handler */
	int                        open;
};

/* a session of the LOG service */
struct log_server {
	struct nest_rpc_object object;
	struct main           *main;
	char                   label[160];
};

/* a close whose reply waits for the delay of <log_service delay_close_ms> */
struct delayed_close {
	struct log_server    *session;
	struct nest_reply     reply;
	struct delayed_close *next;
};

struct main {
	struct nest_env   *env;
	struct timer       timer;             /* for <sleep> */

	struct nest_cap    log_connections[MAX_LOG_CONNECTIONS];
	unsigned           log_connection_count;
	int                log_connections_exist;

	struct root_server log_root;
	int                log_service;       /* announced */
	int                log_verbose;
	unsigned           log_delay_close_ms;
	struct timer       close_timer;       /* for delayed closes */
	struct delayed_close *delayed;

	void              *ram;               /* consumed RAM, touched */
	uint64_t           ram_amount;

	struct nest_signal_handler cap_objects[MAX_CAP_OBJECTS];
	unsigned           cap_object_count;
	uint64_t           cap_amount;

	struct nest_signal_handler yield_handler;
	int                yield_handled;

	struct nest_attached_rom config_rom;
	struct nest_signal_handler config_handler;
	unsigned           config_count;
	char               config_version[50];
	int                running, rerun;    /* a config's commands; another due */
};

/* Genode's Number_of_bytes as printed: 0, or the largest unit that divides it */
static void format_bytes(uint64_t n, char *buf, size_t size)
{
	enum { KB = 1024, MB = KB * 1024, GB = MB * 1024 };

	if (n == 0)
		snprintf(buf, size, "0");
	else if (n % GB == 0)
		snprintf(buf, size, "%lluG", (unsigned long long)(n / GB));
	else if (n % MB == 0)
		snprintf(buf, size, "%lluM", (unsigned long long)(n / MB));
	else if (n % KB == 0)
		snprintf(buf, size, "%lluK", (unsigned long long)(n / KB));
	else
		snprintf(buf, size, "%llu", (unsigned long long)n);
}

static void count_signal(void *state, uint64_t count)
{
	struct timer *t = state;
	t->signals += count;
}

static enum nest_error timer_open(struct main *m, struct timer *t, void (*handle)(void *, uint64_t),
                                  void *state)
{
	struct nest_cap cap = NEST_CAP_INVALID;
	char args[64];
	enum nest_error err;

	if (t->open)
		return NEST_OK;
	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=%u",
	         TIMER_SESSION_RAM, TIMER_SESSION_CAPS);
	if ((err = nest_env_session(m->env, "Timer", args, &cap)))
		return err;
	timer_client_init(&t->client, cap);
	if ((err = nest_signal_handler_init(&m->env->ep, &t->handler, handle, state))) {
		nest_env_close(m->env, cap);
		timer_client_fini(&t->client);
		return err;
	}
	if ((err = timer_sigh(&t->client, nest_signal_cap(&t->handler)))) {
		nest_signal_handler_fini(&t->handler);
		nest_env_close(m->env, cap);
		timer_client_fini(&t->client);
		return err;
	}
	t->open = 1;
	return NEST_OK;
}

/* Genode's Timer::Connection::msleep, serving the entrypoint while it waits */
static void msleep(struct main *m, uint64_t ms)
{
	struct timer *t = &m->timer;
	enum nest_error err;
	uint64_t target;

	if ((err = timer_open(m, t, count_signal, t))) {
		nest_log(m->env, "Error: no Timer session for <sleep>: %s", nest_error_name(err));
		return;
	}
	target = t->signals + 1;
	if ((err = timer_trigger_once(&t->client, ms * 1000))) {
		nest_log(m->env, "Error: Timer trigger_once failed: %s", nest_error_name(err));
		return;
	}
	while (t->signals < target)
		nest_ep_dispatch_one_us(&m->env->ep, -1);
}

/*
 * LOG connections: <create_log_connections> and <destroy_log_connections>
 */

static void destroy_log_connections(struct main *m)
{
	if (!m->log_connections_exist)
		return;
	for (unsigned i = 0; i < m->log_connection_count; i++) {
		nest_env_close(m->env, m->log_connections[i]);
		nest_cap_release(&m->log_connections[i]);
	}
	m->log_connection_count  = 0;
	m->log_connections_exist = 0;
	nest_log(m->env, "destroyed all LOG connections");
}

static void create_log_connections(struct main *m, const struct nest_xml_node *node)
{
	uint64_t count = 0, ram_upgrade = 0;
	char args[96], upgrade[48];
	enum nest_error err;

	/* as Genode's Constructible: constructing anew destructs the old first */
	destroy_log_connections(m);
	nest_xml_attr_u64(node, "count", &count);
	nest_xml_attr_u64(node, "ram_upgrade", &ram_upgrade);
	m->log_connections_exist = 1;
	nest_log(m->env, "going to create %llu LOG connections", (unsigned long long)count);

	for (unsigned i = 0; i < count; i++) {
		struct nest_cap cap = NEST_CAP_INVALID;

		if (m->log_connection_count == MAX_LOG_CONNECTIONS) {
			nest_log(m->env, "Error: more than %u LOG connections", MAX_LOG_CONNECTIONS);
			break;
		}
		/* labeled by their number, as Genode's Session_label { i } */
		snprintf(args, sizeof(args), "label=\"%u\", ram_quota=%u, cap_quota=1", i,
		         LOG_CONNECTION_RAM);
		if ((err = nest_env_session(m->env, "LOG", args, &cap))) {
			nest_log(m->env, "Error: LOG connection %u failed: %s", i, nest_error_name(err));
			break;
		}
		m->log_connections[m->log_connection_count++] = cap;

		if (ram_upgrade > 0) {
			nest_log(m->env, "upgrade connection %u", i);
			snprintf(upgrade, sizeof(upgrade), "ram_quota=%llu",
			         (unsigned long long)ram_upgrade);
			if ((err = parent_upgrade(&m->env->parent, cap, upgrade)))
				nest_log(m->env, "Error: upgrade of connection %u failed: %s", i,
				         nest_error_name(err));
		}
	}
	nest_log(m->env, "created all LOG connections");
}

/*
 * LOG service: <log_service verbose? delay_close_ms?>
 */

enum nest_error log_serve_write(struct log_server *s, const char *text)
{
	size_t n = strlen(text);

	/* strip the line delimiter, as Genode's dummy strips "\033[0m\n" */
	if (n >= 5 && !strcmp(text + n - 5, "\033[0m\n"))
		n -= 5;
	else if (n && text[n - 1] == '\n')
		n--;
	/* Genode's dummy formats "[label] text" into a String<100>, truncating */
	{
		char line[LOG_LINE_MAX + 1];
		if (snprintf(line, sizeof(line), "[%s] %.*s", s->label, (int)n, text) >= 0)
			nest_log(s->main->env, "%s", line);
	}
	return NEST_OK;
}

static void log_session_free(struct log_server *s)
{
	if (s->main->log_verbose)
		nest_log(s->main->env, "closing session with label %s", s->label);
	nest_ep_dissolve(&s->object);
	free(s);
}

static enum nest_error log_session_create(void *state, const char *args,
                                          struct nest_rpc_object **object)
{
	struct main *m = state;
	struct log_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	s->main = m;
	if (nest_args_label(args, s->label, sizeof(s->label)))
		s->label[0] = '\0';
	if (nest_ep_manage(&m->env->ep, &s->object, log, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	if (m->log_verbose)
		nest_log(m->env, "opening session with label %s", s->label);
	*object = &s->object;
	return NEST_OK;
}

/* the delay of every pending close has passed: dissolve and answer */
static void close_delayed(void *state, uint64_t count)
{
	struct main *m = state;
	(void)count;

	while (m->delayed) {
		struct delayed_close *d = m->delayed;
		m->delayed = d->next;
		log_session_free(d->session);
		root_reply_close(&m->env->ep, &d->reply, NEST_OK);
		free(d);
	}
}

/*
 * Genode's dummy blocks its entrypoint in msleep here. Nest defers the reply
 * to the close instead: the parent waits as long, the entrypoint stays free.
 */

/* as Genode's dummy: an upgrade is only acknowledged */
static void log_session_upgrade(void *state, struct nest_rpc_object *session, const char *args)
{
	struct main *m = state;
	(void)session; (void)args;
	nest_log(m->env, "received session quota upgrade");
}
static void log_session_destroy(void *state, struct nest_rpc_object *object)
{
	struct main *m = state;
	struct log_server *s = object->state;
	struct delayed_close *d;

	if (!m->log_delay_close_ms) {
		nest_log(m->env, "close session without delay");
		log_session_free(s);
		return;
	}
	nest_log(m->env, "delay close by %u ms", m->log_delay_close_ms);
	d = calloc(1, sizeof(*d));
	if (!d || nest_ep_defer(&m->env->ep, &d->reply)) {
		free(d);
		log_session_free(s);
		return;
	}
	d->session = s;
	d->next    = m->delayed;
	m->delayed = d;
	/* one timeout serves all closes pending: each close re-arms it */
	timer_trigger_once(&m->close_timer.client, (uint64_t)m->log_delay_close_ms * 1000);
}

static void log_service(struct main *m, const struct nest_xml_node *node)
{
	static const struct nest_root_ops ops = { .create  = log_session_create,
	                                          .destroy = log_session_destroy,
	                                          .upgrade = log_session_upgrade };
	uint64_t delay = 0;
	enum nest_error err;

	if (m->log_service) {
		nest_log(m->env, "Error: LOG service announced already");
		return;
	}
	m->log_verbose = nest_xml_attr_bool(node, "verbose", false);
	nest_xml_attr_u64(node, "delay_close_ms", &delay);
	m->log_delay_close_ms = (unsigned)delay;
	if (m->log_delay_close_ms &&
	    (err = timer_open(m, &m->close_timer, close_delayed, m))) {
		nest_log(m->env, "Error: no Timer session for delay_close_ms: %s",
		         nest_error_name(err));
		m->log_delay_close_ms = 0;
	}
	if ((err = nest_root_announce(m->env, &m->log_root, "LOG", &ops, m))) {
		nest_log(m->env, "Error: cannot announce the LOG service: %s", nest_error_name(err));
		return;
	}
	m->log_service = 1;
	nest_log(m->env, "created LOG service");
}

/*
 * RAM and caps: <consume_ram amount> and <consume_caps amount>
 */

static void release_ram(struct main *m)
{
	char bytes[32];

	if (!m->ram_amount)
		return;
	format_bytes(m->ram_amount, bytes, sizeof(bytes));
	nest_log(m->env, "release %s bytes of memory", bytes);
	free(m->ram);
	m->ram = NULL;
	m->ram_amount = 0;
}

static void consume_ram(struct main *m, uint64_t amount)
{
	char bytes[32];

	release_ram(m);
	format_bytes(amount, bytes, sizeof(bytes));
	nest_log(m->env, "consume %s bytes of memory", bytes);
	if (!amount)
		return;
	/* as Genode's expanding PD: short of quota, ask the parent and wait */
	while (!(m->ram = malloc(amount))) {
		enum nest_error err = nest_env_request_resources(m->env, amount + RAM_REQUEST_SLACK, 0);
		if (err) {
			nest_log(m->env, "Error: cannot allocate %s bytes: %s", bytes,
			         nest_error_name(err));
			return;
		}
	}
	memset(m->ram, 0xd0, amount);   /* touched, so that it is really used */
	m->ram_amount = amount;
}

static void ignore_signal(void *state, uint64_t count)
{
	(void)state;
	(void)count;
}

/* each cap is a signal context of the entrypoint, at most 100 as in Genode */
static void release_caps(struct main *m)
{
	if (!m->cap_amount)
		return;
	nest_log(m->env, "release %llu caps", (unsigned long long)m->cap_amount);
	for (unsigned i = 0; i < m->cap_object_count; i++)
		nest_signal_handler_fini(&m->cap_objects[i]);
	m->cap_object_count = 0;
	m->cap_amount = 0;
}

static void consume_caps(struct main *m, uint64_t amount)
{
	enum nest_error err;

	release_caps(m);
	nest_log(m->env, "consume %llu caps", (unsigned long long)amount);
	for (unsigned i = 0; i < amount && i < MAX_CAP_OBJECTS; i++) {
		err = nest_signal_handler_init(&m->env->ep, &m->cap_objects[i], ignore_signal, m);
		if (err) {
			nest_log(m->env, "Error: cap %u of %llu: %s", i, (unsigned long long)amount,
			         nest_error_name(err));
			break;
		}
		m->cap_object_count++;
	}
	m->cap_amount = amount;
}

/* <handle_yield_requests>: give back what was consumed when the parent asks */
static void handle_yield(void *state, uint64_t count)
{
	struct main *m = state;
	(void)count;
	nest_log(m->env, "got yield request");
	release_ram(m);
	release_caps(m);
	parent_yield_response(&m->env->parent);
}

static void handle_yield_requests(struct main *m)
{
	if (m->yield_handled)
		return;
	if (nest_signal_handler_init(&m->env->ep, &m->yield_handler, handle_yield, m) ||
	    parent_yield_sigh(&m->env->parent, nest_signal_cap(&m->yield_handler))) {
		nest_log(m->env, "Error: cannot register for yield requests");
		return;
	}
	m->yield_handled = 1;
}

/*
 * The config and its commands
 */

static void run_command(struct main *m, const struct nest_xml_node *node)
{
	uint64_t value = 0;

	if (nest_xml_has_type(node, "create_log_connections"))
		create_log_connections(m, node);

	if (nest_xml_has_type(node, "destroy_log_connections"))
		destroy_log_connections(m);

	if (nest_xml_has_type(node, "log_service"))
		log_service(m, node);

	if (nest_xml_has_type(node, "consume_ram")) {
		nest_xml_attr_u64(node, "amount", &value);
		consume_ram(m, value);
	}

	if (nest_xml_has_type(node, "consume_caps")) {
		nest_xml_attr_u64(node, "amount", &value);
		consume_caps(m, value);
	}

	if (nest_xml_has_type(node, "handle_yield_requests"))
		handle_yield_requests(m);

	if (nest_xml_has_type(node, "sleep")) {
		value = 100;
		nest_xml_attr_u64(node, "ms", &value);
		msleep(m, value);
	}

	/* as Genode's sleep_forever: the entrypoint serves nothing more, not
	 * even its heartbeats (init's heartbeat monitoring relies on it) */
	if (nest_xml_has_type(node, "sleep_forever")) {
		static _Atomic uint32_t never;
		for (;;)
			plat_wait_on(&never, 0);
	}

	if (nest_xml_has_type(node, "log")) {
		char text[256];
		nest_xml_attr_str(node, "string", text, sizeof(text));
		nest_log(m->env, "%.*s", LOG_STRING_MAX, text);
	}

	if (nest_xml_has_type(node, "exit")) {
		nest_xml_attr_u64(node, "code", &value);
		nest_env_exit(m->env, (int)value);
	}
}

/* runs the commands of the config's current version, once per version */
static void run_config(struct main *m)
{
	struct nest_xml_node config, node;
	struct nest_xml_error error;
	char version[50] = "";

	if (nest_xml_parse(m->config_rom.content, m->config_rom.size, &config, &error)) {
		nest_log(m->env, "Error: config, line %u column %u: %s", error.line, error.column,
		         error.message);
		nest_env_exit(m->env, 1);
	}
	nest_xml_attr_str(&config, "version", version, sizeof(version));
	if (m->config_count == 0 || strcmp(version, m->config_version)) {
		m->config_count++;
		snprintf(m->config_version, sizeof(m->config_version), "%s", version);
		if (version[0])
			nest_log(m->env, "config %u: %s", m->config_count, version);
		for (bool more = nest_xml_first_sub(&config, &node); more; ) {
			struct nest_xml_node next;
			run_command(m, &node);
			more = nest_xml_next(&node, &next);
			node = next;
		}
	}
}

static void handle_config(void *state, uint64_t count)
{
	struct main *m = state;
	bool changed = false;
	(void)count;

	if (m->running) {                 /* a <sleep> of the current one serves */
		m->rerun = 1;
		return;
	}
	m->running = 1;
	do {
		m->rerun = 0;
		if (nest_attached_rom_update(&m->config_rom, &changed) == NEST_OK && changed)
			run_config(m);
	} while (m->rerun);
	m->running = 0;
}

static void main_init(struct main *m, struct nest_env *env)
{
	m->env = env;

	/* serve from now on, so that a LOG service is announced at once */
	nest_env_ready(env);

	if (nest_attached_rom_open(&m->config_rom, env,
	                           "label=\"config\", ram_quota=4K, cap_quota=1")) {
		nest_log(env, "Error: no config ROM");
		nest_env_exit(env, 1);
	}
	/* a version that comes after this first look is signalled */
	if (nest_signal_handler_init(&env->ep, &m->config_handler, handle_config, m) == NEST_OK)
		rom_sigh(&m->config_rom.session, nest_signal_cap(&m->config_handler));
	m->rerun   = 1;                   /* or came before sigh: look once more */
	m->running = 1;
	run_config(m);
	m->running = 0;
	if (m->rerun)
		handle_config(m, 1);
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	main_init(&main, env);
}
