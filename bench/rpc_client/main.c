/*
 * \brief  Client of the null-RPC benchmark: round trips in batches
 *
 * Prints "nest_rpc median_us=... p10_us=... p90_us=..." over the batch
 * means, the same statistic bench/raw_pingpong.c reports for the raw
 * socket ping-pong it is compared with.
 */
#include <stdlib.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/bench.h>

enum { WARMUP = 20000, BATCHES = 100, PER_BATCH = 2000 };

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void component_construct(struct nest_env *env)
{
	static double batch_us[BATCHES];
	struct bench_client bench;
	struct nest_cap session;

	if (nest_env_session(env, "Bench", "ram_quota=4K, cap_quota=1", &session)) {
		nest_log(env, "Error: no Bench session");
		nest_env_exit(env, 1);
	}
	bench_client_init(&bench, session);
	for (int i = 0; i < WARMUP; i++)
		if (bench_null(&bench))
			nest_env_exit(env, 1);
	for (int b = 0; b < BATCHES; b++) {
		uint64_t start = plat_time_us();
		unsigned failed = 0;
		for (int i = 0; i < PER_BATCH; i++)
			failed += bench_null(&bench) != NEST_OK;
		batch_us[b] = (double)(plat_time_us() - start) / PER_BATCH;
		if (failed) {
			nest_log(env, "Error: %u of %u calls failed", failed, PER_BATCH);
			nest_env_exit(env, 1);
		}
	}
	qsort(batch_us, BATCHES, sizeof(batch_us[0]), compare);
	nest_log(env, "nest_rpc median_us=%.2f p10_us=%.2f p90_us=%.2f",
	         batch_us[BATCHES / 2], batch_us[BATCHES / 10], batch_us[BATCHES * 9 / 10]);
	nest_env_exit(env, 0);
}
