/*
 * \brief  Linux wait sets (epoll) and signal contexts (eventfd)
 *
 * An eventfd is a kernel counter: submit adds, take reads and resets. Many
 * submits before the receiver runs coalesce into one wake-up carrying their
 * sum, so signals are never lost and never delivered twice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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

enum nest_error plat_waitset_wait(int waitset, void **tags, unsigned max,
                                  int timeout_ms, unsigned *count)
{
	struct epoll_event events[32];
	int n;

	if (max > 32)
		max = 32;
	do {
		n = epoll_wait(waitset, events, (int)max, timeout_ms);
	} while (n < 0 && errno == EINTR);
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
