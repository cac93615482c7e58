/*
 * \brief  Host handles on Linux: taken with a system call that core serves
 *
 * ioctl(session, HOST_HANDLE_TAKE) is handed to core by the filter; core
 * finds the host-resource session the descriptor refers to and installs its
 * handle at the next host handle number (startup_handles.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <nest/host_handle.h>
#include "lib/base/linux/startup_handles.h"

static enum nest_error take_error(int error)
{
	switch (error) {
	case EBADF: case ENOTTY: case ENOENT: return NEST_ERR_INVALID_CAP;
	case EMFILE:                          return NEST_ERR_OUT_OF_CAPS;
	case EPERM: case EACCES:              return NEST_ERR_DENIED;
	default:                              return NEST_ERR_IO;
	}
}

/* EBADF: a read-only handle written; EPERM: not a driver's */
static enum nest_error io_error(int error)
{
	return error == EBADF || error == EPERM ? NEST_ERR_DENIED : NEST_ERR_IO;
}

enum nest_error nest_host_handle_take(struct nest_cap session, struct nest_host_handle *handle)
{
	int number;

	if (!nest_cap_valid(session))
		return NEST_ERR_INVALID_CAP;
	number = ioctl(nest_cap_handle(session), HOST_HANDLE_TAKE, 0);
	if (number < 0)
		return take_error(errno);
	if (number < HOST_HANDLE_FIRST || number >= HOST_HANDLE_FIRST + HOST_HANDLE_COUNT)
		return NEST_ERR_IO;
	handle->number = number;
	return NEST_OK;
}

static enum nest_error io_result(ssize_t n, size_t *done)
{
	if (n < 0)
		return io_error(errno);
	*done = (size_t)n;
	return NEST_OK;
}

enum nest_error nest_host_read_at(struct nest_host_handle handle, void *buf, size_t len,
                                  uint64_t offset, size_t *done)
{
	ssize_t n;
	do n = pread(handle.number, buf, len, (off_t)offset); while (n < 0 && errno == EINTR);
	return io_result(n, done);
}

enum nest_error nest_host_write_at(struct nest_host_handle handle, const void *buf, size_t len,
                                   uint64_t offset, size_t *done)
{
	ssize_t n;
	do n = pwrite(handle.number, buf, len, (off_t)offset); while (n < 0 && errno == EINTR);
	return io_result(n, done);
}

enum nest_error nest_host_sync(struct nest_host_handle handle)
{
	return fsync(handle.number) ? io_error(errno) : NEST_OK;
}
