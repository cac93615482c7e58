/*
 * \brief  What a component pays to make an RPC object and a signal context
 *
 * Each is made and dissolved ROUNDS times by the entrypoint, which charges
 * it to the component's cap quota at core (an RPC each way) besides the
 * kernel objects it makes. Prints "nest_objects rpc_object_us=...
 * signal_context_us=..." per make-and-dissolve, beside which bench/run puts
 * bench/raw_objects (a socketpair, an eventfd, made and closed).
 */
#include <nest/env.h>
#include <nest/platform.h>

enum { ROUNDS = 5000 };

static enum nest_error nothing(void *state, struct nest_msg *msg)
{
	(void)state; (void)msg;
	return NEST_OK;
}

static void ignore(void *state, uint64_t count) { (void)state; (void)count; }

void component_construct(struct nest_env *env)
{
	static struct nest_rpc_object object;
	struct nest_signal_handler handler;
	uint64_t start, object_us, context_us;

	start = plat_time_us();
	for (unsigned i = 0; i < ROUNDS; i++) {
		if (nest_ep_manage_object(&env->ep, &object, nothing, 0, NULL)) {
			nest_log(env, "Error: RPC object %u could not be made", i);
			nest_env_exit(env, 1);
		}
		nest_ep_dissolve(&object);
	}
	object_us = plat_time_us() - start;
	start = plat_time_us();
	for (unsigned i = 0; i < ROUNDS; i++) {
		if (nest_signal_handler_init(&env->ep, &handler, ignore, NULL)) {
			nest_log(env, "Error: signal context %u could not be made", i);
			nest_env_exit(env, 1);
		}
		nest_signal_handler_fini(&handler);
	}
	context_us = plat_time_us() - start;
	nest_log(env, "nest_objects rpc_object_us=%.2f signal_context_us=%.2f",
	         (double)object_us / ROUNDS, (double)context_us / ROUNDS);
	nest_env_exit(env, 0);
}
