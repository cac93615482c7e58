/*
 * \brief  Component runtime: start-up, environment, log and exit
 *
 * The runtime owns the one environment of the component (malloc, which has
 * no context argument, reaches the PD through it). It opens the LOG session
 * before component_construct runs, so every component can log from its
 * first line, and serves the entrypoint afterwards.
 */
#include <stdio.h>
#include <string.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/log.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>

enum { LOG_SESSION_RAM = 4096, LOG_LINE_MAX = 1000 };

void nest_vlog(struct nest_env *env, const char *fmt, va_list args)
{
	char text[LOG_LINE_MAX];
	char *line = text;

	vsnprintf(text, sizeof(text), fmt, args);
	nest_lock_acquire(&env->lock);
	while (line) {
		char *newline = strchr(line, '\n');
		if (newline)
			*newline = 0;
		if (*line || !newline)
			log_write(&env->log, line);
		line = newline ? newline + 1 : NULL;
	}
	nest_lock_release(&env->lock);
}

void nest_log(struct nest_env *env, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	nest_vlog(env, fmt, args);
	va_end(args);
}

enum nest_error nest_env_announce(struct nest_env *env, const char *service,
                                  struct nest_cap root)
{
	unsigned i = env->announce_count;

	if (env->serving)
		return parent_announce(&env->parent, service, root, 0);
	if (i == NEST_MAX_ANNOUNCE || strlen(service) >= sizeof(env->announce[i].service))
		return NEST_ERR_OUT_OF_CAPS;
	snprintf(env->announce[i].service, sizeof(env->announce[i].service), "%s", service);
	env->announce[i].root = root;
	env->announce_count++;
	return NEST_OK;
}

void nest_env_ready(struct nest_env *env)
{
	if (env->serving)
		return;
	for (unsigned i = 0; i < env->announce_count; i++) {
		enum nest_error err = parent_announce(&env->parent, env->announce[i].service,
		                                      env->announce[i].root,
		                                      i + 1 < env->announce_count);
		if (err)
			nest_log(env, "Error: announcing \"%s\" failed: %s", env->announce[i].service,
			         nest_error_name(err));
	}
	env->announce_count = 0;
	env->serving = 1;
}

_Noreturn void nest_env_exit(struct nest_env *env, int code)
{
	parent_exit(&env->parent, code);
	plat_exit(code);
}

static void respond_to_heartbeat(void *state, uint64_t count)
{
	struct nest_env *env = state;
	(void)count;
	parent_heartbeat_response(&env->parent);
}

enum nest_error nest_env_request_resources(struct nest_env *env, uint64_t ram, uint64_t caps)
{
	char args[96];
	void *tag;
	unsigned count = 0;
	uint64_t signals = 0;
	enum nest_error err;

	if (env->resource_waitset < 0) {
		if ((err = plat_waitset_create(&env->resource_waitset)))
			return err;
		if ((err = plat_signal_create(&env->resource_avail, &env->resource_avail_sender)) ||
		    (err = plat_waitset_add(env->resource_waitset, env->resource_avail, NULL)) ||
		    (err = parent_resource_avail_sigh(&env->parent,
		                                      nest_cap_from_handle(env->resource_avail_sender)))) {
			plat_close(env->resource_waitset);
			plat_close(env->resource_avail);
			plat_close(env->resource_avail_sender);
			env->resource_waitset = env->resource_avail = env->resource_avail_sender = -1;
			return err;
		}
	}
	snprintf(args, sizeof(args), "ram_quota=%llu, cap_quota=%llu", (unsigned long long)ram,
	         (unsigned long long)caps);
	if ((err = parent_resource_request(&env->parent, args)))
		return err;
	while (!signals) {
		if ((err = plat_waitset_wait(env->resource_waitset, &tag, 1, -1, &count)))
			return err;
		plat_signal_take(env->resource_avail, &signals);
	}
	return NEST_OK;
}

/* runs on the entrypoint's stack, a dataspace of the component's PD */
static void run_component(void *arg)
{
	struct nest_env *env = arg;
	struct nest_cap log = NEST_CAP_INVALID;
	char args[64];

	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=1", LOG_SESSION_RAM);
	nest_env_session(env, "LOG", args, &log);
	log_client_init(&env->log, log);
	if (nest_signal_handler_init(&env->ep, &env->heartbeat, respond_to_heartbeat, env) == NEST_OK)
		parent_heartbeat_sigh(&env->parent, nest_signal_cap(&env->heartbeat));

	component_construct(env);
	nest_env_ready(env);
	nest_ep_run(&env->ep);
	nest_env_exit(env, 0);
}

/*
 * Each RPC object and signal context of the component costs it a cap,
 * charged at core. Caps are charged a few at a time and kept while a few
 * are spare, so that a server opening and closing sessions calls core once
 * per CAPS_CHARGED objects, not twice per object; the spare ones count as
 * used, at most CAPS_SPARE_MAX of them. Objects are made by several
 * threads, so the spare count has a lock.
 */
enum { CAPS_CHARGED = 4, CAPS_SPARE_MAX = 2 * CAPS_CHARGED };

static enum nest_error charge_caps(void *state, int delta)
{
	struct nest_env *env = state;
	enum nest_error err = NEST_OK;

	nest_lock_acquire(&env->caps_lock);
	if (delta > 0 && env->caps_spare > 0) {
		env->caps_spare--;
	} else if (delta > 0) {
		/* the last caps of a quota are charged one by one; with none left,
		 * the component asks its parent for more and waits, as Genode's
		 * expanding parent client does (cap_quota=4) */
		if (pd_alloc_caps(&env->pd, CAPS_CHARGED) == NEST_OK)
			env->caps_spare = CAPS_CHARGED - 1;
		else
			while ((err = pd_alloc_caps(&env->pd, 1)) == NEST_ERR_OUT_OF_CAPS &&
			       nest_env_request_resources(env, 0, CAPS_CHARGED) == NEST_OK)
				;
	} else if (++env->caps_spare > CAPS_SPARE_MAX &&
	           pd_free_caps(&env->pd, CAPS_CHARGED) == NEST_OK) {
		env->caps_spare -= CAPS_CHARGED;
	}
	nest_lock_release(&env->caps_lock);
	return err;
}

int main(int argc, char **argv)
{
	static struct nest_env env;
	struct nest_startup startup;
	void *stack_top;
	enum nest_error err;

	if (nest_platform_startup(&startup, argc, argv))
		plat_exit(125);
	env.name = startup.name;
	env.resource_waitset = env.resource_avail = env.resource_avail_sender = -1;
	parent_client_init(&env.parent, startup.parent);
	pd_client_init(&env.pd, startup.pd);
	nest_heap_init(&env.pd);
	if (nest_ep_init(&env.ep))
		plat_exit(124);
	env.ep.charge_caps  = charge_caps;
	env.ep.charge_state = &env;
	err = nest_stack_alloc(&env.pd, NEST_EP_STACK_SIZE, &stack_top);
	if (err) {
		parent_exit(&env.parent, 123);   /* not even a stack fits the quota */
		plat_exit(123);
	}
	nest_run_on_stack(run_component, &env, stack_top, NEST_EP_STACK_SIZE);
	plat_exit(0);
}
