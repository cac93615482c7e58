/*
 * \brief  Timer session: one-shot and periodic timeouts, delivered as signals
 *
 * The semantics of Genode's Timer session (repos/os/include/timer_session/
 * timer_session.h). sigh(context) names the signal context that timeouts are
 * submitted to (an invalid capability unregisters it). trigger_once(us) arms
 * a timeout us microseconds from now; trigger_periodic(us) one that expires
 * every us microseconds, the first time us from now, and trigger_periodic(0)
 * disarms. A session has one timeout: each trigger replaces the one armed
 * before, and signals already submitted stay submitted. A periodic timeout
 * whose signal could not be submitted in time (the driver did not run)
 * submits one signal per period that ended, so a client counting signals
 * counts periods. Periods shorter than TIMER_MIN_PERIOD_US are lengthened to
 * it, which bounds the signals one session can cause. elapsed_ms and
 * elapsed_us count from the creation of the session, as in Genode, so that
 * a client learns nothing about others from the clock.
 *
 * A session costs the donation below: it pays for the driver's state of the
 * session, its RPC object and the copy of the signal context capability.
 */
#ifndef NEST_SESSION_TIMER_H
#define NEST_SESSION_TIMER_H

#include <nest/rpc.h>

enum {
	TIMER_SESSION_RAM   = 4096,
	TIMER_SESSION_CAPS  = 2,
	TIMER_MIN_PERIOD_US = 1000,
};

#define TIMER_SIGH(IN, OUT)             IN(cap, context)
#define TIMER_TRIGGER_ONCE(IN, OUT)     IN(u64, us)
#define TIMER_TRIGGER_PERIODIC(IN, OUT) IN(u64, us)
#define TIMER_ELAPSED_MS(IN, OUT)       OUT(u64, ms)
#define TIMER_ELAPSED_US(IN, OUT)       OUT(u64, us)

#define TIMER_INTERFACE(RPC) \
	RPC(timer, sigh, TIMER_SIGH) \
	RPC(timer, trigger_once, TIMER_TRIGGER_ONCE) \
	RPC(timer, trigger_periodic, TIMER_TRIGGER_PERIODIC) \
	RPC(timer, elapsed_ms, TIMER_ELAPSED_MS) \
	RPC(timer, elapsed_us, TIMER_ELAPSED_US)

NEST_RPC_INTERFACE(timer, TIMER_INTERFACE)

#endif
