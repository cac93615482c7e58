/*
 * \brief  Linux message channels: SOCK_SEQPACKET socket pairs with SCM_RIGHTS
 *
 * A seqpacket pair preserves message boundaries and order, carries
 * descriptors, and reports a vanished peer as end-of-file, which is what
 * makes a call on a dead server return an error instead of hanging.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <nest/platform.h>
#include "lib/base/linux/object_supply.h"

/* the most one message carries: core's object supply sends 16 pairs */
enum { MAX_HANDLES = 2 * OBJECT_BATCH_MAX };

enum nest_error plat_channel_pair(int *a, int *b)
{
	int sv[2];
	enum nest_error err = object_take(OBJECT_CHANNEL_PAIR, sv);

	if (err == NEST_OK) {
		*a = sv[0];
		*b = sv[1];
	}
	if (err != NEST_ERR_UNAVAILABLE)
		return err;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return errno == EMFILE || errno == ENFILE ? NEST_ERR_OUT_OF_CAPS : NEST_ERR_IO;
	*a = sv[0];
	*b = sv[1];
	return NEST_OK;
}

static enum nest_error transmit(int channel, const void *buf, size_t len,
                                const int *handles, unsigned handle_count, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_HANDLES)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (handle_count > MAX_HANDLES)
		return NEST_ERR_MSG_TOO_LARGE;
	if (handle_count) {
		size_t bytes = sizeof(int) * handle_count;
		struct cmsghdr *cmsg;
		memset(&control, 0, sizeof(control));
		msg.msg_control    = control.buf;
		msg.msg_controllen = CMSG_SPACE(bytes);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type  = SCM_RIGHTS;
		cmsg->cmsg_len   = CMSG_LEN(bytes);
		memcpy(CMSG_DATA(cmsg), handles, bytes);
	}
	for (;;) {
		/* without descriptors, send() skips copying a msghdr from user space */
		ssize_t ret = handle_count ? sendmsg(channel, &msg, flags | MSG_NOSIGNAL)
		                           : send(channel, buf, len, flags | MSG_NOSIGNAL);
		if (ret >= 0)
			return NEST_OK;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return NEST_ERR_UNAVAILABLE;
		if (errno == EBADF || errno == ENOTSOCK || errno == EPIPE ||
		    errno == ECONNREFUSED || errno == ECONNRESET || errno == ENOTCONN)
			return NEST_ERR_INVALID_CAP;
		if (errno == EMSGSIZE)
			return NEST_ERR_MSG_TOO_LARGE;
		return NEST_ERR_IO;
	}
}

enum nest_error plat_send(int channel, const void *buf, size_t len,
                          const int *handles, unsigned handle_count)
{
	return transmit(channel, buf, len, handles, handle_count, 0);
}

/* MSG_DONTWAIT holds whatever the descriptor's own flags say, which any
 * other holder of the socket could change */
enum nest_error plat_send_nonblocking(int channel, const void *buf, size_t len,
                                      const int *handles, unsigned handle_count)
{
	return transmit(channel, buf, len, handles, handle_count, MSG_DONTWAIT);
}

static enum nest_error receive(int channel, void *buf, size_t size, size_t *len,
                               int *handles, unsigned max_handles,
                               unsigned *handle_count, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_HANDLES)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { buf, size };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	                      .msg_control = control.buf,
	                      .msg_controllen = sizeof(control.buf) };
	unsigned count = 0;
	bool too_many = false;
	ssize_t ret;

	/* a receiver that takes no handles uses recv(), which is cheaper; the
	 * kernel drops any descriptors a peer sent along */
	for (;;) {
		ret = max_handles ? recvmsg(channel, &msg, flags | MSG_CMSG_CLOEXEC)
		                  : recv(channel, buf, size, flags | MSG_TRUNC);
		if (ret >= 0 || errno != EINTR)
			break;
	}
	if (!max_handles) {
		msg.msg_controllen = 0;            /* recv() filled no control data */
		if (ret > (ssize_t)size)
			return NEST_ERR_MSG_TOO_LARGE;
	}
	if (ret < 0) {
		if (errno == EAGAIN)
			return NEST_ERR_UNAVAILABLE;
		if (errno == EBADF || errno == ENOTSOCK || errno == ECONNRESET)
			return NEST_ERR_INVALID_CAP;
		return NEST_ERR_IO;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		unsigned n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[MAX_HANDLES];
		memcpy(fds, CMSG_DATA(c), n * sizeof(int));
		for (unsigned i = 0; i < n; i++) {
			if (count < max_handles) handles[count++] = fds[i];
			else { close(fds[i]); too_many = true; }
		}
	}
	if (ret == 0 && count == 0)
		return NEST_ERR_INVALID_CAP;       /* peer closed */
	if (too_many || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (unsigned i = 0; i < count; i++)
			close(handles[i]);
		return NEST_ERR_MSG_TOO_LARGE;
	}
	*len = (size_t)ret;
	*handle_count = count;
	return NEST_OK;
}

enum nest_error plat_recv(int channel, void *buf, size_t size, size_t *len,
                          int *handles, unsigned max_handles, unsigned *handle_count)
{
	return receive(channel, buf, size, len, handles, max_handles, handle_count, 0);
}

enum nest_error plat_recv_nonblocking(int channel, void *buf, size_t size, size_t *len,
                                      int *handles, unsigned max_handles,
                                      unsigned *handle_count)
{
	return receive(channel, buf, size, len, handles, max_handles, handle_count,
	               MSG_DONTWAIT);
}

void plat_channel_timeout(int channel, unsigned timeout_ms)
{
	struct timeval tv = { (time_t)(timeout_ms / 1000), (suseconds_t)(timeout_ms % 1000) * 1000 };
	setsockopt(channel, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

void plat_close(int handle)
{
	if (handle >= 0)
		close(handle);
}

enum nest_error plat_dup(int handle, int *copy)
{
	int fd = fcntl(handle, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return errno == EBADF ? NEST_ERR_INVALID_CAP : NEST_ERR_OUT_OF_CAPS;
	*copy = fd;
	return NEST_OK;
}

enum nest_error plat_ident(int handle, uint64_t *ident)
{
	struct stat st;
	/* fstat itself: glibc's wrapper is newfstatat, which a driver's filter
	 * refuses (it would name paths relative to a directory handle) */
	if (syscall(SYS_fstat, handle, &st) < 0)
		return NEST_ERR_INVALID_CAP;
	*ident = (uint64_t)st.st_ino ^ ((uint64_t)st.st_dev << 48);
	return NEST_OK;
}
