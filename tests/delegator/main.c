/*
 * \brief  Delegates a capability it got from one server to a third component
 *
 * The counter object lives in hello_server; the delegator hands its
 * capability to the relay, which has no route to hello_server, and both
 * increment the same counter. When the delegator closes its Hello session,
 * the server revokes the counter, and the relay's copy stops working too.
 */
#include <nest/env.h>
#include <nest/session/hello.h>
#include <nest/session/relay.h>

static int fail(struct nest_env *env, const char *what, enum nest_error err)
{
	nest_log(env, "Error: %s: %s", what, nest_error_name(err));
	return 1;
}

static int run(struct nest_env *env)
{
	struct hello_client hello;
	struct relay_client relay;
	struct counter_client counter;
	struct nest_cap cap, counter_cap;
	uint32_t value = 0;
	enum nest_error err;

	if ((err = nest_env_session(env, "Hello", "ram_quota=8K, cap_quota=2", &cap)))
		return fail(env, "Hello session", err);
	hello_client_init(&hello, cap);
	if ((err = nest_env_session(env, "Relay", "ram_quota=8K, cap_quota=2", &cap)))
		return fail(env, "Relay session", err);
	relay_client_init(&relay, cap);
	if ((err = hello_make_counter(&hello, 41, &counter_cap)))
		return fail(env, "make_counter", err);
	counter_client_init(&counter, counter_cap);

	if ((err = relay_keep(&relay, counter.cap)))
		return fail(env, "keep", err);
	counter_increment(&counter, &value);
	nest_log(env, "delegator: counter is %u", value);
	if ((err = relay_increment(&relay, &value)))
		return fail(env, "relay increment", err);
	nest_log(env, "delegator: through the relay the counter is %u", value);
	counter_increment(&counter, &value);
	nest_log(env, "delegator: and now %u", value);

	nest_env_close(env, hello.cap);       /* the server revokes the counter */
	err = relay_increment(&relay, &value);
	nest_log(env, "delegator: relay after revocation: %s", nest_error_name(err));
	counter_client_fini(&counter);
	hello_client_fini(&hello);
	relay_client_fini(&relay);
	return err == NEST_ERR_INVALID_CAP ? 0 : 1;
}

void component_construct(struct nest_env *env)
{
	nest_env_exit(env, run(env));
}
