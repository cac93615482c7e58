/*
 * \brief  Attacker with a directory: every way out of a Host_dir it knows
 *
 * A driver (core's policy gives its label a directory, writeable, files of
 * at most 4 KiB) takes the directory's handle and, calling Linux directly:
 * reads and writes inside it, then tries to leave it by "..", by absolute
 * and relative symbolic links, by O_PATH, by /proc/self/fd, by a path not
 * relative to the handle, by stat, by making a hard or symbolic link, by
 * renaming out, and by walking through a directory that the host renames
 * in and out of it meanwhile (moving/, tests/host_dir.test); and it grows a file
 * past its limit. Each attempt logs "ok" or "refused (ERRNO)"; a read of
 * the file outside logs "SECRET READ".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <nest/env.h>
#include <nest/host_handle.h>
#include "tests/host_attempt.h"

static struct nest_env *env_of;

/* open path relative to dir and read it: "ok (CONTENT)" or the refusal */
static const char *try_read(int dir, const char *path, int flags)
{
	static char text[96];
	char buf[32] = "";
	int fd = (int)syscall(SYS_openat, dir, path, flags, 0);
	ssize_t n;

	if (fd < 0) {
		snprintf(text, sizeof(text), "refused (%s)", strerrorname_np(errno));
		return text;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(text, sizeof(text), "%s (%s)", strstr(buf, "SECRET") ? "SECRET READ" : "ok", buf);
	return text;
}

static void attempt(const char *what, const char *outcome)
{
	nest_log(env_of, "%s: %s", what, outcome);
}

void component_construct(struct nest_env *env)
{
	struct nest_cap session;
	struct nest_host_handle handle;
	struct stat st;
	unsigned secrets = 0, inside = 0, tries = 0;
	char big[8192];
	size_t grown = 0;
	ssize_t n;
	int d, fd;

	env_of = env;
	enum nest_error err = nest_env_session(env, "Host_dir", "ram_quota=4K, cap_quota=2", &session);
	if (!err)
		err = nest_host_handle_take(session, &handle);
	if (err) {
		nest_log(env, "no directory: %s", nest_error_name(err));
		nest_env_exit(env, 0);
	}
	d = handle.number;
	attempt("read inside", try_read(d, "hello.txt", O_RDONLY));
	attempt("read through .. and back", try_read(d, "sub/../hello.txt", O_RDONLY));
	fd = (int)syscall(SYS_mkdirat, d, "made", 0700);
	attempt("mkdir inside", host_attempt(fd));
	fd = (int)syscall(SYS_openat, d, "made/new.txt", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	attempt("create inside", host_attempt(fd));
	if (fd >= 0) {
		attempt("write inside", host_attempt(write(fd, "made by nest\n", 13)));
		signal(SIGXFSZ, SIG_IGN);
		memset(big, 'x', sizeof(big));
		while ((n = write(fd, big, sizeof(big))) > 0)
			grown += (size_t)n;
		nest_log(env, "grow past the file limit: %s after %zu bytes more", host_attempt(n), grown);
		close(fd);
	}
	attempt("rename inside", host_attempt(syscall(SYS_renameat2, d, "made/new.txt", d, "made/renamed.txt", 0)));

	attempt("read ../secret.txt", try_read(d, "../secret.txt", O_RDONLY));
	attempt("read sub/../../secret.txt", try_read(d, "sub/../../secret.txt", O_RDONLY));
	attempt("list ..", try_read(d, "..", O_RDONLY | O_DIRECTORY));
	attempt("read absolute symlink out", try_read(d, "link_abs", O_RDONLY));
	attempt("read relative symlink out", try_read(d, "link_rel", O_RDONLY));
	attempt("open .. as O_PATH", try_read(d, "..", O_PATH));
	attempt("read /proc/self/fd/6/../secret.txt", try_read(d, "/proc/self/fd/6/../secret.txt", O_RDONLY));
	attempt("read not relative to the handle", try_read(AT_FDCWD, "secret.txt", O_RDONLY));
	attempt("stat ../secret.txt", host_attempt(syscall(SYS_newfstatat, d, "../secret.txt", &st, 0)));
	attempt("hard link", host_attempt(syscall(SYS_linkat, d, "hello.txt", d, "hard.txt", 0)));
	attempt("symlink", host_attempt(syscall(SYS_symlinkat, "/", d, "root_link")));
	attempt("write ../planted.txt", host_attempt(syscall(SYS_openat, d, "../planted.txt",
	                                               O_CREAT | O_WRONLY, 0600)));
	attempt("rename out", host_attempt(syscall(SYS_renameat2, d, "made", d, "../escaped", 0)));

	/* the host renames moving/ in and out meanwhile: no walk ends outside */
	for (; tries < 3000; tries++) {
		const char *r = try_read(d, tries % 2 ? "moving/deep.txt" : "moving/../../secret.txt",
		                         O_RDONLY);
		secrets += strncmp(r, "SECRET", 6) == 0;
		inside  += strncmp(r, "ok (moving)", 11) == 0;
	}
	nest_log(env, "renamed while walked: %u tries, %u inside, %u secrets", tries, inside, secrets);
	nest_env_exit(env, 0);
}
