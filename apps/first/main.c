/*
 * \brief  A first component: asks its parent for a service and uses it
 *
 * The example from README.md, built and run by the tests.
 */
#include <nest/env.h>
#include <nest/session/hello.h>

void component_construct(struct nest_env *env)
{
	struct nest_cap session;
	struct hello_client hello;
	int32_t sum = 0;

	nest_log(env, "Hello from my first component");

	/* the parent routes the request; 8K of our RAM quota pay for the session */
	if (nest_env_session(env, "Hello", "ram_quota=8K, cap_quota=2", &session)) {
		nest_log(env, "no Hello service for me");
		nest_env_exit(env, 1);
	}
	hello_client_init(&hello, session);
	if (hello_add(&hello, 20, 22, &sum) == NEST_OK)
		nest_log(env, "the server says 20 + 22 = %d", sum);

	nest_env_close(env, session);
	nest_env_exit(env, 0);
}
