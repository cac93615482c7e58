/*
 * \brief  Core's processes as fakes, for fuzz targets that run core's PD service
 *
 * fake_process.c implements what core's handlers call of core/linux/spawn.c
 * and tracer.c (sandbox_spawn, sandbox_kill, sandbox_reap, ...) without any
 * process: nothing may be cloned, killed or traced from inside a fuzzer. A
 * fake process is a pipe whose read end stands for its pidfd: it becomes
 * readable once the process has ended, as a pidfd does, so core's
 * entrypoint learns of the end the way it learns of a real one. A kill ends
 * the process at once; the target ends one by exit or fatal signal.
 */
#ifndef NEST_FUZZ_FAKE_PROCESS_H
#define NEST_FUZZ_FAKE_PROCESS_H

#include <stdbool.h>

#include <stddef.h>

enum { FAKE_CPU_COUNT = 4, FAKE_BINARY_DATA = 8192 };

/* told of each process: started with copies of the capabilities core gave
 * it (which the process owns from then on), and ended */
struct fake_process_hooks {
	void  (*started)(void *state, int pid, const char *name, int parent_cap, int pd_cap);
	void  (*ended)(void *state, int pid);
	void   *state;
	bool    fail_spawn;    /* the next spawns fail, as when the host refuses */
};

extern struct fake_process_hooks fake_process_hooks;

/* what boot modules that core starts hold: an executable image for
 * core/linux/elf.c with FAKE_BINARY_DATA bytes of data */
const void *fake_process_binary(size_t *size);

/* the process ends: exit code, or killed by signal */
void     fake_process_end(int pid, bool signalled, int code);
/* the pid of the n-th process that runs (modulo their number), 0 if none runs */
int      fake_process_running(unsigned n);
/* processes spawned and not yet released */
unsigned fake_process_count(void);
/* for a new input: no process may be left, pids count from the start */
void     fake_process_reset(void);

#endif
