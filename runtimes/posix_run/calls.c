/*
 * \brief  The answer to each system call of the program, in one switch
 *
 * A call is served (answered as Linux would, from what the component
 * holds) or refused (an error; the first REFUSALS_LOGGED refusals are
 * logged, with the path the call names if it names one). Both are counted,
 * by call, for the line that sums them up at the program's exit. Served:
 *   write, writev    to descriptors 1 and 2: lines of the component's LOG
 *                    session (a line is logged when it ends, fills the
 *                    buffer, or the program exits); other descriptors EBADF
 *   exit, exit_group the component exits with the code (nest_env_exit)
 *   brk, mmap, munmap, mprotect
 *                    within the memory the supervisor gave it (memory.c);
 *                    anything else is refused: file mappings, and ranges
 *                    outside it, the supervisor's memory above all
 *   arch_prctl       ARCH_SET_FS and ARCH_GET_FS: dispatch.c loads it
 *   rt_sigprocmask   on the mask the program returns to (the context's),
 *                    never blocking SIGSYS: a blocked SIGSYS would end it
 *   getrandom        up to 256 bytes a call, from the host's
 *   getpid, gettid, set_tid_address, getuid, geteuid, getgid, getegid
 *                    constants (POSIX_PID, POSIX_UID, POSIX_GID); setuid
 *                    and setgid to these are accepted, to others EPERM
 * Everything else is refused with ENOSYS: no file, no process, no signal
 * handler of its own, no clock.
 *
 * The program's buffers are read and written only within its regions: a
 * pointer elsewhere is EFAULT, never the supervisor's memory. (A pointer into
 * memory the program made inaccessible itself faults, and the component
 * ends; core reports it.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <asm/prctl.h>
#include "runtimes/posix_run/posix.h"

enum { REFUSALS_LOGGED = 32, RANDOM_MAX = 256, IOV_MAX_COUNT = 1024, PATH_SHOWN = 64 };

static const char *const call_names[POSIX_CALLS] = {
	[SYS_read] = "read", [SYS_write] = "write", [SYS_open] = "open", [SYS_close] = "close",
	[SYS_stat] = "stat", [SYS_fstat] = "fstat", [SYS_lstat] = "lstat", [SYS_poll] = "poll",
	[SYS_lseek] = "lseek", [SYS_mmap] = "mmap", [SYS_mprotect] = "mprotect",
	[SYS_munmap] = "munmap", [SYS_brk] = "brk", [SYS_rt_sigaction] = "rt_sigaction",
	[SYS_rt_sigprocmask] = "rt_sigprocmask", [SYS_ioctl] = "ioctl", [SYS_readv] = "readv",
	[SYS_writev] = "writev", [SYS_access] = "access", [SYS_pipe] = "pipe",
	[SYS_dup2] = "dup2", [SYS_getpid] = "getpid", [SYS_socket] = "socket",
	[SYS_clone] = "clone", [SYS_fork] = "fork", [SYS_vfork] = "vfork", [SYS_execve] = "execve",
	[SYS_exit] = "exit", [SYS_wait4] = "wait4", [SYS_kill] = "kill", [SYS_uname] = "uname",
	[SYS_fcntl] = "fcntl", [SYS_getdents] = "getdents", [SYS_getcwd] = "getcwd",
	[SYS_chdir] = "chdir", [SYS_readlink] = "readlink", [SYS_umask] = "umask",
	[SYS_gettimeofday] = "gettimeofday", [SYS_getrlimit] = "getrlimit",
	[SYS_sysinfo] = "sysinfo", [SYS_getuid] = "getuid", [SYS_getgid] = "getgid",
	[SYS_setuid] = "setuid", [SYS_setgid] = "setgid", [SYS_geteuid] = "geteuid",
	[SYS_getegid] = "getegid", [SYS_getppid] = "getppid", [SYS_getpgrp] = "getpgrp",
	[SYS_setsid] = "setsid", [SYS_getgroups] = "getgroups", [SYS_prctl] = "prctl",
	[SYS_arch_prctl] = "arch_prctl", [SYS_gettid] = "gettid", [SYS_futex] = "futex",
	[SYS_getdents64] = "getdents64", [SYS_set_tid_address] = "set_tid_address",
	[SYS_clock_gettime] = "clock_gettime", [SYS_exit_group] = "exit_group",
	[SYS_tgkill] = "tgkill", [SYS_openat] = "openat", [SYS_newfstatat] = "newfstatat",
	[SYS_readlinkat] = "readlinkat", [SYS_faccessat] = "faccessat",
	[SYS_set_robust_list] = "set_robust_list", [SYS_dup3] = "dup3", [SYS_pipe2] = "pipe2",
	[SYS_prlimit64] = "prlimit64", [SYS_getrandom] = "getrandom", [SYS_statx] = "statx",
	[SYS_rseq] = "rseq", [SYS_clone3] = "clone3", [SYS_faccessat2] = "faccessat2",
};

/* the argument that names a path, of the calls that have one; -1 if none */
static int path_argument(long nr)
{
	switch (nr) {
	case SYS_open: case SYS_stat: case SYS_lstat: case SYS_access: case SYS_execve:
	case SYS_chdir: case SYS_readlink:
		return 0;
	case SYS_openat: case SYS_newfstatat: case SYS_readlinkat: case SYS_faccessat:
	case SYS_statx: case SYS_faccessat2:
		return 1;
	default:
		return -1;
	}
}

static void call_name(long nr, char *buf, size_t size)
{
	if (nr >= 0 && nr < POSIX_CALLS && call_names[nr])
		snprintf(buf, size, "%s", call_names[nr]);
	else
		snprintf(buf, size, "syscall %ld", nr);
}

/* a string of the program's, as much of it as lies in its memory and fits */
static void program_string(const struct posix *p, uintptr_t addr, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size && posix_region_holds(p, addr + len, 1, false) &&
	       ((const char *)addr)[len]) {
		buf[len] = ((const char *)addr)[len];
		len++;
	}
	buf[len] = 0;
}

/* output: one line of the LOG session per line of the program's */
static void output_flush(struct posix *p, struct posix_output *out)
{
	if (out->len)
		nest_log(p->env, "%.*s", (int)out->len, out->text);
	out->len = 0;
}

static void output_put(struct posix *p, struct posix_output *out, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			nest_log(p->env, "%.*s", (int)out->len, out->text);
			out->len = 0;
			continue;
		}
		if (out->len == sizeof(out->text))
			output_flush(p, out);
		out->text[out->len++] = text[i];
	}
}

static long write_out(struct posix *p, long fd, uintptr_t buf, size_t len)
{
	if (fd != 1 && fd != 2)
		return -EBADF;
	if (len && !posix_region_holds(p, buf, len, false))
		return -EFAULT;
	output_put(p, &p->output[fd - 1], (const char *)buf, len);
	return (long)len;
}

static long writev_out(struct posix *p, long fd, uintptr_t iov_addr, long count)
{
	const struct iovec *iov = (const struct iovec *)iov_addr;
	size_t total = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if (count < 0 || count > IOV_MAX_COUNT)
		return -EINVAL;
	if (!posix_region_holds(p, iov_addr, (size_t)count * sizeof(*iov), false))
		return -EFAULT;
	for (long i = 0; i < count; i++)
		if (iov[i].iov_len && !posix_region_holds(p, (uintptr_t)iov[i].iov_base,
		                                          iov[i].iov_len, false))
			return -EFAULT;
	for (long i = 0; i < count; i++) {
		output_put(p, &p->output[fd - 1], iov[i].iov_base, iov[i].iov_len);
		total += iov[i].iov_len;
	}
	return (long)total;
}

/* the mask the program returns to is the context's; SIGSYS stays deliverable */
static long sigprocmask_of(struct posix *p, struct posix_call *c)
{
	const uint64_t never = 1ull << (SIGSYS - 1) | 1ull << (SIGKILL - 1) | 1ull << (SIGSTOP - 1);
	uintptr_t set = (uintptr_t)c->arg[1], old = (uintptr_t)c->arg[2];
	uint64_t mask = *c->sigmask;

	if (c->arg[3] != sizeof(uint64_t))
		return -EINVAL;
	if ((set && !posix_region_holds(p, set, sizeof(uint64_t), false)) ||
	    (old && !posix_region_holds(p, old, sizeof(uint64_t), true)))
		return -EFAULT;
	if (set) {
		switch (c->arg[0]) {
		case SIG_BLOCK:   mask |= *(const uint64_t *)set;  break;
		case SIG_UNBLOCK: mask &= ~*(const uint64_t *)set; break;
		case SIG_SETMASK: mask = *(const uint64_t *)set;   break;
		default:          return -EINVAL;
		}
	}
	if (old)
		*(uint64_t *)old = *c->sigmask;
	*c->sigmask = mask & ~never;
	return 0;
}

static long random_of(struct posix *p, uintptr_t buf, size_t len, unsigned flags)
{
	ssize_t got;

	if (len > RANDOM_MAX)
		len = RANDOM_MAX;
	if (len && !posix_region_holds(p, buf, len, true))
		return -EFAULT;
	got = getrandom((void *)buf, len, flags & GRND_NONBLOCK);
	return got < 0 ? -errno : got;
}

enum verdict { SERVED, REFUSED };

static enum verdict serve(struct posix_call *c, long result)
{
	c->result = result;
	return SERVED;
}

static enum verdict refuse(struct posix_call *c, long error)
{
	c->result = error;
	return REFUSED;
}

static enum verdict arch_prctl_of(struct posix *p, struct posix_call *c)
{
	uintptr_t addr = (uintptr_t)c->arg[1];

	switch (c->arg[0]) {
	case ARCH_SET_FS:
		if (addr >= 0x800000000000ull)   /* not canonical: the kernel refuses it too */
			return serve(c, -EPERM);
		c->fs = addr;
		return serve(c, 0);
	case ARCH_GET_FS:
		if (!posix_region_holds(p, addr, sizeof(uint64_t), true))
			return serve(c, -EFAULT);
		*(uint64_t *)addr = c->fs;
		return serve(c, 0);
	default:
		return refuse(c, -EINVAL);
	}
}

static enum verdict answer(struct posix *p, struct posix_call *c)
{
	long *a = c->arg;
	uintptr_t addr = (uintptr_t)a[0];
	size_t len = (size_t)a[1];

	switch (c->nr) {
	case SYS_write:           return serve(c, write_out(p, a[0], (uintptr_t)a[1], (size_t)a[2]));
	case SYS_writev:          return serve(c, writev_out(p, a[0], (uintptr_t)a[1], a[2]));
	case SYS_exit:
	case SYS_exit_group:      p->served[c->nr]++;
	                          posix_exit(p, (int)a[0]);
	case SYS_brk:             return serve(c, posix_brk(p, addr));
	case SYS_mmap:            return a[3] & MAP_ANONYMOUS
	                                 ? serve(c, posix_mmap(p, addr, len, (int)a[2], (int)a[3]))
	                                 : refuse(c, -ENODEV);
	case SYS_munmap:          return posix_pool_holds(p, addr, len)
	                                 ? serve(c, posix_munmap(p, addr, len))
	                                 : refuse(c, -EINVAL);
	case SYS_mprotect:        return posix_region_holds(p, addr, len, false)
	                                 ? serve(c, posix_mprotect(p, addr, len, (int)a[2]))
	                                 : refuse(c, -ENOMEM);
	case SYS_arch_prctl:      return arch_prctl_of(p, c);
	case SYS_rt_sigprocmask:  return serve(c, sigprocmask_of(p, c));
	case SYS_getrandom:       return serve(c, random_of(p, addr, len, (unsigned)a[2]));
	case SYS_getpid:
	case SYS_gettid:
	case SYS_set_tid_address: return serve(c, POSIX_PID);
	case SYS_getuid:
	case SYS_geteuid:         return serve(c, POSIX_UID);
	case SYS_getgid:
	case SYS_getegid:         return serve(c, POSIX_GID);
	case SYS_setuid:          return a[0] == POSIX_UID ? serve(c, 0) : refuse(c, -EPERM);
	case SYS_setgid:          return a[0] == POSIX_GID ? serve(c, 0) : refuse(c, -EPERM);
	default:                  return refuse(c, -ENOSYS);
	}
}

static void log_refusal(struct posix *p, const struct posix_call *c)
{
	char name[32], path[PATH_SHOWN + 3] = "";
	int arg = path_argument(c->nr);
	const char *error;

	if (p->refusals_logged > REFUSALS_LOGGED)
		return;
	if (p->refusals_logged++ == REFUSALS_LOGGED) {
		nest_log(p->env, "posix_run: further refusals are counted, not logged");
		return;
	}
	call_name(c->nr, name, sizeof(name));
	if (arg >= 0) {
		path[0] = '"';
		program_string(p, (uintptr_t)c->arg[arg], path + 1, PATH_SHOWN);
		strcat(path, "\"");
	}
	error = strerrorname_np((int)-c->result);
	nest_log(p->env, "posix_run: refused %s(%s): %s", name, path, error ? error : "?");
}

static unsigned counter_of(long nr)
{
	return nr >= 0 && nr < POSIX_CALLS ? (unsigned)nr : POSIX_CALLS;
}

void posix_call(struct posix *p, struct posix_call *c)
{
	if (answer(p, c) == SERVED) {
		p->served[counter_of(c->nr)]++;
		return;
	}
	p->refused[counter_of(c->nr)]++;
	log_refusal(p, c);
}

void posix_calls_reset(struct posix *p)
{
	memset(p->served, 0, sizeof(p->served));
	memset(p->refused, 0, sizeof(p->refused));
}

/* printf into buf at *len, never past its size */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list args;
	int n;

	if (*len + 1 >= size)
		return;
	va_start(args, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, args);
	va_end(args);
	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

/* "N (name n, name n)" of the counts */
static void append_counts(char *buf, size_t size, size_t *len, const uint32_t *counts)
{
	unsigned total = 0, shown = 0;
	char name[32];

	for (unsigned i = 0; i <= POSIX_CALLS; i++)
		total += counts[i];
	append(buf, size, len, "%u", total);
	for (unsigned i = 0; i <= POSIX_CALLS; i++) {
		if (!counts[i])
			continue;
		if (i < POSIX_CALLS)
			call_name(i, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "others");
		append(buf, size, len, "%s%s %u", shown++ ? ", " : " (", name, counts[i]);
	}
	if (shown)
		append(buf, size, len, ")");
}

_Noreturn void posix_exit(struct posix *p, int code)
{
	char summary[900];
	size_t len = 0;

	output_flush(p, &p->output[0]);
	output_flush(p, &p->output[1]);
	append(summary, sizeof(summary), &len, "posix_run: \"%s\" exited with %d; served ", p->rom,
	       code);
	append_counts(summary, sizeof(summary), &len, p->served);
	append(summary, sizeof(summary), &len, "; refused ");
	append_counts(summary, sizeof(summary), &len, p->refused);
	nest_log(p->env, "%s", summary);
	if (posix_dispatch_filtered())
		nest_log(p->env, "posix_run: the filter refused %u of the supervisor's own calls (EPERM)",
		         posix_dispatch_filtered());
	nest_env_exit(p->env, code);
}
