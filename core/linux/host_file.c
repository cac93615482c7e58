/*
 * \brief  Host files that core's policy names: its config, and the files and
 *         block devices it hands to components
 *
 * Only core opens host paths, and only those its config names. A component
 * gets the handle of one through a session (host_file_session.c) and a
 * system call that core serves (supervisor.c), at a number of its host
 * handle slots; it never names a path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/linux/sandbox.h"

enum { CONFIG_MAX = 1 << 20 };

enum nest_error host_text_read(const char *path, char **text, size_t *size, char *error,
                               size_t error_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n = 0;

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX) {
		snprintf(error, error_size, "%s: cannot read%s%s", path, fd < 0 ? ": " : "",
		         fd < 0 ? strerror(errno) : " (not a regular file of at most 1 MiB)");
		if (fd >= 0)
			close(fd);
		return NEST_ERR_IO;
	}
	*text = malloc((size_t)st.st_size + 1);
	if (*text)
		n = read(fd, *text, (size_t)st.st_size);
	close(fd);
	if (!*text || n != st.st_size) {
		snprintf(error, error_size, "%s: cannot read", path);
		free(*text);
		return NEST_ERR_IO;
	}
	(*text)[n] = '\0';
	*size = (size_t)n;
	return NEST_OK;
}

/* a regular file or block device; never one that would make core wait
 * (a FIFO, a device that blocks on open) */
enum nest_error host_file_open(const char *path, bool writeable, int *fd, uint64_t *size)
{
	struct stat st;
	int handle = open(path, (writeable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (handle < 0)
		return errno == ENOENT ? NEST_ERR_NOT_FOUND : NEST_ERR_DENIED;
	if (fstat(handle, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) ||
	    fcntl(handle, F_SETFL, 0)) {
		close(handle);
		return NEST_ERR_DENIED;
	}
	*size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(handle, BLKGETSIZE64, size)) {
		close(handle);
		return NEST_ERR_IO;
	}
	*fd = handle;
	return NEST_OK;
}
