/*
 * \brief  A small lock for state a component's threads share (heap, LOG)
 *
 * Contention is rare in components (one entrypoint, few threads), so a
 * test-and-set lock that yields the CPU while it waits is enough.
 */
#ifndef NEST_LOCK_H
#define NEST_LOCK_H

#include <stdatomic.h>
#include <nest/platform.h>

struct nest_lock { atomic_flag held; };

#define NEST_LOCK_INIT { ATOMIC_FLAG_INIT }

static inline void nest_lock_acquire(struct nest_lock *lock)
{
	while (atomic_flag_test_and_set_explicit(&lock->held, memory_order_acquire))
		plat_yield();
}

static inline void nest_lock_release(struct nest_lock *lock)
{
	atomic_flag_clear_explicit(&lock->held, memory_order_release);
}

#endif
