/*
 * \brief  Logs a tick every 100 ms, twenty times, then exits
 *
 * A program that keeps running its own code for two seconds: started from
 * a binary whose server frees it meanwhile, it shows that what runs is
 * core's copy (a process running from the freed memory would fault).
 */
#include <nest/env.h>
#include <nest/session/timer.h>

enum { TICKS = 20, PERIOD_US = 100 * 1000 };

struct ticker {
	struct nest_env           *env;
	struct timer_client        timer;
	struct nest_signal_handler tick;
	unsigned                   count;
};

static void handle_tick(void *state, uint64_t count)
{
	struct ticker *t = state;
	(void)count;
	nest_log(t->env, "tick %u", ++t->count);
	if (t->count == TICKS)
		nest_env_exit(t->env, 0);
}

void component_construct(struct nest_env *env)
{
	static struct ticker t;
	struct nest_cap timer;
	enum nest_error err = nest_env_session(env, "Timer", "ram_quota=8K, cap_quota=2", &timer);

	t.env = env;
	if (!err) {
		timer_client_init(&t.timer, timer);
		err = nest_signal_handler_init(&env->ep, &t.tick, handle_tick, &t);
	}
	if (!err)
		err = timer_sigh(&t.timer, nest_signal_cap(&t.tick));
	if (!err)
		err = timer_trigger_periodic(&t.timer, PERIOD_US);
	if (err) {
		nest_log(env, "Error: ticker: %s", nest_error_name(err));
		nest_env_exit(env, 1);
	}
}
