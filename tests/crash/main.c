/*
 * \brief  Crasher of the fault scenarios: dies the way its name says
 *
 * One binary started under several names (<binary name="crash"/>), so that
 * each kind of fault gets a scenario of its own without a binary of its
 * own: crash_segv writes through a bad pointer, crash_abort calls abort(),
 * crash_ill executes an undefined instruction, crash_stack recurses into
 * the guard page below its stack, crash_thread calls abort() in a second
 * thread (whose signal the kernel drops for the first process of a PID
 * namespace unless core traces that thread too). Core must report the fault
 * with the label, the signal and the address, init must be told, and the
 * rest must run on. crash_witness shows the last part: it waits until the
 * crasher is long dead, then calls its sibling hello_server.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/platform.h>
#include "../probe_common.h"

/* the crasher dies within milliseconds of its start; this is ample */
enum { WITNESS_DELAY_US = 300 * 1000 };

struct crash_kind {
	const char *name;      /* of the start node */
	const char *what;      /* for the log line before the crash */
	void      (*crash)(void);
};

static void crash_segv(void)
{
	/* volatile: the compiler may neither see nor drop the bad address */
	int *volatile bad = (int *)0x10;
	*bad = 1;
}

static void crash_abort(void)
{
	abort();
}

static void crash_ill(void)
{
	__builtin_trap();           /* ud2 on x86_64 */
}

/* each frame keeps a page alive, so the 32 KiB stack is gone in a few calls;
 * the limit only keeps the compiler from calling the recursion infinite */
static unsigned recurse(unsigned depth)
{
	volatile unsigned char frame[4096];
	frame[0] = (unsigned char)depth;
	if (depth > 1000000)
		return frame[0];
	return recurse(depth + 1) + frame[0];
}

static void crash_stack(void)
{
	recurse(0);
}

static void abort_entry(void *arg)
{
	(void)arg;
	abort();
}

static struct nest_env *crash_env;

static void crash_thread(void)
{
	static struct nest_thread thread;
	if (nest_thread_start(crash_env, &thread, "aborter", 16 * 1024, abort_entry, NULL) == NEST_OK)
		nest_thread_join(crash_env, &thread);
}

static const struct crash_kind kinds[] = {
	{ "crash_thread", "call abort() in a second thread", crash_thread },
	{ "crash_stack", "overflow its stack",             crash_stack },
	{ "crash_segv",  "write to address 0x10",          crash_segv  },
	{ "crash_abort", "call abort()",                   crash_abort },
	{ "crash_ill",   "execute an illegal instruction", crash_ill   },
};

static _Noreturn void witness(struct nest_env *env)
{
	struct probe p = { .env = env, .allowed = 0 };

	nest_log(env, "crash: witness waits %u ms for the crash", WITNESS_DELAY_US / 1000);
	plat_sleep_us(WITNESS_DELAY_US);
	nest_env_exit(env, sibling_serves(&p) ? 0 : 1);
}

void component_construct(struct nest_env *env)
{
	crash_env = env;
	if (!strcmp(env->name, "crash_witness"))
		witness(env);
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(env->name, kinds[i].name))
			continue;
		nest_log(env, "crash: about to %s", kinds[i].what);
		kinds[i].crash();
		nest_log(env, "crash: Error: survived the attempt to %s", kinds[i].what);
		nest_env_exit(env, 1);
	}
	nest_log(env, "crash: Error: no kind of crash is named \"%s\"", env->name);
	nest_env_exit(env, 2);
}
