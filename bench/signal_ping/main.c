/*
 * \brief  Signal benchmark: signals bounced between two components
 *
 * Each round trip is two signals, each delivered through the receiver's
 * entrypoint. Prints "nest_signals per_s=..." for make bench.
 */
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/pong.h>

enum { WARMUP = 20000, ROUNDS = 200000 };

struct main {
	struct nest_signal_handler handler;
	uint64_t                   received;
};

static void count(void *state, uint64_t n)
{
	((struct main *)state)->received += n;
}

void component_construct(struct nest_env *env)
{
	static struct main m;
	struct pong_client pong;
	struct nest_cap session, pong_ctx;
	uint64_t start = 0;

	if (nest_env_session(env, "Pong", "ram_quota=4K, cap_quota=1", &session))
		nest_env_exit(env, 1);
	pong_client_init(&pong, session);
	if (nest_signal_handler_init(&env->ep, &m.handler, count, &m) ||
	    pong_exchange(&pong, nest_signal_cap(&m.handler), &pong_ctx))
		nest_env_exit(env, 1);
	for (uint64_t round = 0; round < WARMUP + ROUNDS; round++) {
		if (round == WARMUP)
			start = plat_time_us();
		if (nest_signal_submit(pong_ctx, 1)) {
			nest_log(env, "Error: submit %llu failed", (unsigned long long)round);
			nest_env_exit(env, 1);
		}
		while (m.received <= round)
			if (nest_ep_dispatch_one(&env->ep, -1)) {
				nest_log(env, "Error: waiting for signal %llu failed",
				         (unsigned long long)round);
				nest_env_exit(env, 1);
			}
	}
	{
		uint64_t us = plat_time_us() - start;
		nest_log(env, "nest_signals per_s=%llu round_trip_us=%.2f",
		         (unsigned long long)(2ull * ROUNDS * 1000000ull / (us ? us : 1)),
		         (double)us / ROUNDS);
	}
	nest_env_exit(env, 0);
}
