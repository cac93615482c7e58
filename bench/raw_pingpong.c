/*
 * \brief  Baseline: 64-byte ping-pong between two processes over SOCK_SEQPACKET
 *
 * This is the floor Nest's null RPC is measured against (docs/targets.md:
 * within 1.3x of it): the cheapest synchronous exchange two Linux processes
 * can do with the same kind of socket Nest uses for capabilities, with no
 * descriptors passed and no marshalling. The client sends and receives, the
 * server receives and sends; nothing else happens in either loop.
 *
 * Built a second time with SERVER_WAITS_IN_EPOLL as epoll_pingpong: the same,
 * but the server waits in epoll_wait before each receive, as any server
 * does that serves more than one client. The difference between the two is
 * the price of waiting for many sources, which no event-driven server avoids.
 *
 * Output: raw_pingpong cpus=same median_us=... p10_us=... p90_us=...
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

enum { MSG_SIZE = 64 };

#ifndef SERVER_WAITS_IN_EPOLL
#define SERVER_WAITS_IN_EPOLL 0
#define NAME "raw_pingpong"
#else
#define NAME "epoll_pingpong"
#endif

struct client { int sd; };

static int client_round_trip(void *arg)
{
	struct client *c = arg;
	char buf[MSG_SIZE] = { 1 };

	if (send(c->sd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return -1;
	if (recv(c->sd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return -1;
	return 0;
}

/* echo every message until the client closes its end */
static void server_loop(int sd)
{
	char buf[MSG_SIZE];
	int waitset = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event event = { .events = EPOLLIN };

	if (waitset < 0 || epoll_ctl(waitset, EPOLL_CTL_ADD, sd, &event))
		_exit(1);
	for (;;) {
		ssize_t n;
		if (SERVER_WAITS_IN_EPOLL && epoll_wait(waitset, &event, 1, -1) != 1)
			_exit(1);
		n = recv(sd, buf, sizeof(buf), 0);

		if (n == 0)
			_exit(0);
		if (n != (ssize_t)sizeof(buf) || send(sd, buf, sizeof(buf), 0) != n)
			_exit(1);
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct client c;
	int sv[2], status;
	pid_t client = getpid(), server;

	bench_parse(&o, argc, argv, NAME, 200000, 50000);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		bench_die("socketpair: %s", strerror(errno));

	bench_pin(o.client_cpu);
	server = fork();
	if (server < 0)
		bench_die("fork: %s", strerror(errno));
	if (server == 0) {
		/* never outlive the client, even if it is killed */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != client)
			_exit(1);
		close(sv[0]);
		bench_pin(o.server_cpu);
		server_loop(sv[1]);
	}
	close(sv[1]);

	c.sd = sv[0];
	bench_measure(&o, client_round_trip, &c);

	close(c.sd);
	if (waitpid(server, &status, 0) != server || !WIFEXITED(status)
	    || WEXITSTATUS(status) != 0)
		bench_die("server did not exit cleanly");
	return 0;
}
