/*
 * \brief  Linux wait sets (epoll) and signal contexts (datagram socket pairs)
 *
 * A signal context is a pair of datagram sockets: the receiver keeps one
 * end in its wait set, the other end is the capability. Each submit is one
 * datagram carrying its count; the receiver takes up to SIGNAL_BATCH at a
 * time and adds them, so many submits before the receiver runs coalesce into
 * one wake-up. A datagram socket is used, not an eventfd, because an eventfd
 * can be read (drained) by every holder, and a full or blocking one stalls
 * the submitter; a send with MSG_DONTWAIT never waits, and the holder of the
 * sending end cannot reach what was sent.
 *
 * Waits with a timeout of whole milliseconds (and without one) use
 * epoll_wait as ever; only a timer's microsecond timeouts need epoll_pwait2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <nest/platform.h>

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
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return errno == EMFILE || errno == ENFILE ? NEST_ERR_OUT_OF_CAPS : NEST_ERR_IO;
	*receiver = sv[0];
	*sender   = sv[1];
	return NEST_OK;
}

enum nest_error plat_signal_submit(int sender, uint64_t count)
{
	if (count == 0)
		return NEST_OK;
	for (;;) {
		if (send(sender, &count, sizeof(count), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			return NEST_OK;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == ENOBUFS)   /* the receiver is woken anyway */
			return NEST_OK;
		return NEST_ERR_INVALID_CAP;
	}
}

enum nest_error plat_signal_take(int receiver, uint64_t *count)
{
	uint64_t counts[SIGNAL_BATCH];
	struct iovec iov[SIGNAL_BATCH];
	struct mmsghdr msgs[SIGNAL_BATCH];
	int n;

	for (unsigned i = 0; i < SIGNAL_BATCH; i++) {
		iov[i]  = (struct iovec){ &counts[i], sizeof(counts[i]) };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	while ((n = recvmmsg(receiver, msgs, SIGNAL_BATCH, MSG_DONTWAIT, NULL)) < 0 &&
	       errno == EINTR)
		;
	*count = 0;
	if (n < 0)
		return errno == EAGAIN ? NEST_OK : NEST_ERR_INVALID_CAP;
	/* anyone holding the sender's end may send anything: only whole
	 * counts count, and their sum saturates */
	for (int i = 0; i < n; i++) {
		if (msgs[i].msg_len != sizeof(uint64_t) || (msgs[i].msg_hdr.msg_flags & MSG_TRUNC))
			continue;
		*count = counts[i] > UINT64_MAX - *count ? UINT64_MAX : *count + counts[i];
	}
	return NEST_OK;
}
