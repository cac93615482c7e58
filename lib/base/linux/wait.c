/*
 * \brief  Linux wait sets (epoll) and signal contexts (eventfd)
 *
 * An eventfd is a kernel counter: submit adds, take reads and resets. Many
 * submits before the receiver runs coalesce into one wake-up carrying their
 * sum, so signals are never lost and never delivered twice.
 *
 * Waits with a timeout of whole milliseconds (and without one) use
 * epoll_wait as ever; only a timer's microsecond timeouts need epoll_pwait2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <nest/platform.h>

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

enum nest_error plat_signal_create(int *context)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return NEST_ERR_OUT_OF_CAPS;
	*context = fd;
	return NEST_OK;
}

enum nest_error plat_signal_submit(int context, uint64_t count)
{
	if (count == 0)
		return NEST_OK;
	for (;;) {
		if (write(context, &count, sizeof(count)) == sizeof(count))
			return NEST_OK;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)    /* counter saturated: the receiver is woken anyway */
			return NEST_OK;
		return NEST_ERR_INVALID_CAP;
	}
}

enum nest_error plat_signal_take(int context, uint64_t *count)
{
	for (;;) {
		if (read(context, count, sizeof(*count)) == sizeof(*count))
			return NEST_OK;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			*count = 0;
			return NEST_OK;
		}
		return NEST_ERR_INVALID_CAP;
	}
}
