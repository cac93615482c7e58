/*
 * \brief  A runtime that starts and ends children by the thousand
 *
 * Built on init's sandbox library, as a nested runtime would be: it applies
 * a config with one child, and each time that child has exited, applies
 * the config again with the child's version counted up, which replaces the
 * exited child by a new one. After a warm-up it logs "churn: warm" and
 * pauses so that tests/leak.test can sample core; after 1,000 more children
 * it logs "churn: done" and pauses again. Its own quota must be the same.
 */
#include <stdio.h>
#include <string.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include "init/sandbox/sandbox.h"

enum { WARMUP = 10, ROUNDS = 1000, PAUSE_US = 700 * 1000 };

static const char config_format[] =
	"<config>"
	"<parent-provides> <service name=\"PD\"/> <service name=\"ROM\"/>"
	" <service name=\"LOG\"/> </parent-provides>"
	"<default-route> <any-service> <parent/> </any-service> </default-route>"
	"<start name=\"exiter\" version=\"%u\" caps=\"10\" ram=\"256K\"/>"
	"</config>";

struct main {
	struct nest_env *env;
	struct sandbox   sandbox;
	unsigned         started;
};

static void phase(struct main *m, const char *name)
{
	uint64_t ram = 0, ram_used = 0, caps = 0, caps_used = 0;
	pd_quota(&m->env->pd, &ram, &ram_used, &caps, &caps_used);
	nest_log(m->env, "churn: %s after %u children, quota ram %llu caps %llu", name,
	         m->started, (unsigned long long)ram, (unsigned long long)caps);
	plat_sleep_us(PAUSE_US);
}

static void start_next(struct main *m)
{
	char config[sizeof(config_format) + 16];
	int len = snprintf(config, sizeof(config), config_format, ++m->started);
	if (sandbox_apply_config(&m->sandbox, config, (size_t)len) ||
	    !m->sandbox.children)
		nest_env_exit(m->env, 1);
}

static void child_exited(void *state, const char *name, int exit_code)
{
	struct main *m = state;
	(void)name;
	if (exit_code != 0) {
		nest_log(m->env, "churn: child %u exited with %d", m->started, exit_code);
		nest_env_exit(m->env, 1);
	}
	if (m->started == WARMUP)
		phase(m, "warm");
	if (m->started == WARMUP + ROUNDS) {
		phase(m, "done");
		nest_env_exit(m->env, 0);
	}
	start_next(m);
}

void component_construct(struct nest_env *env)
{
	static struct main m;
	m.env = env;
	sandbox_init(&m.sandbox, env);
	m.sandbox.child_exited       = child_exited;
	m.sandbox.child_exited_state = &m;
	start_next(&m);
}
