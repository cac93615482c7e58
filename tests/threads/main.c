/*
 * \brief  Threads on dataspace stacks, named in the CPU session, sharing the heap
 *
 * Four threads allocate and free concurrently; each checks its own blocks
 * for corruption. The CPU session at core counts them while they run.
 * Then the runtime's PD client is shared the hard way: a thread allocates
 * and frees large blocks (each a dataspace of its own, an RPC to core)
 * while the entrypoint makes and dissolves signal contexts (each charged to
 * the PD's cap quota, an RPC to core on the same client). Every one of
 * those must succeed: a client used by two threads at once would hand one
 * thread the other's reply.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/session/cpu.h>

enum { THREADS = 4, ROUNDS = 2000, CONTEXTS = 20000, LARGE = 128 * 1024 };

struct worker {
	struct nest_thread thread;
	struct nest_env   *env;
	int                id, corrupt;
	volatile int       started;
};

static volatile int go;

static void work(void *arg)
{
	struct worker *w = arg;
	w->started = 1;
	while (!go)
		;
	for (int round = 0; round < ROUNDS; round++) {
		size_t size = 16 + (size_t)((round * 37 + w->id * 101) % 3000);
		unsigned char *p = malloc(size);
		if (!p)
			continue;
		memset(p, w->id, size);
		for (size_t i = 0; i < size; i++)
			w->corrupt |= p[i] != w->id;
		free(p);
	}
	nest_log(w->env, "threads: worker %d done", w->id);
}

struct large_allocator { struct nest_thread thread; atomic_int stop; unsigned failed, done; };

static void allocate_large(void *arg)
{
	struct large_allocator *a = arg;
	while (!atomic_load(&a->stop)) {
		unsigned char *p = malloc(LARGE);
		if (!p) {
			a->failed++;
			continue;
		}
		p[0] = p[LARGE - 1] = 1;
		free(p);
		a->done++;
	}
}

static void ignore_signal(void *state, uint64_t count) { (void)state; (void)count; }

/* signal contexts made by the entrypoint while a thread allocates */
static int share_the_pd_client(struct nest_env *env)
{
	static struct large_allocator a;
	struct nest_signal_handler h;
	unsigned failed = 0;

	atomic_init(&a.stop, 0);
	if (nest_thread_start(env, &a.thread, "large", 64 * 1024, allocate_large, &a))
		return 1;
	for (unsigned i = 0; i < CONTEXTS; i++) {
		if (nest_signal_handler_init(&env->ep, &h, ignore_signal, NULL)) {
			failed++;
			continue;
		}
		nest_signal_handler_fini(&h);
	}
	atomic_store(&a.stop, 1);
	nest_thread_join(env, &a.thread);
	nest_log(env, "threads: %u of %u signal contexts failed while %u large blocks were "
	         "allocated, %u failed", failed, CONTEXTS, a.done, a.failed);
	return failed || a.failed || !a.done;
}

void component_construct(struct nest_env *env)
{
	static struct worker workers[THREADS];
	uint32_t count = 0;
	int corrupt = 0;
	char name[24];

	for (int i = 0; i < THREADS; i++) {
		workers[i].env = env;
		workers[i].id  = i + 1;
		snprintf(name, sizeof(name), "worker%d", i + 1);
		if (nest_thread_start(env, &workers[i].thread, name, 64 * 1024, work, &workers[i])) {
			nest_log(env, "threads: cannot start %s", name);
			nest_env_exit(env, 1);
		}
	}
	for (int i = 0; i < THREADS; i++)
		while (!workers[i].started)
			;
	cpu_thread_count(&env->cpu, &count);
	nest_log(env, "threads: CPU session names %u threads", count);
	go = 1;
	for (int i = 0; i < THREADS; i++) {
		nest_thread_join(env, &workers[i].thread);
		corrupt |= workers[i].corrupt;
	}
	cpu_thread_count(&env->cpu, &count);
	nest_log(env, "threads: all joined, CPU session names %u threads, heap %s", count,
	         corrupt ? "CORRUPT" : "intact");
	nest_env_exit(env, corrupt || count || share_the_pd_client(env));
}
