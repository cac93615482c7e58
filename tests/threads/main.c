/*
 * \brief  Threads on dataspace stacks, named in the CPU session, sharing the heap
 *
 * Four threads allocate and free concurrently; each checks its own blocks
 * for corruption. The CPU session at core counts them while they run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/session/cpu.h>

enum { THREADS = 4, ROUNDS = 2000 };

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

void component_construct(struct nest_env *env)
{
	static struct worker workers[THREADS];
	uint32_t count = 0;
	int corrupt = 0;
	char name[16];

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
	nest_env_exit(env, corrupt || count);
}
