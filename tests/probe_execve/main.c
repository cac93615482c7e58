/*
 * \brief  Sandbox probe: can a component run another program or multiply?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (libc and syscall(2)) instead of going through the platform
 * layer. Each attempt states how the sandbox refuses it (see
 * ../probe_common.h). The filter allows execveat only on descriptor 1023
 * with AT_EMPTY_PATH, the binary core placed there; exec closed it, and the
 * descriptor limit of 1023 keeps any descriptor of that number from existing
 * again. A path given with it finds nothing in the empty root. fork and
 * clone are refused by the filter, clone3 answers ENOSYS.
 *
 * An exec that works replaces the process, so the binary is started under
 * several names, one for each exec (see scenarios/probe_execve): each
 * tries its exec and, refused, finishes as every probe does. Where there is
 * no sandbox, its exec runs /bin/sh, which exits with EXECUTED, or the probe's
 * own binary again under the name "escaped", which says so and exits with
 * EXECUTED; init reports that exit value. The instance "probe_execve" tries
 * everything else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
#include <nest/env.h>
#include <nest/session/rom.h>
#include "../probe_common.h"

enum { BINARY_FD = 1023, EXECUTED = 42 };

static char *shell_argv[] = { "sh", "-c", "exit 42", NULL };
static char *again_argv[] = { "escaped", NULL };
static char *no_env[]     = { NULL };

static void exec_shell(struct probe *p)
{
	long r = syscall(SYS_execve, "/bin/sh", shell_argv, no_env);
	expect_refused(p, "execve(/bin/sh)", r, errno, BY_FILTER);
}

static void execat_shell(struct probe *p)
{
	long r = syscall(SYS_execveat, AT_FDCWD, "/bin/sh", shell_argv, no_env, 0);
	expect_refused(p, "execveat(AT_FDCWD, /bin/sh, 0)", r, errno, BY_FILTER);
}

static void exec_self(struct probe *p)
{
	long r = syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", again_argv, no_env, 0);
	expect_refused(p, "execveat(AT_FDCWD, /proc/self/exe, 0)", r, errno, BY_FILTER);
}

/* the descriptor the filter allows, with a path that ignores it */
static void exec_path_at_binary_fd(struct probe *p)
{
	long r = syscall(SYS_execveat, BINARY_FD, "/bin/sh", shell_argv, no_env, AT_EMPTY_PATH);
	expect_refused(p, "execveat(1023, /bin/sh, AT_EMPTY_PATH)", r, errno, BY_EMPTY_ROOT);
}

/* a binary it holds: the probe's own, as a ROM dataspace from core */
static void exec_rom(struct probe *p)
{
	struct rom_client rom;
	struct nest_cap session, ds = NEST_CAP_INVALID;
	uint64_t size = 0;
	enum nest_error err;
	long r;

	err = nest_env_session(p->env, "ROM", "label=\"probe_execve\", ram_quota=4K, cap_quota=1",
	                       &session);
	if (!err) {
		rom_client_init(&rom, session);
		err = rom_dataspace(&rom, &ds, &size);
	}
	if (err) {
		nest_log(p->env, "probe: ROM of its binary: broken (%s)", nest_error_name(err));
		p->wrong++;     /* the probe cannot judge what it cannot try */
		return;
	}
	r = syscall(SYS_execveat, nest_cap_handle(ds), "", again_argv, no_env, AT_EMPTY_PATH);
	expect_refused(p, "execveat(ROM dataspace of its binary, \"\", AT_EMPTY_PATH)", r, errno,
	               BY_FILTER);
}

/* recreating descriptor 1023 would let the filter's exception apply again */
static void probe_recreate_binary_fd(struct probe *p)
{
	char *argv[] = { "again", NULL };
	long r;

	r = syscall(SYS_execveat, BINARY_FD, "", argv, no_env, AT_EMPTY_PATH);
	expect_refused_always(p, "execveat(1023, \"\", AT_EMPTY_PATH) (binary, closed by exec)",
	                      r, errno, BY_EXEC, BY_EXEC);
	r = syscall(SYS_dup2, 3, BINARY_FD);
	expect_refused_fd(p, "dup2(3, 1023)", r, errno, BY_FILTER);
	r = syscall(SYS_dup3, 3, BINARY_FD, O_CLOEXEC);
	expect_refused_fd(p, "dup3(3, 1023, O_CLOEXEC)", r, errno, BY_FILTER);
	r = syscall(SYS_fcntl, 3, F_DUPFD, BINARY_FD);
	expect_refused_fd(p, "fcntl(3, F_DUPFD, 1023)", r, errno, BY_FILTER);
	r = syscall(SYS_fcntl, 3, F_DUPFD_CLOEXEC, BINARY_FD);
	expect_refused_fd(p, "fcntl(3, F_DUPFD_CLOEXEC, 1023)", r, errno, BY_DESCRIPTOR_LIMIT);
}

/*
 * A new process by fork, clone or clone3; where there is no sandbox, the
 * child exits at once. The component runs on a dataspace, a shared mapping
 * that a child shares with its parent instead of getting a copy: the child
 * must not touch the stack, so it exits within this one piece of assembly.
 * The parent reaps it. Returns the child's pid, or -1 with errno.
 */
static long fork_exiting_child(long nr, long arg0, long arg1)
{
	register long arg3 __asm__("r10") = 0;
	register long arg4 __asm__("r8") = 0;
	long r;
	int status;

	__asm__ volatile("syscall\n\t"
	                 "test %%rax, %%rax\n\t"
	                 "jnz 1f\n\t"
	                 "mov %[exit_group], %%eax\n\t"
	                 "xor %%edi, %%edi\n\t"
	                 "syscall\n"
	                 "1:"
	                 : "=a"(r)
	                 : "0"(nr), "D"(arg0), "S"(arg1), "d"(0L), "r"(arg3), "r"(arg4),
	                   [exit_group] "i"(SYS_exit_group)
	                 : "rcx", "r11", "memory");
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	syscall(SYS_wait4, r, &status, 0, NULL);
	return r;
}

static void probe_fork(struct probe *p)
{
	struct clone_args args;
	long r;

	r = fork_exiting_child(SYS_fork, 0, 0);
	expect_refused(p, "fork()", r, errno, BY_FILTER);
	r = fork_exiting_child(SYS_clone, SIGCHLD, 0);
	expect_refused(p, "clone(SIGCHLD)", r, errno, BY_FILTER);
	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	r = fork_exiting_child(SYS_clone3, (long)&args, sizeof(args));
	expect_refused(p, "clone3(exit_signal=SIGCHLD)", r, errno, BY_FILTER_FOR_CLONE3);
}

struct instance {
	const char *name;      /* of the start node */
	void      (*attempt)(struct probe *p);
};

static const struct instance execs[] = {
	{ "probe_execve_sh",        exec_shell },
	{ "probe_execveat_sh",      execat_shell },
	{ "probe_execve_self",      exec_self },
	{ "probe_execve_binary_fd", exec_path_at_binary_fd },
	{ "probe_execve_rom",       exec_rom },
};

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	if (!strcmp(env->name, "escaped")) {
		nest_log(env, "probe: escaped: the probe's binary runs again, exec'd by the probe");
		nest_env_exit(env, EXECUTED);
	}
	for (unsigned i = 0; i < sizeof(execs) / sizeof(execs[0]); i++) {
		if (strcmp(env->name, execs[i].name))
			continue;
		execs[i].attempt(&p);
		probe_finish(&p);
	}
	probe_recreate_binary_fd(&p);
	probe_fork(&p);
	probe_finish(&p);
}
