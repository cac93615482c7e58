/*
 * \brief  Sandbox probe: can a component reach host files by path?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt logs one line, "denied (<why>)" or "ALLOWED"; the open family is
 * refused by the seccomp filter, and the stat family, which the filter lets
 * through, must find nothing because the root is empty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <nest/env.h>
#include "../probe_common.h"

static void probe_open(struct probe *p)
{
	struct open_how how = { .flags = O_RDONLY };
	long r;

	r = syscall(SYS_open, "/etc/passwd", O_RDONLY);
	report_fd(p, "open(/etc/passwd, O_RDONLY)", r, errno);
	r = syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
	report_fd(p, "openat(AT_FDCWD, /etc/passwd, O_RDONLY)", r, errno);
	r = syscall(SYS_open, "/proc/self/status", O_RDONLY);
	report_fd(p, "open(/proc/self/status, O_RDONLY)", r, errno);
	r = syscall(SYS_creat, "/tmp/x", 0600);
	report_fd(p, "creat(/tmp/x)", r, errno);
	r = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
	report_fd(p, "openat(AT_FDCWD, /, O_DIRECTORY)", r, errno);
	r = syscall(SYS_openat2, AT_FDCWD, "/etc/passwd", &how, sizeof(how));
	report_fd(p, "openat2(AT_FDCWD, /etc/passwd)", r, errno);
}

/* the filter allows newfstatat (the C library needs fstat): the empty root
 * must make every host path unknown */
static void probe_stat(struct probe *p)
{
	static const char *const paths[] = {
		"/etc/passwd", "/proc/self/status", "/bin/sh", "/dev/null", "/tmp/x",
	};
	char attempt[96];
	struct stat st;
	struct statx stx;
	long r;

	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = syscall(SYS_newfstatat, AT_FDCWD, paths[i], &st, 0);
		snprintf(attempt, sizeof(attempt), "fstatat(AT_FDCWD, %s)", paths[i]);
		report(p, attempt, r, errno);
	}
	r = syscall(SYS_statx, AT_FDCWD, "/etc/passwd", 0, STATX_BASIC_STATS, &stx);
	report(p, "statx(AT_FDCWD, /etc/passwd)", r, errno);
	r = syscall(SYS_access, "/etc/passwd", R_OK);
	report(p, "access(/etc/passwd)", r, errno);
	r = syscall(SYS_readlink, "/proc/self/exe", attempt, sizeof(attempt));
	report(p, "readlink(/proc/self/exe)", r, errno);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	probe_open(&p);
	probe_stat(&p);
	probe_finish(&p);
}
