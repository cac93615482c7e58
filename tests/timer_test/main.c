/*
 * \brief  Timer test: one-shot, periodic, stop, re-arm, independent sessions
 *
 * Checks the Timer session against the host's monotonic clock and against
 * the session's own elapsed time. Lower bounds are exact (a timeout never
 * expires early, whatever the load); where only scheduling decides (how many
 * periods fit in a window), the bounds are generous, and every check logs
 * the numbers it saw. Waiting for a signal or a time means serving the
 * entrypoint with a microsecond timeout, as any event-driven component does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/timer.h>

enum { LATENCY_SAMPLES = 21, LATENCY_TIMEOUT_US = 2000, LIMIT_TRIES = 1000 };

/* a signal context and what arrived on it */
struct probe {
	struct nest_signal_handler handler;
	struct timer_client       *timer;           /* its session, asked on arrival */
	uint64_t                   count;           /* sum of the signals' counts */
	unsigned                   wakeups;
	uint64_t                   first_us;        /* plat_time_us at the first arrival */
	uint64_t                   first_elapsed_us; /* the session's elapsed_us then */
	uint64_t                   last_us;
};

struct timer {
	struct timer_client client;
	struct probe       probe;
};

struct main {
	struct nest_env *env;
	struct timer     a, b;
	unsigned         failed;
};

static void handle_timeout(void *state, uint64_t count)
{
	struct probe *p = state;
	uint64_t now = plat_time_us();

	if (!p->count) {
		p->first_us = now;
		timer_elapsed_us(p->timer, &p->first_elapsed_us);
	}
	p->last_us = now;
	p->count  += count;
	p->wakeups++;
}

static void probe_reset(struct probe *p)
{
	p->count = 0;
	p->wakeups = 0;
	p->first_us = p->first_elapsed_us = p->last_us = 0;
}

static void check(struct main *m, const char *what, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void check(struct main *m, const char *what, int ok, const char *fmt, ...)
{
	char numbers[200];
	va_list args;

	va_start(args, fmt);
	vsnprintf(numbers, sizeof(numbers), fmt, args);
	va_end(args);
	nest_log(m->env, "timer_test: %s: %s (%s)", what, ok ? "ok" : "FAILED", numbers);
	if (!ok)
		m->failed++;
}

/* serve signals until the monotonic clock reaches until_us */
static void wait_until(struct main *m, uint64_t until_us)
{
	for (uint64_t now; (now = plat_time_us()) < until_us; )
		nest_ep_dispatch_one_us(&m->env->ep, (int64_t)(until_us - now));
}

/* serve signals until p has count of them or the clock reaches until_us */
static void wait_for(struct main *m, struct probe *p, uint64_t count, uint64_t until_us)
{
	for (uint64_t now; p->count < count && (now = plat_time_us()) < until_us; )
		nest_ep_dispatch_one_us(&m->env->ep, (int64_t)(until_us - now));
}

/* handle the signals already submitted, without waiting */
static void drain(struct main *m)
{
	while (nest_ep_dispatch_one_us(&m->env->ep, 0) == NEST_OK)
		;
}

static enum nest_error timer_open(struct main *m, struct timer *t)
{
	struct nest_cap cap = NEST_CAP_INVALID;
	char args[64];
	enum nest_error err;

	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=%u",
	         TIMER_SESSION_RAM, TIMER_SESSION_CAPS);
	if ((err = nest_env_session(m->env, "Timer", args, &cap)))
		return err;
	timer_client_init(&t->client, cap);
	t->probe.timer = &t->client;
	probe_reset(&t->probe);
	err = nest_signal_handler_init(&m->env->ep, &t->probe.handler, handle_timeout, &t->probe);
	if (!err)
		err = timer_sigh(&t->client, nest_signal_cap(&t->probe.handler));
	return err;
}

static void timer_close(struct main *m, struct timer *t)
{
	nest_env_close(m->env, t->client.cap);
	timer_client_fini(&t->client);
	nest_signal_handler_fini(&t->probe.handler);
}

static void test_elapsed(struct main *m)
{
	uint64_t ms = 0, us = 0;

	timer_elapsed_ms(&m->a.client, &ms);
	timer_elapsed_us(&m->a.client, &us);
	check(m, "elapsed", ms <= us / 1000 && us < 10ull * 1000 * 1000,
	      "elapsed_ms %llu, then elapsed_us %llu", (unsigned long long)ms,
	      (unsigned long long)us);
}

static void test_one_shot(struct main *m)
{
	struct probe *p = &m->a.probe;
	uint64_t elapsed = 0, start, after, by_elapsed;

	probe_reset(p);
	timer_elapsed_us(&m->a.client, &elapsed);
	start = plat_time_us();
	timer_trigger_once(&m->a.client, 50000);
	wait_until(m, start + 300000);
	after      = p->count ? p->first_us - start : 0;
	by_elapsed = p->count ? p->first_elapsed_us - elapsed : 0;
	check(m, "one-shot 50 ms", p->count == 1 && after >= 50000 && by_elapsed >= 50000,
	      "%llu signals in 300 ms, the first after %llu us by plat_time_us, "
	      "%llu us by elapsed_us", (unsigned long long)p->count,
	      (unsigned long long)after, (unsigned long long)by_elapsed);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* how late after its deadline a one-shot's signal is handled: measured from
 * the start of the trigger_once call, so each sample is an upper bound that
 * includes the time the call takes to reach the driver */
static void test_latency(struct main *m)
{
	struct probe *p = &m->a.probe;
	uint64_t late[LATENCY_SAMPLES], call[LATENCY_SAMPLES];
	unsigned arrived = 0, early = 0;

	for (unsigned i = 0; i < LATENCY_SAMPLES; i++) {
		uint64_t start, called;
		probe_reset(p);
		start = plat_time_us();
		timer_trigger_once(&m->a.client, LATENCY_TIMEOUT_US);
		called = plat_time_us();
		wait_for(m, p, 1, start + 1000000);
		call[i] = called - start;
		late[i] = 0;
		if (!p->count)
			continue;
		arrived++;
		if (p->first_us < start + LATENCY_TIMEOUT_US)
			early++;
		else
			late[i] = p->first_us - start - LATENCY_TIMEOUT_US;
	}
	qsort(late, LATENCY_SAMPLES, sizeof(late[0]), compare_u64);
	qsort(call, LATENCY_SAMPLES, sizeof(call[0]), compare_u64);
	check(m, "one-shot latency", arrived == LATENCY_SAMPLES && !early,
	      "%u of %u one-shots of %u us arrived, %u early; late by median %llu us, "
	      "min %llu, max %llu; trigger_once call median %llu us",
	      arrived, LATENCY_SAMPLES, LATENCY_TIMEOUT_US, early,
	      (unsigned long long)late[LATENCY_SAMPLES / 2], (unsigned long long)late[0],
	      (unsigned long long)late[LATENCY_SAMPLES - 1],
	      (unsigned long long)call[LATENCY_SAMPLES / 2]);
}

static void test_periodic(struct main *m)
{
	struct probe *p = &m->a.probe;
	uint64_t start, count;
	unsigned wakeups;

	probe_reset(p);
	start = plat_time_us();
	timer_trigger_periodic(&m->a.client, 20000);
	wait_until(m, start + 200000);
	count   = p->count;
	wakeups = p->wakeups;
	check(m, "periodic 20 ms", count >= 7 && count <= 13,
	      "%llu signals in 200 ms, in %u wake-ups", (unsigned long long)count, wakeups);

	/* signals submitted before the stop are queued when the call returns */
	timer_trigger_periodic(&m->a.client, 0);
	drain(m);
	probe_reset(p);
	start = plat_time_us();
	wait_until(m, start + 100000);
	check(m, "periodic stopped", p->count == 0,
	      "%llu signals in the 100 ms after trigger_periodic(0)",
	      (unsigned long long)p->count);
}

static void test_rearm(struct main *m)
{
	struct probe *p = &m->a.probe;
	uint64_t start, after;

	probe_reset(p);
	start = plat_time_us();
	timer_trigger_once(&m->a.client, 50000);
	timer_trigger_once(&m->a.client, 80000);
	wait_until(m, start + 300000);
	after = p->count ? p->first_us - start : 0;
	check(m, "re-armed one-shot", p->count == 1 && after >= 80000,
	      "%llu signals in 300 ms after arming 50 ms and then 80 ms, the first after %llu us",
	      (unsigned long long)p->count, (unsigned long long)after);
}

/* a second session arms, stops and closes while the first one's timeout runs */
static void test_independent(struct main *m)
{
	struct probe *a = &m->a.probe, *b = &m->b.probe;
	uint64_t start, after, b_signals, a_elapsed = 0, b_elapsed = 0;
	enum nest_error err;

	if ((err = timer_open(m, &m->b))) {
		check(m, "two sessions", 0, "second session: %s", nest_error_name(err));
		return;
	}
	probe_reset(a);
	start = plat_time_us();
	timer_trigger_once(&m->a.client, 60000);
	timer_trigger_periodic(&m->b.client, 10000);
	wait_for(m, b, 2, start + 5000000);
	timer_trigger_periodic(&m->b.client, 0);
	drain(m);
	b_signals = b->count;
	timer_elapsed_us(&m->b.client, &b_elapsed);
	timer_elapsed_us(&m->a.client, &a_elapsed);
	timer_close(m, &m->b);

	wait_for(m, a, 1, start + 5000000);
	wait_until(m, plat_time_us() + 100000);
	after = a->count ? a->first_us - start : 0;
	check(m, "two sessions",
	      a->count == 1 && after >= 60000 && b_signals >= 2 && b->count == b_signals &&
	      b_elapsed < a_elapsed,
	      "first: %llu signal after %llu us; second: %llu signals, stopped and closed; "
	      "elapsed_us %llu and %llu", (unsigned long long)a->count,
	      (unsigned long long)after, (unsigned long long)b_signals,
	      (unsigned long long)a_elapsed, (unsigned long long)b_elapsed);
}

static void session_close(struct main *m, struct nest_cap *cap)
{
	nest_env_close(m->env, *cap);
	nest_cap_release(cap);
}

/*
 * The driver has no table for clients to fill: each session is a share its
 * client paid for, so a client that opens sessions until refused runs out
 * of its own quota (more sessions than the old table of 64 held), and one
 * closed session makes room for one more.
 */
static void test_paid_shares(struct main *m)
{
	static struct nest_cap caps[LIMIT_TRIES];
	char args[64];
	unsigned opened = 0;
	enum nest_error err = NEST_OK, again;
	struct nest_cap extra = NEST_CAP_INVALID;

	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=%u",
	         TIMER_SESSION_RAM, TIMER_SESSION_CAPS);
	while (opened < LIMIT_TRIES &&
	       !(err = nest_env_session(m->env, "Timer", args, &caps[opened])))
		opened++;
	if (opened)
		session_close(m, &caps[opened - 1]);
	again = nest_env_session(m->env, "Timer", args, &extra);
	for (unsigned i = 0; i + 1 < opened; i++)
		session_close(m, &caps[i]);
	if (!again)
		session_close(m, &extra);
	check(m, "sessions are paid shares", opened > 64 && opened < LIMIT_TRIES &&
	      (err == NEST_ERR_OUT_OF_CAPS || err == NEST_ERR_OUT_OF_RAM) && !again,
	      "%u sessions beside the first, then: %s; after one closed: %s", opened,
	      nest_error_name(err), nest_error_name(again));
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	enum nest_error err;

	main.env = env;
	if ((err = timer_open(&main, &main.a))) {
		nest_log(env, "timer_test: Timer session: FAILED (%s)", nest_error_name(err));
		nest_env_exit(env, 1);
	}
	test_elapsed(&main);
	test_one_shot(&main);
	test_latency(&main);
	test_periodic(&main);
	test_rearm(&main);
	test_independent(&main);
	test_paid_shares(&main);
	timer_close(&main, &main.a);
	nest_log(env, "timer_test: done");
	nest_env_exit(env, main.failed ? 1 : 0);
}
