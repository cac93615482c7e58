/*
 * \brief  Baseline of the signal benchmark: eventfd ping-pong of two processes
 *
 * Nest's signals are eventfd counters woken through each entrypoint's wait
 * set. The floor is two processes writing and reading two eventfds, the
 * receiver waiting in epoll as an event-driven component must.
 *
 * Output: raw_signals_same per_s=... round_trip_us=... (or raw_signals_split)
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

enum { ROUNDS = 200000, WARMUP = 20000 };

/* wait for the counter in epoll, then take it */
static uint64_t take(int waitset, int fd)
{
	struct epoll_event event;
	uint64_t count = 0;
	if (epoll_wait(waitset, &event, 1, -1) != 1 || read(fd, &count, sizeof(count)) != 8)
		_exit(1);
	return count;
}

static int waitset_of(int fd)
{
	int waitset = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event event = { .events = EPOLLIN };
	if (waitset < 0 || epoll_ctl(waitset, EPOLL_CTL_ADD, fd, &event))
		bench_die("epoll: %s", strerror(errno));
	return waitset;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	int ping = eventfd(0, EFD_CLOEXEC), pong = eventfd(0, EFD_CLOEXEC);
	uint64_t one = 1;
	struct timespec a, b;
	pid_t server;
	double us;

	bench_parse(&o, argc, argv, "raw_signals", ROUNDS, ROUNDS);
	if (ping < 0 || pong < 0)
		bench_die("eventfd: %s", strerror(errno));
	bench_pin(o.client_cpu);
	server = fork();
	if (server == 0) {
		int waitset = waitset_of(pong);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		bench_pin(o.server_cpu);
		for (;;) {
			uint64_t n = take(waitset, pong);
			if (write(ping, &n, sizeof(n)) != 8)
				_exit(1);
		}
	}
	{
		int waitset = waitset_of(ping);
		for (long round = 0; round < WARMUP + ROUNDS; round++) {
			if (round == WARMUP)
				clock_gettime(CLOCK_MONOTONIC, &a);
			if (write(pong, &one, sizeof(one)) != 8)
				bench_die("write: %s", strerror(errno));
			take(waitset, ping);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
	}
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	us = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
	printf("raw_signals_%s per_s=%.0f round_trip_us=%.2f\n", bench_cpus_name(o.cpus),
	       2.0 * ROUNDS * 1e6 / us, us / ROUNDS);
	return 0;
}
