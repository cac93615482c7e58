/*
 * \brief  Times the sandbox applying config changes to 60 running children
 *
 * Init applies each new config to the children that run: what changed is
 * restarted, the rest keeps running. This component hosts 60 children of
 * bench/idle with init's sandbox library, as a nested init would, to show
 * what that costs beside a boot of the 60: a config that restarts one child
 * (its version attribute changed) must cost a fraction of the boot, and an
 * unchanged config less than that (and restart no child at all).
 *
 * A child is up when it has its LOG session, the first session each
 * component's runtime opens; the sandbox records it while serving the
 * request, so the entrypoint is dispatched while waiting.
 *
 * Prints one line: "nest_reconfig boot_ms=... restart_one_ms=... unchanged_us=..."
 * (medians, and the p90 of each), then exits; bench/nest_reconfig boots it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/platform.h>
#include "init/sandbox/sandbox.h"

enum {
	CHILDREN    = 60,
	BOOTS       = 5,
	ROUNDS      = 20,        /* of a restart of one, and of an unchanged config */
	TIMEOUT_US  = 10 * 1000 * 1000,
	CONFIG_SIZE = 16 * 1024,
};

/* the start nodes of bench/boot, so that the boots compare */
static const char config_head[] =
	"<config>"
	"<parent-provides> <service name=\"PD\"/> <service name=\"ROM\"/>"
	" <service name=\"LOG\"/> </parent-provides>"
	"<default-route> <any-service> <parent/> </any-service> </default-route>";
static const char start_format[] =
	"<start name=\"idle_%u\" version=\"%u\" caps=\"100\" ram=\"137K\">"
	" <binary name=\"idle\"/> </start>";

struct main {
	struct nest_env *env;
	struct sandbox   sandbox;
	unsigned         versions[CHILDREN];
	char             config[CONFIG_SIZE];
	size_t           config_len;
	double           boot_ms[BOOTS];
	double           restart_ms[ROUNDS];
	double           unchanged_us[ROUNDS];
};

static _Noreturn void fail(struct main *m, const char *what)
{
	nest_log(m->env, "nest_reconfig: FAILED: %s", what);
	nest_env_exit(m->env, 1);
}

static void append(struct main *m, const char *text)
{
	size_t len = strlen(text);
	if (m->config_len + len >= sizeof(m->config))
		fail(m, "config does not fit its buffer");
	memcpy(m->config + m->config_len, text, len + 1);
	m->config_len += len;
}

/* the config text: 'children' start nodes at their current versions */
static void build_config(struct main *m, unsigned children)
{
	char start[sizeof(start_format) + 32];

	m->config_len = 0;
	append(m, config_head);
	for (unsigned i = 0; i < children; i++) {
		snprintf(start, sizeof(start), start_format, i, m->versions[i]);
		append(m, start);
	}
	append(m, "</config>");
}

static void apply(struct main *m, unsigned children)
{
	build_config(m, children);
	if (sandbox_apply_config(&m->sandbox, m->config, m->config_len))
		fail(m, "config refused");
}

static int has_log_session(const struct child *child)
{
	for (const struct session *s = child->sessions; s; s = s->next)
		if (s->phase == SESSION_CAP_HANDED_OUT && !strcmp(s->service, "LOG"))
			return 1;
	return 0;
}

static int all_up(const struct main *m)
{
	unsigned up = 0;
	for (const struct child *c = m->sandbox.children; c; c = c->next) {
		if (c->state != CHILD_RUNNING)
			return 0;                  /* an idle child never exits */
		up += has_log_session(c);
	}
	return up == CHILDREN;
}

static struct child *child_named(struct main *m, unsigned index)
{
	char name[NAME_LEN];
	snprintf(name, sizeof(name), "idle_%u", index);
	return child_by_name(&m->sandbox, name);
}

/* serve the children until every one of them is up */
static void await_all_up(struct main *m)
{
	uint64_t deadline = plat_time_us() + TIMEOUT_US;
	while (!all_up(m)) {
		if (plat_time_us() > deadline)
			fail(m, "the children did not all get their LOG sessions within 10 s");
		nest_ep_dispatch_one_us(&m->env->ep, 1000);
	}
}

static void snapshot_ids(struct main *m, unsigned ids[CHILDREN])
{
	for (unsigned i = 0; i < CHILDREN; i++) {
		struct child *c = child_named(m, i);
		ids[i] = c ? c->id : 0;
	}
}

static double measure_boot(struct main *m)
{
	uint64_t start;

	apply(m, 0);                       /* the 60 of the last boot end */
	if (m->sandbox.children)
		fail(m, "children left after a config without start nodes");
	start = plat_time_us();
	apply(m, CHILDREN);
	await_all_up(m);
	return (double)(plat_time_us() - start) / 1000.0;
}

/* the child's version changes: it alone is replaced by a new child */
static double measure_restart_one(struct main *m, unsigned index)
{
	unsigned before[CHILDREN], after[CHILDREN];
	uint64_t start;
	double ms;

	snapshot_ids(m, before);
	m->versions[index]++;
	start = plat_time_us();
	apply(m, CHILDREN);
	await_all_up(m);
	ms = (double)(plat_time_us() - start) / 1000.0;
	snapshot_ids(m, after);
	for (unsigned i = 0; i < CHILDREN; i++)
		if ((i == index) == (before[i] == after[i])) {
			nest_log(m->env, "nest_reconfig: idle_%u: id %u -> %u after a new version of "
			         "idle_%u", i, before[i], after[i], index);
			fail(m, "not exactly the child of the new version was restarted");
		}
	return ms;
}

/* the same text again: no child may be restarted */
static double measure_unchanged(struct main *m)
{
	unsigned before[CHILDREN], after[CHILDREN];
	uint64_t start;
	double us;

	snapshot_ids(m, before);
	start = plat_time_us();
	if (sandbox_apply_config(&m->sandbox, m->config, m->config_len))
		fail(m, "config refused");
	us = (double)(plat_time_us() - start);
	snapshot_ids(m, after);
	for (unsigned i = 0; i < CHILDREN; i++)
		if (before[i] != after[i]) {
			nest_log(m->env, "nest_reconfig: idle_%u: id %u -> %u after an unchanged config",
			         i, before[i], after[i]);
			fail(m, "an unchanged config restarted a child");
		}
	if (!all_up(m))
		fail(m, "an unchanged config left a child without its LOG session");
	return us;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* percent p of n values, interpolated between the closest ranks as
 * bench/bench_util.h does for the baselines */
static double percentile(double *values, unsigned n, double p)
{
	double position = p / 100.0 * (double)(n - 1);
	unsigned low = (unsigned)position;

	qsort(values, n, sizeof(values[0]), compare);
	if (low + 1 >= n)
		return values[n - 1];
	return values[low] + (position - low) * (values[low + 1] - values[low]);
}

void component_construct(struct nest_env *env)
{
	static struct main m;

	m.env = env;
	nest_env_ready(env);               /* our own loop serves the entrypoint */
	sandbox_init(&m.sandbox, env);

	for (unsigned b = 0; b < BOOTS; b++)
		m.boot_ms[b] = measure_boot(&m);
	/* different children, spread over the 60 */
	for (unsigned r = 0; r < ROUNDS; r++) {
		m.restart_ms[r]   = measure_restart_one(&m, r * 7 % CHILDREN);
		m.unchanged_us[r] = measure_unchanged(&m);
	}

	nest_log(env, "nest_reconfig boot_ms=%.1f boot_p90_ms=%.1f restart_one_ms=%.2f "
	         "restart_one_p90_ms=%.2f unchanged_us=%.0f unchanged_p90_us=%.0f "
	         "children=%u boots=%u rounds=%u",
	         percentile(m.boot_ms, BOOTS, 50), percentile(m.boot_ms, BOOTS, 90),
	         percentile(m.restart_ms, ROUNDS, 50), percentile(m.restart_ms, ROUNDS, 90),
	         percentile(m.unchanged_us, ROUNDS, 50), percentile(m.unchanged_us, ROUNDS, 90),
	         CHILDREN, BOOTS, ROUNDS);
	apply(&m, 0);
	nest_env_exit(env, 0);
}
