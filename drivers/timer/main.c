/*
 * \brief  Timer driver: per-session one-shot and periodic timeouts as signals
 *
 * Each session holds one timeout (a deadline and, if periodic, a period) and
 * the signal context its client registered; nothing a client can call names
 * another session, so no client can move or cancel another's timeouts. The
 * driver's loop is the entrypoint itself: it waits for the next RPC at most
 * until the earliest deadline of all sessions, then submits the signals that
 * are due. The host's monotonic clock (plat_time_us) is the only time source.
 * Per-session state is allocated when the session is created and paid for
 * by the client's donation, which grows the driver's quota by as much: there
 * is no table for clients to fill, each session is a share its client paid.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/root.h>
#include <nest/session_args.h>
#include <nest/session/timer.h>

NEST_RPC_DISPATCH(timer, TIMER_INTERFACE)

/* the longest single wait; a later deadline is waited for in steps */
static const int64_t MAX_WAIT_US = 3600ll * 1000 * 1000;

/* one session: the RPC object a client holds and its timeout */
struct timer_server {
	struct nest_rpc_object object;
	struct nest_cap        sigh;          /* the client's signal context, or invalid */
	uint64_t               created_us;
	bool                   armed;
	uint64_t               deadline_us;
	uint64_t               period_us;     /* 0: one-shot */
	struct timer_server   *next;
};

struct main {
	struct nest_env     *env;
	struct root_server   root;
	struct timer_server *sessions;
};

static uint64_t deadline_after(uint64_t now, uint64_t us)
{
	return us > UINT64_MAX - now ? UINT64_MAX : now + us;
}

enum nest_error timer_serve_sigh(struct timer_server *s, struct nest_cap context)
{
	return nest_cap_replace(&s->sigh, context);
}

enum nest_error timer_serve_trigger_once(struct timer_server *s, uint64_t us)
{
	s->armed       = true;
	s->period_us   = 0;
	s->deadline_us = deadline_after(plat_time_us(), us);
	return NEST_OK;
}

enum nest_error timer_serve_trigger_periodic(struct timer_server *s, uint64_t us)
{
	if (us == 0) {
		s->armed = false;
		return NEST_OK;
	}
	if (us < TIMER_MIN_PERIOD_US)
		us = TIMER_MIN_PERIOD_US;
	s->armed       = true;
	s->period_us   = us;
	s->deadline_us = deadline_after(plat_time_us(), us);
	return NEST_OK;
}

enum nest_error timer_serve_elapsed_us(struct timer_server *s, uint64_t *us)
{
	*us = plat_time_us() - s->created_us;
	return NEST_OK;
}

enum nest_error timer_serve_elapsed_ms(struct timer_server *s, uint64_t *ms)
{
	*ms = (plat_time_us() - s->created_us) / 1000;
	return NEST_OK;
}

/* the timeout of s expired at now: signal it and arm the next period */
static void expire(struct timer_server *s, uint64_t now)
{
	uint64_t periods = 1;

	if (s->period_us) {
		periods = (now - s->deadline_us) / s->period_us + 1;
		s->deadline_us = deadline_after(s->deadline_us, periods * s->period_us);
	} else {
		s->armed = false;
	}
	if (nest_cap_valid(s->sigh))
		nest_signal_submit(s->sigh, periods);
}

/* signal every session whose deadline passed; returns the microseconds
 * until the next deadline, -1 if no timeout is armed */
static int64_t expire_due(struct main *m)
{
	uint64_t now = plat_time_us(), next = UINT64_MAX;

	for (struct timer_server *s = m->sessions; s; s = s->next) {
		if (s->armed && s->deadline_us <= now)
			expire(s, now);
		if (s->armed && s->deadline_us - now < next)
			next = s->deadline_us - now;
	}
	if (next == UINT64_MAX)
		return -1;
	return next < (uint64_t)MAX_WAIT_US ? (int64_t)next : MAX_WAIT_US;
}

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	struct main *m = state;
	struct timer_server *s;
	uint64_t ram = 0, caps = 0;

	if (nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	if (ram < TIMER_SESSION_RAM)
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	if (caps < TIMER_SESSION_CAPS)
		return NEST_ERR_INSUFFICIENT_CAP_QUOTA;
	if (!(s = calloc(1, sizeof(*s))))
		return NEST_ERR_OUT_OF_RAM;
	s->sigh       = NEST_CAP_INVALID;
	s->created_us = plat_time_us();
	if (nest_ep_manage(&m->env->ep, &s->object, timer, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	s->next     = m->sessions;
	m->sessions = s;
	*object = &s->object;
	return NEST_OK;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	struct main *m = state;
	struct timer_server *s = object->state;

	for (struct timer_server **p = &m->sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	nest_ep_dissolve(&s->object);
	nest_cap_release(&s->sigh);
	free(s);
}

static enum nest_error main_init(struct main *m, struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };

	m->env           = env;
	m->sessions      = NULL;
	return nest_root_announce(env, &m->root, "Timer", &ops, m);
}

/* serve RPCs and expire timeouts; never returns */
static _Noreturn void main_run(struct main *m)
{
	nest_env_ready(m->env);                /* the Timer service is announced now */
	for (;;) {
		enum nest_error err = nest_ep_dispatch_one_us(&m->env->ep, expire_due(m));
		if (err == NEST_ERR_IO) {
			nest_log(m->env, "Error: timer: waiting failed");
			nest_env_exit(m->env, 1);
		}
	}
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	enum nest_error err = main_init(&main, env);

	if (err) {
		nest_log(env, "Error: cannot announce the Timer service: %s", nest_error_name(err));
		nest_env_exit(env, 1);
	}
	main_run(&main);
}
