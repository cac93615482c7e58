/*
 * \brief  Reports as files in a host directory, each replaced atomically
 *
 * The operator names the directory (core --report-dir). A reader on the
 * host, such as `nest top`, must never see half a report, so each version
 * is written to a hidden file and renamed over the previous one. Report
 * names come from labels, which begin with "init", so they never start
 * with a dot and cannot clash with the hidden files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "core/core.h"

enum nest_error report_dir_open(const char *path, int *dir)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		core_log("%s: cannot open the report directory: %s", path, strerror(errno));
		return NEST_ERR_IO;
	}
	*dir = fd;
	return NEST_OK;
}

enum nest_error report_file_write(int dir, const char *name, const void *content, size_t len)
{
	char temp[256];
	const char *pos = content;
	int fd;

	if ((size_t)snprintf(temp, sizeof(temp), ".%s", name) >= sizeof(temp))
		return NEST_ERR_INVALID_ARGS;
	fd = openat(dir, temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return NEST_ERR_IO;
	while (len) {
		ssize_t n = write(fd, pos, len);
		if (n <= 0)
			break;
		pos += n;
		len -= (size_t)n;
	}
	if (close(fd) || len || renameat(dir, temp, dir, name)) {
		unlinkat(dir, temp, 0);
		return NEST_ERR_IO;
	}
	return NEST_OK;
}

void report_file_remove(int dir, const char *name)
{
	if (unlinkat(dir, name, 0)) { /* never written or already gone */ }
}
