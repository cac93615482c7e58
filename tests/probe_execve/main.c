/*
 * \brief  Sandbox probe: can a component run another program or multiply?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (libc and syscall(2)) instead of going through the platform
 * layer. Each attempt logs one line, "denied (<why>)" or "ALLOWED".
 * The filter allows execveat only on descriptor 1023 with AT_EMPTY_PATH,
 * the binary core placed there; exec closed it, and the descriptor limit
 * of 1023 means no descriptor of that number can exist again. fork and
 * clone are refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>
#include <nest/env.h>
#include "../probe_common.h"

enum { FD_LAST = 1022, BINARY_FD = 1023 };

static void probe_exec(struct probe *p)
{
	char *argv[] = { "sh", "-c", "echo escaped", NULL };
	char *envp[] = { NULL };
	long r;

	r = syscall(SYS_execve, "/bin/sh", argv, envp);
	report(p, "execve(/bin/sh)", r, errno);
	r = syscall(SYS_execveat, AT_FDCWD, "/bin/sh", argv, envp, 0);
	report(p, "execveat(AT_FDCWD, /bin/sh, 0)", r, errno);
	r = syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", argv, envp, 0);
	report(p, "execveat(AT_FDCWD, /proc/self/exe, 0)", r, errno);
	/* the descriptor the filter allows, with a path that ignores it */
	r = syscall(SYS_execveat, BINARY_FD, "/bin/sh", argv, envp, AT_EMPTY_PATH);
	report(p, "execveat(1023, /bin/sh, AT_EMPTY_PATH)", r, errno);
	r = syscall(SYS_execveat, BINARY_FD, "", argv, envp, AT_EMPTY_PATH);
	report(p, "execveat(1023, \"\", AT_EMPTY_PATH) (binary, closed by exec)", r, errno);
}

/* every descriptor the component holds, executed as a binary; a success
 * does not return, so the scenario sees the missing "probe: done" */
static void probe_exec_held(struct probe *p)
{
	char *argv[] = { "again", NULL };
	char *envp[] = { NULL };
	int error = EBADF;

	for (int fd = 0; fd <= FD_LAST; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		error = errno;
	}
	report(p, "execveat(fd, \"\", AT_EMPTY_PATH) for each held fd", -1, error);
}

/* recreating descriptor 1023 would let the filter's exception apply again */
static void probe_recreate_binary_fd(struct probe *p)
{
	long r;

	r = syscall(SYS_dup2, 3, BINARY_FD);
	report_fd(p, "dup2(3, 1023)", r, errno);
	r = syscall(SYS_dup3, 3, BINARY_FD, O_CLOEXEC);
	report_fd(p, "dup3(3, 1023, O_CLOEXEC)", r, errno);
	r = syscall(SYS_fcntl, 3, F_DUPFD, BINARY_FD);
	report_fd(p, "fcntl(3, F_DUPFD, 1023)", r, errno);
	r = syscall(SYS_fcntl, 3, F_DUPFD_CLOEXEC, BINARY_FD);
	report_fd(p, "fcntl(3, F_DUPFD_CLOEXEC, 1023)", r, errno);
}

static void probe_fork(struct probe *p)
{
	struct clone_args args;
	long r;

	r = syscall(SYS_fork);
	if (r == 0)
		syscall(SYS_exit_group, 0);
	report(p, "fork()", r, errno);

	r = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	if (r == 0)
		syscall(SYS_exit_group, 0);
	report(p, "clone(SIGCHLD)", r, errno);

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r == 0)
		syscall(SYS_exit_group, 0);
	report(p, "clone3(exit_signal=SIGCHLD)", r, errno);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	probe_exec(&p);
	probe_exec_held(&p);
	probe_recreate_binary_fd(&p);
	probe_fork(&p);
	probe_finish(&p);
}
