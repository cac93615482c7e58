/*
 * \brief  Baseline of bench/objects: the kernel objects alone
 *
 * A socket pair (what an RPC object is made of) and an eventfd (the
 * cheapest kernel counter a signal could be), each made and closed ROUNDS
 * times. Prints "raw_objects socketpair_us=... eventfd_us=...".
 */
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 5000 };

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void)
{
	double start, pair_us, counter_us;
	int sv[2];

	start = now_us();
	for (int i = 0; i < ROUNDS; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
			return 1;
		close(sv[0]);
		close(sv[1]);
	}
	pair_us = (now_us() - start) / ROUNDS;
	start = now_us();
	for (int i = 0; i < ROUNDS; i++) {
		int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0)
			return 1;
		close(fd);
	}
	counter_us = (now_us() - start) / ROUNDS;
	printf("raw_objects socketpair_us=%.2f eventfd_us=%.2f\n", pair_us, counter_us);
	return 0;
}
