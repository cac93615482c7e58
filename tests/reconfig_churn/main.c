/*
 * \brief  A runtime that applies 100 configs in a row, children coming and going
 *
 * Built on init's sandbox library, as a nested init would be: it cycles
 * through five configs that add and remove dummies, take start nodes away
 * and bring them back, change a child's <config>, and give two servers a
 * new version, which must restart their clients too. After each it waits
 * until the new state has settled (every child up with its LOG session,
 * the servers announced, exited children released) and checks which
 * children were restarted and which kept running.
 *
 * After a warm-up (one cycle) it logs "reconfig_churn: warm" with its own
 * quota and pauses, so that tests/leak.test can sample core; after 100 more
 * configs, back at the same config, it logs "reconfig_churn: done" and
 * pauses again. The quota must be the same, as must core's descriptors.
 */
#include <stdio.h>
#include <string.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include "init/sandbox/sandbox.h"

enum {
	VARIANTS    = 5,
	WARMUP      = VARIANTS,             /* a whole cycle: done ends where warm did */
	ROUNDS      = 100,
	PAUSE_US    = 700 * 1000,
	SETTLE_US   = 5 * 1000 * 1000,
	CONFIG_SIZE = 8 * 1024,
	MAX_CHILDREN = 16,
};

/*
 * What each config of the cycle holds besides hello_server, log_server and
 * configured, which are in all of them. hello_client uses hello_server's
 * "Hello" and exits; log_client holds a LOG session at log_server as long
 * as it runs.
 */
static const struct variant {
	int hello_client, log_client, extra_1, extra_2;
	int new_servers;       /* hello_server and log_server (and hello_client) get a new version */
	int new_config;        /* configured gets another <config> */
} variants[VARIANTS] = {
	{ .hello_client = 1, .log_client = 1 },                              /* they come back */
	{ .hello_client = 1, .log_client = 1, .extra_1 = 1, .extra_2 = 1 },  /* dummies added */
	{ .hello_client = 1, .log_client = 1, .extra_1 = 1, .new_servers = 1 },
	{ .hello_client = 1, .log_client = 1, .new_config = 1 },
	{ 0 },                                                               /* start nodes gone */
};

static const char config_head[] =
	"<config>"
	"<parent-provides> <service name=\"PD\"/> <service name=\"ROM\"/>"
	" <service name=\"LOG\"/> </parent-provides>"
	"<default-route> <any-service> <parent/> </any-service> </default-route>"
	"<default caps=\"100\"/>";

static const char hello_server_format[] =
	"<start name=\"hello_server\" version=\"%u\" ram=\"1M\">"
	" <provides> <service name=\"Hello\"/> </provides> </start>";

static const char hello_client_format[] =
	"<start name=\"hello_client\" version=\"%u\" ram=\"1M\">"
	" <route> <service name=\"Hello\"> <child name=\"hello_server\"/> </service>"
	" <any-service> <parent/> </any-service> </route> </start>";

static const char log_server_format[] =
	"<start name=\"log_server\" version=\"%u\" ram=\"1M\"> <binary name=\"dummy\"/>"
	" <provides> <service name=\"LOG\"/> </provides>"
	" <config> <log_service/> </config> </start>";

/* its LOG session "0" goes to log_server, its own LOG to the parent */
static const char log_client_start[] =
	"<start name=\"log_client\" ram=\"1M\"> <binary name=\"dummy\"/>"
	" <route> <service name=\"LOG\" label=\"0\"> <child name=\"log_server\"/> </service>"
	" <any-service> <parent/> </any-service> </route>"
	" <config> <create_log_connections count=\"1\"/> </config> </start>";

/* each version of its <config> has it open another number of LOG sessions
 * (besides its own), so that we can tell when it has read it */
static const char configured_format[] =
	"<start name=\"configured\" ram=\"1M\"> <binary name=\"dummy\"/>"
	" <config version=\"%u\"> <create_log_connections count=\"%u\"/> </config> </start>";

static const char extra_format[] =
	"<start name=\"extra_%u\" ram=\"1M\"> <binary name=\"dummy\"/>"
	" <config> <log string=\"extra %u\"/> </config> </start>";

struct child_id {
	char     name[NAME_LEN];
	unsigned id;
};

struct main {
	struct nest_env *env;
	struct sandbox   sandbox;
	unsigned         applied;                /* configs so far */
	unsigned         server_version, config_version;
	char             config[CONFIG_SIZE];
	size_t           config_len;
	struct child_id  before[MAX_CHILDREN];   /* the children before a config */
	unsigned         before_count;
};

static _Noreturn void fail(struct main *m, const char *what, const char *name)
{
	nest_log(m->env, "reconfig_churn: FAILED at config %u: %s%s%s", m->applied, what,
	         name ? ": " : "", name ? name : "");
	nest_env_exit(m->env, 1);
}

static void append(struct main *m, const char *format, unsigned a, unsigned b)
{
	int len = snprintf(m->config + m->config_len, sizeof(m->config) - m->config_len,
	                   format, a, b);
	if (len < 0 || (size_t)len >= sizeof(m->config) - m->config_len)
		fail(m, "the config does not fit its buffer", NULL);
	m->config_len += (size_t)len;
}

static unsigned configured_connections(const struct main *m)
{
	return 1 + m->config_version % 2;
}

static void build_config(struct main *m, const struct variant *v)
{
	m->config_len = 0;
	append(m, config_head, 0, 0);
	append(m, hello_server_format, m->server_version, 0);
	if (v->hello_client)
		append(m, hello_client_format, m->server_version, 0);
	append(m, log_server_format, m->server_version, 0);
	if (v->log_client)
		append(m, log_client_start, 0, 0);
	append(m, configured_format, m->config_version, configured_connections(m));
	if (v->extra_1)
		append(m, extra_format, 1, 1);
	if (v->extra_2)
		append(m, extra_format, 2, 2);
	append(m, "</config>", 0, 0);
}

static int named(const struct child *child, const char *name)
{
	return !strcmp(child->name, name);
}

/* the LOG sessions that are open, to anyone or to the child named 'server' */
static unsigned log_sessions(const struct child *child, const char *server)
{
	unsigned count = 0;
	for (const struct session *s = child->sessions; s; s = s->next) {
		if (s->phase != SESSION_CAP_HANDED_OUT || strcmp(s->service, "LOG"))
			continue;
		if (!server || (s->route.kind == ROUTE_CHILD && named(s->route.server, server)))
			count++;
	}
	return count;
}

static int has_announced(const struct sandbox *sb, const struct child *child)
{
	for (const struct service *s = sb->services; s; s = s->next)
		if (s->server == child)
			return 1;
	return 0;
}

/* hello_client has exited and been released; everyone else runs, with its
 * LOG session, the servers announced, log_client connected to log_server,
 * configured with the connections of its latest <config> */
static int child_settled(struct main *m, const struct child *child)
{
	if (child->state == CHILD_INCOMPLETE)
		fail(m, "a child could not be started", child->name);
	if (named(child, "hello_client"))
		return child->state == CHILD_EXITED && !nest_cap_valid(child->pd.cap);
	if (child->state != CHILD_RUNNING)
		fail(m, "a child ended", child->name);
	if (!log_sessions(child, NULL))
		return 0;
	if (named(child, "hello_server") || named(child, "log_server"))
		return has_announced(&m->sandbox, child);
	if (named(child, "log_client"))
		return log_sessions(child, "log_server") == 1;
	if (named(child, "configured"))
		return log_sessions(child, NULL) == 1 + configured_connections(m);
	return 1;
}

static int settled(struct main *m)
{
	/* requests waiting for a server, creates and closes waiting for one */
	if (m->sandbox.pending || m->sandbox.detached)
		return 0;
	for (struct child *c = m->sandbox.children; c; c = c->next)
		if (!child_settled(m, c))
			return 0;
	return 1;
}

static void await_settled(struct main *m)
{
	uint64_t deadline = plat_time_us() + SETTLE_US;
	while (!settled(m)) {
		if (plat_time_us() > deadline) {
			for (struct child *c = m->sandbox.children; c; c = c->next)
				if (!child_settled(m, c))
					fail(m, "not settled within 5 s", c->name);
			fail(m, "requests or closes still pending after 5 s", NULL);
		}
		nest_ep_dispatch_one_us(&m->env->ep, 1000);
	}
}

static void remember_children(struct main *m)
{
	m->before_count = 0;
	for (struct child *c = m->sandbox.children; c; c = c->next) {
		if (m->before_count == MAX_CHILDREN)
			fail(m, "more children than expected", c->name);
		snprintf(m->before[m->before_count].name, NAME_LEN, "%s", c->name);
		m->before[m->before_count++].id = c->id;
	}
}

static unsigned id_before(const struct main *m, const char *name)
{
	for (unsigned i = 0; i < m->before_count; i++)
		if (!strcmp(m->before[i].name, name))
			return m->before[i].id;
	return 0;
}

/*
 * A child that is new, or has a new version, or used a server that has one,
 * must be a new child; every other one must have kept running (or, for an
 * exited hello_client, stayed as it was).
 */
static void check_restarts(struct main *m, const struct variant *v)
{
	for (struct child *c = m->sandbox.children; c; c = c->next) {
		unsigned before = id_before(m, c->name);
		int restarted = v->new_servers && (named(c, "hello_server") || named(c, "log_server") ||
		                                   named(c, "hello_client") || named(c, "log_client"));
		if (!before)
			continue;
		if (restarted && c->id == before)
			fail(m, "not restarted", c->name);
		if (!restarted && c->id != before)
			fail(m, "restarted, though nothing it depends on changed", c->name);
	}
}

static void apply_next(struct main *m)
{
	const struct variant *v = &variants[m->applied % VARIANTS];

	if (v->new_servers)
		m->server_version++;
	if (v->new_config)
		m->config_version++;
	build_config(m, v);
	remember_children(m);
	m->applied++;
	if (sandbox_apply_config(&m->sandbox, m->config, m->config_len))
		fail(m, "config refused", NULL);
	check_restarts(m, v);
	await_settled(m);
}

static void phase(struct main *m, const char *name)
{
	uint64_t ram = 0, ram_used = 0, caps = 0, caps_used = 0;
	pd_quota(&m->env->pd, &ram, &ram_used, &caps, &caps_used);
	nest_log(m->env, "reconfig_churn: %s after %u configs, using ram %llu caps %llu, "
	         "quota ram %llu caps %llu", name, m->applied, (unsigned long long)ram_used,
	         (unsigned long long)caps_used, (unsigned long long)ram, (unsigned long long)caps);
	plat_sleep_us(PAUSE_US);
}

static void child_exited(void *state, const char *name, int exit_code)
{
	struct main *m = state;
	if (strcmp(name, "hello_client"))
		fail(m, "a child exited", name);
	if (exit_code != 0)
		fail(m, "hello_client exited with an error", NULL);
}

void component_construct(struct nest_env *env)
{
	static struct main m;

	m.env = env;
	nest_env_ready(env);               /* our own loop serves the entrypoint */
	sandbox_init(&m.sandbox, env);
	m.sandbox.child_exited       = child_exited;
	m.sandbox.child_exited_state = &m;

	while (m.applied < WARMUP)
		apply_next(&m);
	phase(&m, "warm");
	while (m.applied < WARMUP + ROUNDS)
		apply_next(&m);
	phase(&m, "done");
	nest_env_exit(env, 0);
}
