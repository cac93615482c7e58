/*
 * \brief  A lock for state a component's threads share (heap, RPC clients)
 *
 * Uncontended, taking and releasing cost one atomic operation each; a
 * thread that finds the lock held sleeps in the kernel until it is
 * released, so a client held across a long RPC costs its waiters no CPU.
 * The three states (free, held, held with sleepers) are Drepper's
 * ("Futexes Are Tricky").
 */
#ifndef NEST_LOCK_H
#define NEST_LOCK_H

#include <stdatomic.h>
#include <stdint.h>
#include <nest/platform.h>

enum { NEST_LOCK_FREE, NEST_LOCK_HELD, NEST_LOCK_CONTENDED };

struct nest_lock { _Atomic uint32_t state; };

#define NEST_LOCK_INIT { NEST_LOCK_FREE }

static inline void nest_lock_acquire(struct nest_lock *lock)
{
	uint32_t state = NEST_LOCK_FREE;

	if (atomic_compare_exchange_strong_explicit(&lock->state, &state, NEST_LOCK_HELD,
	                                            memory_order_acquire, memory_order_relaxed))
		return;
	if (state != NEST_LOCK_CONTENDED)
		state = atomic_exchange_explicit(&lock->state, NEST_LOCK_CONTENDED,
		                                 memory_order_acquire);
	while (state != NEST_LOCK_FREE) {
		plat_wait_on(&lock->state, NEST_LOCK_CONTENDED);
		state = atomic_exchange_explicit(&lock->state, NEST_LOCK_CONTENDED,
		                                 memory_order_acquire);
	}
}

static inline void nest_lock_release(struct nest_lock *lock)
{
	if (atomic_exchange_explicit(&lock->state, NEST_LOCK_FREE, memory_order_release) ==
	    NEST_LOCK_CONTENDED)
		plat_wake(&lock->state, 1);
}

#endif
