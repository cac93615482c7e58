/*
 * \brief  Sandbox probe: can a component reach host files by path?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt states how the sandbox refuses it (see ../probe_common.h): the
 * open family and every path call but fstatat are refused by the seccomp
 * filter (EPERM); fstatat, which the filter lets through because the C
 * library needs fstat, finds nothing because the root is empty (ENOENT).
 * Besides host files that every Linux has, the probe aims at the test's
 * scratch directory (its config's "scratch"), which holds a file the test
 * made; a file it creates lands there too, and the test sees it.
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

static void probe_open(struct probe *p, const char *scratch)
{
	struct open_how how = { .flags = O_RDONLY };
	char path[TARGET_SIZE];
	long r;

	r = syscall(SYS_open, "/etc/passwd", O_RDONLY);
	expect_refused_fd(p, "open(/etc/passwd, O_RDONLY)", r, errno, BY_FILTER);
	r = syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
	expect_refused_fd(p, "openat(AT_FDCWD, /etc/passwd, O_RDONLY)", r, errno, BY_FILTER);
	r = syscall(SYS_open, "/proc/self/status", O_RDONLY);
	expect_refused_fd(p, "open(/proc/self/status, O_RDONLY)", r, errno, BY_FILTER);
	r = syscall(SYS_open, in_scratch(path, sizeof(path), scratch, "secret"), O_RDONLY);
	expect_refused_fd(p, "open(the test's file, O_RDONLY)", r, errno, BY_FILTER);
	r = syscall(SYS_creat, in_scratch(path, sizeof(path), scratch, "created"), 0600);
	expect_refused_fd(p, "creat(a file in the test's directory)", r, errno, BY_FILTER);
	r = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
	expect_refused_fd(p, "openat(AT_FDCWD, /, O_DIRECTORY)", r, errno, BY_FILTER);
	r = syscall(SYS_openat2, AT_FDCWD, "/etc/passwd", &how, sizeof(how));
	expect_refused_fd(p, "openat2(AT_FDCWD, /etc/passwd)", r, errno, BY_FILTER);
}

/* the filter allows newfstatat (the C library needs fstat): the empty root
 * must make every host path unknown */
static void probe_stat(struct probe *p, const char *scratch)
{
	static const char *const paths[] = {
		"/etc/passwd", "/proc/self/status", "/bin/sh", "/dev/null",
	};
	char attempt[96], path[TARGET_SIZE];
	struct stat st;
	struct statx stx;
	long r;

	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = syscall(SYS_newfstatat, AT_FDCWD, paths[i], &st, 0);
		snprintf(attempt, sizeof(attempt), "fstatat(AT_FDCWD, %s)", paths[i]);
		expect_refused(p, attempt, r, errno, BY_EMPTY_ROOT);
	}
	in_scratch(path, sizeof(path), scratch, "secret");
	r = syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0);
	expect_refused(p, "fstatat(AT_FDCWD, the test's file)", r, errno, BY_EMPTY_ROOT);
	r = syscall(SYS_statx, AT_FDCWD, "/etc/passwd", 0, STATX_BASIC_STATS, &stx);
	expect_refused(p, "statx(AT_FDCWD, /etc/passwd)", r, errno, BY_FILTER);
	r = syscall(SYS_access, "/etc/passwd", R_OK);
	expect_refused(p, "access(/etc/passwd)", r, errno, BY_FILTER);
	r = syscall(SYS_readlink, "/proc/self/exe", attempt, sizeof(attempt));
	expect_refused(p, "readlink(/proc/self/exe)", r, errno, BY_FILTER);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;
	char scratch[TARGET_SIZE];

	p.env = env;
	if (!probe_target(&p, "scratch", scratch, sizeof(scratch)))
		probe_without_target(&p, "scratch");
	probe_open(&p, scratch);
	probe_stat(&p, scratch);
	probe_finish(&p);
}
