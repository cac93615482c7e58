/*
 * \brief  Sessions opened and closed per second at a server
 *
 * Opens a Hello session at hello_server (through init, which routes it and
 * moves the donation between the PDs at core, and the server's root, which
 * makes an RPC object for it), calls it once, and closes it, ROUNDS times.
 * Prints "nest_sessions per_s=... open_close_us=...".
 */
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/hello.h>

enum { WARMUP = 200, ROUNDS = 3000 };

static void open_call_close(struct nest_env *env, unsigned round)
{
	struct hello_client hello;
	struct nest_cap session;
	int32_t sum = 0;
	enum nest_error err = nest_env_session(env, "Hello", "ram_quota=8K, cap_quota=2",
	                                       &session);
	if (!err) {
		hello_client_init(&hello, session);
		err = hello_add(&hello, 1, 2, &sum);
		if (!err && sum != 3)
			err = NEST_ERR_INVALID_ARGS;
		if (!err)
			err = nest_env_close(env, session);
		hello_client_fini(&hello);
	}
	if (err) {
		nest_log(env, "Error: session %u: %s", round, nest_error_name(err));
		nest_env_exit(env, 1);
	}
}

void component_construct(struct nest_env *env)
{
	uint64_t start, us;

	for (unsigned i = 0; i < WARMUP; i++)
		open_call_close(env, i);
	start = plat_time_us();
	for (unsigned i = 0; i < ROUNDS; i++)
		open_call_close(env, i);
	us = plat_time_us() - start;
	nest_log(env, "nest_sessions per_s=%llu open_close_us=%.2f",
	         (unsigned long long)(ROUNDS * 1000000ull / (us ? us : 1)), (double)us / ROUNDS);
	nest_env_exit(env, 0);
}
