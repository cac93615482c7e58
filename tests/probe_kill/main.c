/*
 * \brief  Sandbox probe: can a component signal or even see other processes?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt states how the sandbox refuses it (see ../probe_common.h). The
 * filter refuses kill, tkill, rt_sigqueueinfo and pidfd_open (EPERM) and
 * lets tgkill reach only the component's own thread group; the component is
 * PID 1 of a PID namespace of its own, so that group is its own and there
 * is no other thread to find (ESRCH).
 *
 * The process it kills is the test's victim (its config's "victim", a
 * sleeping process tools/probe_targets started on the host), which the
 * test sees die; every other attempt sends signal 0, which checks the right
 * to signal and delivers nothing, so that it harms nobody on a host without
 * the sandbox either.
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

enum { GUESS_LAST = 4096, OWN_THREAD_GROUP = 1 };

static void probe_kill(struct probe *p, long victim)
{
	long r;

	r = syscall(SYS_kill, syscall(SYS_getppid), 0);
	expect_refused(p, "kill(getppid(), 0) (its parent)", r, errno, BY_FILTER);
	r = syscall(SYS_kill, 0, 0);
	expect_refused(p, "kill(0, 0) (its process group)", r, errno, BY_FILTER);
	r = syscall(SYS_kill, -1, 0);
	expect_refused(p, "kill(-1, 0) (every process)", r, errno, BY_FILTER);
	r = syscall(SYS_kill, victim, 0);
	expect_refused(p, "kill(victim, 0)", r, errno, BY_FILTER);
}

/* a process that exists answers signal 0 with 0; tgkill passes the filter
 * for thread group 1, the component's own in its PID namespace, so it must
 * find no thread there but its own */
static void probe_guess(struct probe *p)
{
	char attempt[96];
	unsigned found = 0, found_threads = 0;
	long own = syscall(SYS_gettid);
	int error = 0, thread_error = 0;

	for (long pid = 2; pid <= GUESS_LAST; pid++) {
		if (syscall(SYS_kill, pid, 0) == 0)
			found++;
		else
			error = errno;
	}
	snprintf(attempt, sizeof(attempt), "guess pids 2..%d with kill(pid, 0), found %u",
	         GUESS_LAST, found);
	expect_refused(p, attempt, found ? 0 : -1, error, BY_FILTER);

	for (long tid = 1; tid <= GUESS_LAST; tid++) {
		if (tid == own)
			continue;
		if (syscall(SYS_tgkill, OWN_THREAD_GROUP, tid, 0) == 0)
			found_threads++;
		else
			thread_error = errno;
	}
	snprintf(attempt, sizeof(attempt),
	         "guess tids 1..%d but its own with tgkill(1, tid, 0), found %u",
	         GUESS_LAST, found_threads);
	expect_refused(p, attempt, found_threads ? 0 : -1, thread_error, BY_OWN_PIDS);
}

static void probe_thread_signals(struct probe *p, long victim)
{
	siginfo_t info;
	long r;

	memset(&info, 0, sizeof(info));
	info.si_code = SI_QUEUE;
	r = syscall(SYS_tgkill, victim, victim, 0);
	expect_refused(p, "tgkill(victim, victim, 0) (a foreign thread group)", r, errno,
	               BY_FILTER);
	r = syscall(SYS_tkill, victim, 0);
	expect_refused(p, "tkill(victim, 0)", r, errno, BY_FILTER);
	r = syscall(SYS_rt_sigqueueinfo, victim, 0, &info);
	expect_refused(p, "rt_sigqueueinfo(victim, 0)", r, errno, BY_FILTER);
	r = syscall(SYS_pidfd_open, victim, 0);
	expect_refused_fd(p, "pidfd_open(victim)", r, errno, BY_FILTER);
	/* the last: it ends the victim */
	r = syscall(SYS_kill, victim, SIGKILL);
	expect_refused(p, "kill(victim, SIGKILL)", r, errno, BY_FILTER);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;
	long victim;

	p.env = env;
	if (!probe_target_number(&p, "victim", &victim) || victim <= 1)
		probe_without_target(&p, "victim");
	probe_kill(&p, victim);
	probe_guess(&p);
	probe_thread_signals(&p, victim);
	probe_finish(&p);
}
