/*
 * \brief  Hello client: uses the Hello service, then exits
 *
 * It shows the steps of a session's life: request through the parent,
 * calls with arguments and results, a capability handed back by the
 * server and used, and the close that returns the donated quota.
 */
#include <nest/env.h>
#include <nest/session/hello.h>

static int run(struct nest_env *env)
{
	struct hello_client hello;
	struct counter_client counter;
	struct nest_cap session = NEST_CAP_INVALID, counter_cap = NEST_CAP_INVALID;
	int32_t sum = 0;
	uint32_t value = 0;
	enum nest_error err;

	err = nest_env_session(env, "Hello", "label=\"\", ram_quota=8K, cap_quota=2", &session);
	if (err) {
		nest_log(env, "Error: no Hello session: %s", nest_error_name(err));
		return 1;
	}
	nest_log(env, "got a Hello session");
	hello_client_init(&hello, session);

	if ((err = hello_add(&hello, 3, 4, &sum)))
		return nest_log(env, "Error: add: %s", nest_error_name(err)), 1;
	nest_log(env, "3 + 4 = %d", sum);
	if ((err = hello_say(&hello, "Hello, Nest!")))
		return nest_log(env, "Error: say: %s", nest_error_name(err)), 1;
	if ((err = hello_make_counter(&hello, 41, &counter_cap)))
		return nest_log(env, "Error: make_counter: %s", nest_error_name(err)), 1;
	counter_client_init(&counter, counter_cap);
	counter_increment(&counter, &value);
	nest_log(env, "counter object says %u", value);
	counter_increment(&counter, &value);
	nest_log(env, "counter object says %u", value);
	counter_client_fini(&counter);

	nest_env_close(env, hello.cap);
	err = hello_add(&hello, 1, 1, &sum);
	nest_log(env, "call after close: %s", nest_error_name(err));
	hello_client_fini(&hello);
	return err == NEST_ERR_INVALID_CAP ? 0 : 1;
}

void component_construct(struct nest_env *env)
{
	int code = run(env);
	nest_log(env, "done");
	nest_env_exit(env, code);
}
