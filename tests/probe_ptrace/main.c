/*
 * \brief  Sandbox probe: can a component read or control another process?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt states how the sandbox refuses it (see ../probe_common.h):
 * ptrace, cross-process memory access and descriptor theft are refused by
 * the seccomp filter (EPERM). Its target is the test's victim, a sleeping
 * process on the host (its config's "victim"), which holds a file open at
 * "victim_fd" and keeps a secret in its memory at "victim_secret"; the test
 * sees the secret overwritten. PTRACE_TRACEME is refused without the
 * sandbox too: core traces every component.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nest/env.h>
#include "../probe_common.h"

enum { KCMP_FILE = 0 };

struct victim {
	long      pid;
	long      fd;               /* a descriptor it holds */
	long      secret;           /* the address of its secret */
};

/* a victim the probe traces (only where there is no sandbox) goes on as before */
static void release(long victim, bool seized)
{
	int status;

	if (seized)
		syscall(SYS_ptrace, PTRACE_INTERRUPT, victim, NULL, NULL);
	syscall(SYS_wait4, victim, &status, __WALL, NULL);
	syscall(SYS_ptrace, PTRACE_DETACH, victim, NULL, NULL);
}

static void probe_ptrace(struct probe *p, const struct victim *v)
{
	long r;

	r = syscall(SYS_ptrace, PTRACE_TRACEME, 0, NULL, NULL);
	expect_refused_always(p, "ptrace(PTRACE_TRACEME)", r, errno, BY_FILTER, BY_CORE_TRACING);
	r = syscall(SYS_ptrace, PTRACE_SEIZE, v->pid, NULL, NULL);
	expect_refused(p, "ptrace(PTRACE_SEIZE, victim)", r, errno, BY_FILTER);
	if (r == 0)
		release(v->pid, true);
	r = syscall(SYS_ptrace, PTRACE_ATTACH, v->pid, NULL, NULL);
	expect_refused(p, "ptrace(PTRACE_ATTACH, victim)", r, errno, BY_FILTER);
	if (r == 0)
		release(v->pid, false);
}

static void probe_vm(struct probe *p, const struct victim *v)
{
	char local_buf[16], forged[16] = "overwritten";
	struct iovec local  = { local_buf, sizeof(local_buf) };
	struct iovec remote = { (void *)v->secret, sizeof(local_buf) };
	long r;

	r = syscall(SYS_process_vm_readv, v->pid, &local, 1, &remote, 1, 0);
	expect_refused(p, "process_vm_readv(victim, its secret)", r, errno, BY_FILTER);
	local.iov_base = forged;
	r = syscall(SYS_process_vm_writev, v->pid, &local, 1, &remote, 1, 0);
	expect_refused(p, "process_vm_writev(victim, its secret)", r, errno, BY_FILTER);
}

/* stealing a descriptor needs a pidfd; with none, fd 3 stands in for it */
static void probe_steal(struct probe *p, const struct victim *v)
{
	long pidfd = syscall(SYS_pidfd_open, v->pid, 0), r;

	expect_refused(p, "pidfd_open(victim)", pidfd, errno, BY_FILTER);
	r = syscall(SYS_pidfd_getfd, pidfd >= 0 ? pidfd : 3, v->fd, 0);
	expect_refused_fd(p, "pidfd_getfd(pidfd of victim, a descriptor it holds)", r, errno,
	                  BY_FILTER);
	if (pidfd >= 0)
		close((int)pidfd);
	r = syscall(SYS_kcmp, v->pid, v->pid, KCMP_FILE, v->fd, v->fd);
	expect_refused(p, "kcmp(victim, victim, KCMP_FILE, its descriptor twice)", r, errno,
	               BY_FILTER);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;
	struct victim v;

	p.env = env;
	if (!probe_target_number(&p, "victim", &v.pid) || v.pid <= 1)
		probe_without_target(&p, "victim");
	if (!probe_target_number(&p, "victim_fd", &v.fd))
		probe_without_target(&p, "victim_fd");
	if (!probe_target_number(&p, "victim_secret", &v.secret))
		probe_without_target(&p, "victim_secret");
	/* making itself dumpable is harmless either way; not judged */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) { /* refused by the filter */ }
	probe_ptrace(&p, &v);
	probe_vm(&p, &v);
	probe_steal(&p, &v);
	probe_finish(&p);
}
