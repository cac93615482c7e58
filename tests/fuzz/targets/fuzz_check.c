/*
 * \brief  Reporting violated invariants, and the census of open descriptors
 *
 * See fuzz_check.h. The census reads /proc/self/fd, which lists exactly the
 * descriptors that are open, whatever their numbers. A descriptor of the
 * census that is closed afterwards was released twice or by the wrong owner.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "tests/fuzz/targets/fuzz_check.h"

void fuzz_violated(const char *file, int line, const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "%s:%d: invariant violated: ", file, line);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\n");
	abort();
}

bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

static void census_set(struct fd_census *census, int fd)
{
	if (fd >= 0 && fd < FD_CENSUS_MAX)
		census->open[fd / 8] |= (unsigned char)(1u << (fd % 8));
}

static bool census_has(const struct fd_census *census, int fd)
{
	return fd >= 0 && fd < FD_CENSUS_MAX && (census->open[fd / 8] & (1u << (fd % 8)));
}

/* calls found(fd) for each open descriptor but the one that lists them */
static void each_open(void (*found)(int fd, void *state), void *state)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;

	CHECKF(dir != NULL, "cannot list /proc/self/fd");
	while ((e = readdir(dir))) {
		int fd;
		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd != dirfd(dir))
			found(fd, state);
	}
	closedir(dir);
}

static void take_one(int fd, void *state)
{
	CHECKF(fd < FD_CENSUS_MAX, "descriptor %d beyond the census (%d)", fd, FD_CENSUS_MAX);
	census_set(state, fd);
}

void fd_census_take(struct fd_census *census)
{
	memset(census, 0, sizeof(*census));
	each_open(take_one, census);
}

struct census_compare {
	const struct fd_census *before;
	const char             *when;
};

static void expect_known(int fd, void *state)
{
	struct census_compare *c = state;
	char path[64], what[128] = "?";
	ssize_t len;

	if (census_has(c->before, fd))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, what, sizeof(what) - 1);
	what[len > 0 ? len : 0] = 0;
	fuzz_violated(__FILE__, __LINE__, "descriptor %d (%s) still open %s", fd, what, c->when);
}

void fd_census_expect_same(const struct fd_census *census, const char *when)
{
	struct census_compare c = { census, when };

	each_open(expect_known, &c);
	/* one closed that was not its to close: a double release */
	for (int fd = 0; fd < FD_CENSUS_MAX; fd++)
		if (census->open[fd / 8] && census_has(census, fd))
			CHECKF(fd_is_open(fd), "descriptor %d closed %s", fd, when);
}

void fuzz_raise_descriptor_limit(void)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}
