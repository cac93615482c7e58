/*
 * \brief  Sandbox probe: can a component read or control another process?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt logs one line, "denied (<why>)" or "ALLOWED"; attempts over a
 * range of pids log one line for the range. ptrace, cross-process memory
 * access and descriptor theft are refused by the seccomp filter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <nest/env.h>
#include "../probe_common.h"

enum { PID_FIRST = 1, PID_LAST = 100 };

/* one line for a range: ALLOWED if any pid succeeded, naming the first */
static void report_range(struct probe *p, const char *attempt, long first_ok, int error)
{
	char text[96];
	if (first_ok) {
		snprintf(text, sizeof(text), "%s (first pid %ld)", attempt, first_ok);
		report(p, text, 0, 0);
		return;
	}
	report(p, attempt, -1, error);
}

static void probe_ptrace(struct probe *p)
{
	long first_ok = 0, r;
	int error = 0;

	r = syscall(SYS_ptrace, PTRACE_TRACEME, 0, NULL, NULL);
	report(p, "ptrace(PTRACE_TRACEME)", r, errno);

	for (long pid = PID_FIRST; pid <= PID_LAST; pid++) {
		if (syscall(SYS_ptrace, PTRACE_ATTACH, pid, NULL, NULL) == 0) {
			syscall(SYS_ptrace, PTRACE_DETACH, pid, NULL, NULL);
			if (!first_ok)
				first_ok = pid;
		} else {
			error = errno;
		}
	}
	report_range(p, "ptrace(PTRACE_ATTACH, 1..100)", first_ok, error);

	first_ok = 0;
	for (long pid = PID_FIRST; pid <= PID_LAST; pid++) {
		if (syscall(SYS_ptrace, PTRACE_SEIZE, pid, NULL, NULL) == 0) {
			syscall(SYS_ptrace, PTRACE_DETACH, pid, NULL, NULL);
			if (!first_ok)
				first_ok = pid;
		} else {
			error = errno;
		}
	}
	report_range(p, "ptrace(PTRACE_SEIZE, 1..100)", first_ok, error);
}

/* the address read is the probe's own stack: valid in any process forked
 * from the same binary, the likeliest target */
static void probe_vm(struct probe *p)
{
	char local_buf[64], remote_buf[64] = "probe";
	struct iovec local  = { local_buf, sizeof(local_buf) };
	struct iovec remote = { remote_buf, sizeof(remote_buf) };
	long first_ok = 0;
	int error = 0;

	for (long pid = PID_FIRST; pid <= PID_LAST; pid++) {
		if (syscall(SYS_process_vm_readv, pid, &local, 1, &remote, 1, 0) >= 0) {
			if (!first_ok)
				first_ok = pid;
		} else {
			error = errno;
		}
	}
	report_range(p, "process_vm_readv(1..100)", first_ok, error);

	first_ok = 0;
	for (long pid = PID_FIRST; pid <= PID_LAST; pid++) {
		if (syscall(SYS_process_vm_writev, pid, &local, 1, &remote, 1, 0) >= 0) {
			if (!first_ok)
				first_ok = pid;
		} else {
			error = errno;
		}
	}
	report_range(p, "process_vm_writev(1..100)", first_ok, error);
}

/* stealing a descriptor needs a pidfd; with none, fd 3 stands in for it */
static void probe_steal(struct probe *p)
{
	long pidfd = syscall(SYS_pidfd_open, 1, 0), r;

	report(p, "pidfd_open(1)", pidfd, errno);
	r = syscall(SYS_pidfd_getfd, pidfd >= 0 ? pidfd : 3, 3, 0);
	report_fd(p, "pidfd_getfd(pidfd, 3)", r, errno);
	if (pidfd >= 0)
		close((int)pidfd);
	r = syscall(SYS_kcmp, 1, 1, 0 /* KCMP_FILE */, 3, 4);
	report(p, "kcmp(1, 1, KCMP_FILE, 3, 4)", r, errno);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	/* making itself dumpable is harmless either way; not reported */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) { /* refused by the filter */ }
	probe_ptrace(&p);
	probe_vm(&p);
	probe_steal(&p);
	probe_finish(&p);
}
