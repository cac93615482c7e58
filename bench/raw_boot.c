/*
 * \brief  Baseline for bench/boot and bench/rss: plain static processes that say "up" and idle
 *
 * docs/targets.md sets absolute targets for a boot of 60 components and
 * for the memory of an idle one; beside Nest's figures, bench/run shows what
 * Linux itself needs for the same without any framework: one launcher that
 * spawns N copies of a static binary (itself, run as "raw_idle"), each of
 * which writes "up" to the shared stdout and sleeps. No sandbox, no
 * sessions, no init. bench/boot_clock times and reads them as it does core
 * and the Nest components.
 *
 * usage: raw_boot N   the launcher; stays until killed, its children with it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char **environ;

/* a child: argv is { "raw_idle", launcher pid } */
static int idle(const char *launcher)
{
	/* never outlive the launcher, even if it is killed */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) || getppid() != atoi(launcher))
		return 1;
	if (write(STDOUT_FILENO, "up\n", 3) != 3)
		return 1;
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	char self[4096], pid[16];
	char *child_argv[3] = { "raw_idle", pid, NULL };
	ssize_t len;
	long n;

	if (argc == 2 && strcmp(argv[0], "raw_idle") == 0)
		return idle(argv[1]);
	if (argc != 2 || (n = atol(argv[1])) < 1) {
		fprintf(stderr, "usage: raw_boot N\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		fprintf(stderr, "raw_boot: /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	self[len] = 0;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (long i = 0; i < n; i++) {
		pid_t child;
		int err = posix_spawn(&child, self, NULL, NULL, child_argv, environ);

		if (err) {
			fprintf(stderr, "raw_boot: spawn %s: %s\n", self, strerror(err));
			return 1;
		}
	}
	for (;;)
		pause();
}
