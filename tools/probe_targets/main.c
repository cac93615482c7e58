/*
 * \brief  probe_targets: what the sandbox probes attack, made by the test on the host
 *
 * A probe must be able to fail: without the sandbox (core --no-sandbox)
 * every attack has to succeed, so it needs a target that exists, and one
 * whose harm does not matter. scripts/run_scenario starts this program for
 * a scenario with a file "targets", hands the targets to the probe through
 * its config ({NAME} placeholders) and ends it with SIGTERM. It makes
 *
 *   DIR/secret    a file with a known content
 *   DIR/mnt       an empty directory to mount something on
 *   DIR/socket    a datagram socket bound to a path, as journald's is
 *   abstract      a datagram socket with an abstract name, as X11's is
 *   victim        a process that sleeps, holds DIR/secret open (victim_fd)
 *                 and keeps a secret in its memory (at victim_secret)
 *
 * and prints "NAME=VALUE" for each of them on stdout, then "ready". After
 * that it tells on stderr, one line starting "[probe_targets] " each, what
 * reached a target: a datagram, the victim's end, and, once it is told to
 * end, a file that appeared in DIR, a file system left mounted on DIR/mnt
 * (which it unmounts) and the victim's secret overwritten. With the sandbox
 * on, none of these lines may appear; without it, the attacks leave them.
 *
 * usage: probe_targets DIR   (DIR must exist and be empty)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char SECRET[] = "nest probe secret\n";
enum { VICTIM_END_POLLS = 100, VICTIM_END_POLL_MS = 10 };

/* in the victim's memory at the same address as here: it is forked */
static char victim_secret[] = "the victim's secret";
static const char victim_secret_original[] = "the victim's secret";

struct targets {
	const char *dir;
	char        abstract[64];
	int         path_socket, abstract_socket, signals;
	int         victim, victim_fd;
	bool        victim_ended;
};

/* one line of the scenario's log: something reached a target */
static void __attribute__((format(printf, 1, 2))) tell(const char *fmt, ...)
{
	char text[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	fprintf(stderr, "[probe_targets] %s\n", text);
}

static int fail(const char *what)
{
	fprintf(stderr, "probe_targets: %s: %s\n", what, strerror(errno));
	return 1;
}

static int datagram_socket(const char *name, bool abstract)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd;

	if (len + 1 > sizeof(address.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(address.sun_path + (abstract ? 1 : 0), name, len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&address,
	                    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	                                (abstract ? 1 : 0))) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* the victim: sleeps until told to end, then says whether its secret changed */
static void victim_ends(int signal)
{
	static const char changed[] = "[probe_targets] the victim's secret was overwritten\n";
	(void)signal;
	if (memcmp(victim_secret, victim_secret_original, sizeof(victim_secret)))
		if (write(STDERR_FILENO, changed, sizeof(changed) - 1) < 0) { /* nothing to do */ }
	_exit(0);
}

static int start_victim(struct targets *t)
{
	sigset_t none;

	t->victim = fork();
	if (t->victim != 0)
		return t->victim < 0 ? -1 : 0;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	signal(SIGTERM, victim_ends);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		pause();
}

static int make_targets(struct targets *t)
{
	char path[4096];
	sigset_t mask;
	int fd;

	snprintf(path, sizeof(path), "%s/secret", t->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, SECRET, sizeof(SECRET) - 1) != sizeof(SECRET) - 1)
		return fail(path);
	close(fd);
	snprintf(path, sizeof(path), "%s/mnt", t->dir);
	if (mkdir(path, 0755))
		return fail(path);
	snprintf(path, sizeof(path), "%s/socket", t->dir);
	if ((t->path_socket = datagram_socket(path, false)) < 0)
		return fail(path);
	snprintf(t->abstract, sizeof(t->abstract), "nest-probe-targets-%d", (int)getpid());
	if ((t->abstract_socket = datagram_socket(t->abstract, true)) < 0)
		return fail(t->abstract);

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (t->signals = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return fail("signalfd");
	snprintf(path, sizeof(path), "%s/secret", t->dir);
	if ((t->victim_fd = open(path, O_RDONLY)) < 0)  /* inherited by the victim */
		return fail(path);
	if (start_victim(t))
		return fail("fork");
	return 0;
}

static void take_datagrams(int fd, const char *which)
{
	char buffer[256];
	while (recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT) >= 0)
		tell("datagram on the %s", which);
}

static void check_victim(struct targets *t)
{
	char text[64];
	int status;

	if (t->victim_ended || waitpid(t->victim, &status, WNOHANG) != t->victim)
		return;
	t->victim_ended = true;
	if (WIFSIGNALED(status))
		snprintf(text, sizeof(text), "ended by signal %d", WTERMSIG(status));
	else
		snprintf(text, sizeof(text), "exited with %d", WEXITSTATUS(status));
	tell("victim %s", text);
}

/* told to end: the victim checks its secret, the directory is looked over */
static void end(struct targets *t)
{
	char path[4096];
	struct stat dir_stat, mnt_stat;
	struct dirent *entry;
	DIR *dir;

	check_victim(t);              /* an end not yet told */
	if (!t->victim_ended) {
		kill(t->victim, SIGTERM);
		kill(t->victim, SIGCONT);      /* a probe may have left it stopped */
		for (int i = 0; i < VICTIM_END_POLLS && waitpid(t->victim, NULL, WNOHANG) == 0; i++)
			poll(NULL, 0, VICTIM_END_POLL_MS);
		kill(t->victim, SIGKILL);
		waitpid(t->victim, NULL, WNOHANG);
	}
	take_datagrams(t->path_socket, "socket file");
	take_datagrams(t->abstract_socket, "abstract socket");

	snprintf(path, sizeof(path), "%s/mnt", t->dir);
	if (stat(t->dir, &dir_stat) == 0 && stat(path, &mnt_stat) == 0 &&
	    dir_stat.st_dev != mnt_stat.st_dev) {
		tell("a file system is mounted on mnt (unmounted now)");
		umount2(path, MNT_DETACH);
	}
	if ((dir = opendir(t->dir))) {
		while ((entry = readdir(dir)))
			if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..") &&
			    strcmp(entry->d_name, "secret") && strcmp(entry->d_name, "mnt") &&
			    strcmp(entry->d_name, "socket"))
				tell("new in the scratch directory: %s", entry->d_name);
		closedir(dir);
	}
	snprintf(path, sizeof(path), "%s/socket", t->dir);
	unlink(path);
}

static void serve(struct targets *t)
{
	struct pollfd fds[3] = {
		{ .fd = t->signals,         .events = POLLIN },
		{ .fd = t->path_socket,     .events = POLLIN },
		{ .fd = t->abstract_socket, .events = POLLIN },
	};
	struct signalfd_siginfo info;

	for (;;) {
		if (poll(fds, 3, -1) < 0 && errno != EINTR)
			return;
		if (fds[1].revents)
			take_datagrams(t->path_socket, "socket file");
		if (fds[2].revents)
			take_datagrams(t->abstract_socket, "abstract socket");
		while (read(t->signals, &info, sizeof(info)) == sizeof(info)) {
			if (info.ssi_signo != SIGCHLD)
				return;
			check_victim(t);
		}
	}
}

int main(int argc, char **argv)
{
	struct targets t = { .path_socket = -1, .abstract_socket = -1, .signals = -1 };

	if (argc != 2) {
		fprintf(stderr, "usage: probe_targets DIR\n");
		return 2;
	}
	t.dir = argv[1];
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);     /* the test script's end is ours */
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (make_targets(&t))
		return 1;
	printf("scratch=%s\nabstract=%s\nvictim=%d\nvictim_fd=%d\nvictim_secret=%lu\nready\n",
	       t.dir, t.abstract, t.victim, t.victim_fd, (unsigned long)victim_secret);
	fflush(stdout);
	serve(&t);
	end(&t);
	return 0;
}
