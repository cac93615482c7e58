/*
 * \brief  Threads of a component on Linux: pthreads on dataspace stacks
 *
 * libc's threads are used for their thread-local storage; the stack (with
 * libc's thread control block at its top) is a dataspace of the PD, so a
 * thread's memory is charged to the component's quota. Each thread is
 * named in the component's CPU session, opened with the first thread.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/cpu.h>

static void *thread_main(void *arg)
{
	struct nest_thread *thread = arg;
	thread->entry(thread->arg);
	return NULL;
}

static enum nest_error open_cpu_session(struct nest_env *env)
{
	struct nest_cap session;
	enum nest_error err;
	if (nest_cap_valid(env->cpu.cap))
		return NEST_OK;
	err = nest_env_session(env, "CPU", "ram_quota=4K, cap_quota=1", &session);
	if (!err)
		cpu_client_init(&env->cpu, session);
	return err;
}

enum nest_error nest_thread_start(struct nest_env *env, struct nest_thread *thread,
                                  const char *name, size_t stack_size,
                                  void (*entry)(void *), void *arg)
{
	size_t page = plat_page_size();
	pthread_attr_t attr;
	pthread_t id;
	enum nest_error err;

	thread->entry      = entry;
	thread->arg        = arg;
	thread->stack_size = (stack_size + page - 1) / page * page;
	nest_lock_acquire(&env->lock);
	err = open_cpu_session(env);
	if (!err)
		err = cpu_create_thread(&env->cpu, name, &thread->cpu_thread);
	nest_lock_release(&env->lock);
	if (err)
		return err;
	err = nest_stack_alloc_freeable(&env->pd, thread->stack_size, &thread->stack,
	                                &thread->stack_base);
	if (!err) {
		pthread_attr_init(&attr);
		pthread_attr_setstack(&attr, thread->stack_base, thread->stack_size);
		if (pthread_create(&id, &attr, thread_main, thread))
			err = NEST_ERR_OUT_OF_RAM;
		pthread_attr_destroy(&attr);
		if (err)
			nest_stack_free(&env->pd, &thread->stack, thread->stack_base, thread->stack_size);
	}
	if (err) {
		nest_lock_acquire(&env->lock);
		cpu_kill_thread(&env->cpu, thread->cpu_thread);
		nest_lock_release(&env->lock);
		return err;
	}
	thread->handle = (void *)id;
	return NEST_OK;
}

void nest_thread_join(struct nest_env *env, struct nest_thread *thread)
{
	pthread_join((pthread_t)thread->handle, NULL);
	nest_stack_free(&env->pd, &thread->stack, thread->stack_base, thread->stack_size);
	nest_lock_acquire(&env->lock);
	cpu_kill_thread(&env->cpu, thread->cpu_thread);
	nest_lock_release(&env->lock);
}
