/*
 * \brief  Linux wait sets (epoll) and signal contexts (pipes)
 *
 * A signal context is a pipe: the receiver keeps the read end in its wait
 * set, the write end is the capability. Each submit writes its count (8
 * bytes, so never torn); the receiver reads up to SIGNAL_BATCH counts at a
 * time and adds them, so many submits before the receiver runs coalesce into
 * one wake-up. Not an eventfd, which every holder could read (drain), and
 * which would stall a submitter once full or made blocking: the write end of
 * a pipe cannot read, and a write with RWF_NOWAIT never waits, whatever
 * descriptor a client hands over as its context. A pipe holds 512 pending
 * submits (core makes it with one page); beyond, submits take no more counts,
 * but the receiver is woken.
 * A write to a context whose receiver is gone fails with EPIPE: every
 * process that submits ignores SIGPIPE.
 *
 * Waits with a timeout of whole milliseconds (and without one) use
 * epoll_wait as ever; only a timer's microsecond timeouts need epoll_pwait2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <nest/platform.h>
#include "lib/base/linux/object_supply.h"

enum { SIGNAL_BATCH = 32 };

enum nest_error plat_waitset_create(int *waitset)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0)
		return NEST_ERR_OUT_OF_CAPS;
	*waitset = fd;
	return NEST_OK;
}

enum nest_error plat_waitset_add(int waitset, int handle, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
	if (epoll_ctl(waitset, EPOLL_CTL_ADD, handle, &ev) < 0)
		return errno == EBADF ? NEST_ERR_INVALID_CAP : NEST_ERR_IO;
	return NEST_OK;
}

void plat_waitset_remove(int waitset, int handle)
{
	epoll_ctl(waitset, EPOLL_CTL_DEL, handle, NULL);
}

/* epoll_pwait2 (Linux 5.11) takes a timeout finer than milliseconds */
static int epoll_wait_us(int waitset, struct epoll_event *events, int max, int64_t timeout_us)
{
	struct timespec ts = { (time_t)(timeout_us / 1000000), (long)(timeout_us % 1000000) * 1000 };

	if (timeout_us < 0)
		return epoll_wait(waitset, events, max, -1);
	if (timeout_us % 1000 == 0 && timeout_us / 1000 <= INT_MAX)
		return epoll_wait(waitset, events, max, (int)(timeout_us / 1000));
	return epoll_pwait2(waitset, events, max, &ts, NULL);
}

enum nest_error plat_waitset_wait(int waitset, void **tags, unsigned max,
                                  int timeout_ms, unsigned *count)
{
	return plat_waitset_wait_us(waitset, tags, max,
	                            timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000, count);
}

enum nest_error plat_waitset_wait_us(int waitset, void **tags, unsigned max,
                                     int64_t timeout_us, unsigned *count)
{
	struct epoll_event events[32];
	uint64_t start = timeout_us > 0 ? plat_time_us() : 0, waited;
	int64_t left = timeout_us;
	int n;

	if (max > 32)
		max = 32;
	/* an interrupted wait goes on for the rest of its timeout, not all of it */
	while ((n = epoll_wait_us(waitset, events, (int)max, left)) < 0 && errno == EINTR) {
		if (timeout_us <= 0)
			continue;
		waited = plat_time_us() - start;
		left   = waited >= (uint64_t)timeout_us ? 0 : timeout_us - (int64_t)waited;
	}
	if (n < 0)
		return NEST_ERR_IO;
	for (int i = 0; i < n; i++)
		tags[i] = events[i].data.ptr;
	*count = (unsigned)n;
	return NEST_OK;
}

enum nest_error plat_signal_create(int *receiver, int *sender)
{
	int ends[2];
	enum nest_error err = object_take(OBJECT_SIGNAL_PIPE, ends);

	if (err == NEST_OK) {
		*receiver = ends[0];
		*sender   = ends[1];
	}
	if (err != NEST_ERR_UNAVAILABLE)
		return err;
	if (pipe2(ends, O_CLOEXEC | O_NONBLOCK) < 0)
		return errno == EMFILE || errno == ENFILE ? NEST_ERR_OUT_OF_CAPS : NEST_ERR_IO;
	*receiver = ends[0];
	*sender   = ends[1];
	return NEST_OK;
}

enum nest_error plat_signal_submit(int sender, uint64_t count)
{
	struct iovec iov = { &count, sizeof(count) };

	if (count == 0)
		return NEST_OK;
	for (;;) {
		/* RWF_NOWAIT: whatever the descriptor is and whoever set its flags */
		if (pwritev2(sender, &iov, 1, -1, RWF_NOWAIT) == sizeof(count))
			return NEST_OK;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)              /* the receiver is woken anyway */
			return NEST_OK;
		return NEST_ERR_INVALID_CAP;
	}
}

enum nest_error plat_signal_take(int receiver, uint64_t *count)
{
	uint64_t counts[SIGNAL_BATCH];
	ssize_t n;

	while ((n = read(receiver, counts, sizeof(counts))) < 0 && errno == EINTR)
		;
	*count = 0;
	if (n < 0)
		return errno == EAGAIN ? NEST_OK : NEST_ERR_INVALID_CAP;
	/* anyone holding the sending end may write anything: each whole count
	 * counts, and so does a piece of one; their sum saturates */
	for (size_t i = 0; i < (size_t)n / sizeof(uint64_t); i++)
		*count = counts[i] > UINT64_MAX - *count ? UINT64_MAX : *count + counts[i];
	if (n % sizeof(uint64_t) && *count < UINT64_MAX)
		(*count)++;
	return NEST_OK;
}
