/*
 * \brief  Sandbox probe: can a component signal or even see other processes?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt logs one line, "denied (<why>)" or "ALLOWED". The filter refuses
 * kill and lets tgkill reach only the component's own thread group, and the
 * component is PID 1 of a PID namespace of its own, so there is nobody to
 * guess either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <nest/env.h>
#include "../probe_common.h"

enum { GUESS_FIRST = 2, GUESS_LAST = 4096 };

static void probe_kill(struct probe *p)
{
	char attempt[64];
	long parent = syscall(SYS_getppid);
	long r;

	/* 0 in a PID namespace of its own: the parent lives outside */
	r = syscall(SYS_kill, parent, SIGKILL);
	snprintf(attempt, sizeof(attempt), "kill(getppid()=%ld, SIGKILL)", parent);
	report(p, attempt, r, errno);
	r = syscall(SYS_kill, 0, SIGKILL);
	report(p, "kill(0, SIGKILL) (own process group)", r, errno);
	r = syscall(SYS_kill, -1, SIGKILL);
	report(p, "kill(-1, SIGKILL) (every process)", r, errno);
	r = syscall(SYS_kill, 1, SIGKILL);
	report(p, "kill(1, SIGKILL) (itself, pid 1)", r, errno);
}

/* a process that exists answers signal 0 with 0; tgkill passes the filter
 * for the own thread group, so it must find no thread but the own either */
static void probe_guess(struct probe *p)
{
	char attempt[80];
	unsigned found = 0, found_threads = 0;
	int error = 0, thread_error = 0;

	for (long pid = GUESS_FIRST; pid <= GUESS_LAST; pid++) {
		if (syscall(SYS_kill, pid, 0) == 0)
			found++;
		else
			error = errno;
		if (syscall(SYS_tgkill, 1, pid, 0) == 0)
			found_threads++;
		else
			thread_error = errno;
	}
	snprintf(attempt, sizeof(attempt), "guess pids %d..%d with kill(pid, 0), found %u",
	         GUESS_FIRST, GUESS_LAST, found);
	report(p, attempt, found ? 0 : -1, error);
	snprintf(attempt, sizeof(attempt), "guess tids %d..%d with tgkill(1, tid, 0), found %u",
	         GUESS_FIRST, GUESS_LAST, found_threads);
	report(p, attempt, found_threads ? 0 : -1, thread_error);
}

static void probe_thread_signals(struct probe *p)
{
	siginfo_t info;
	long r;

	memset(&info, 0, sizeof(info));
	info.si_signo = SIGKILL;
	info.si_code  = SI_QUEUE;
	r = syscall(SYS_tgkill, 2, 2, SIGKILL);
	report(p, "tgkill(2, 2, SIGKILL) (foreign thread group)", r, errno);
	r = syscall(SYS_tgkill, 1, 2, SIGKILL);
	report(p, "tgkill(1, 2, SIGKILL) (own group, foreign thread)", r, errno);
	r = syscall(SYS_tkill, 2, SIGKILL);
	report(p, "tkill(2, SIGKILL)", r, errno);
	r = syscall(SYS_rt_sigqueueinfo, 2, SIGKILL, &info);
	report(p, "rt_sigqueueinfo(2, SIGKILL)", r, errno);
	r = syscall(SYS_pidfd_open, 1, 0);
	report_fd(p, "pidfd_open(1)", r, errno);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	probe_kill(&p);
	probe_guess(&p);
	probe_thread_signals(&p);
	probe_finish(&p);
}
