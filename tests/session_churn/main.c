/*
 * \brief  Opens and closes sessions by the thousand, for the leak test
 *
 * After a warm-up it logs "churn: warm", pauses so that tests/leak.test can
 * sample core, opens and closes 10,000 LOG sessions (routed by init to
 * core), logs "churn: done" and pauses again. The quota of its own PD must
 * be the same at both points.
 */
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/pd.h>

enum { WARMUP = 200, ROUNDS = 10000, PAUSE_US = 700 * 1000 };

static int churn(struct nest_env *env, unsigned rounds)
{
	for (unsigned i = 0; i < rounds; i++) {
		struct nest_cap session;
		enum nest_error err = nest_env_session(env, "LOG",
		                                       "label=\"churn\", ram_quota=4K, cap_quota=1",
		                                       &session);
		if (!err)
			err = nest_env_close(env, session);
		nest_cap_release(&session);
		if (err) {
			nest_log(env, "churn: round %u failed: %s", i, nest_error_name(err));
			return 0;
		}
	}
	return 1;
}

static void phase(struct nest_env *env, const char *name)
{
	uint64_t ram = 0, ram_used = 0, caps = 0, caps_used = 0;
	pd_quota(&env->pd, &ram, &ram_used, &caps, &caps_used);
	nest_log(env, "churn: %s, quota ram %llu caps %llu", name, (unsigned long long)ram,
	         (unsigned long long)caps);
	plat_sleep_us(PAUSE_US);
}

void component_construct(struct nest_env *env)
{
	if (!churn(env, WARMUP))
		nest_env_exit(env, 1);
	phase(env, "warm");
	if (!churn(env, ROUNDS))
		nest_env_exit(env, 1);
	phase(env, "done");
	nest_env_exit(env, 0);
}
