/*
 * \brief  The host resources that core's policy names: its config, and the
 *         files, block devices, terminal, TAP devices and X displays it
 *         hands to components
 *
 * Only core opens host paths and devices, and only those its config names.
 * A component gets the handle of one through a session (host_session.c)
 * and a system call that core serves (supervisor.c), at one of its host
 * handle numbers; it never names a path or device. Nothing here waits on a
 * component or on a host peer: FIFOs are refused, connections are made
 * without waiting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* core's controlling terminal, opened anew: its file status flags are the
 * component's own, not those of core's standard input */
enum nest_error host_terminal_open(int *fd)
{
	int handle = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (handle < 0)
		return NEST_ERR_NOT_FOUND;
	if (fcntl(handle, F_SETFL, 0)) {
		close(handle);
		return NEST_ERR_IO;
	}
	*fd = handle;
	return NEST_OK;
}

/* a connection to X display ":N", made without waiting on the server */
enum nest_error host_x11_connect(const char *display, int *fd)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *end;
	unsigned long number = display[0] == ':' ? strtoul(display + 1, &end, 10) : 0;
	int handle;

	if (display[0] != ':' || end == display + 1 || (*end && *end != '.') || number > 9999)
		return NEST_ERR_INVALID_ARGS;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/tmp/.X11-unix/X%lu", number);
	handle = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (handle < 0)
		return NEST_ERR_OUT_OF_CAPS;
	if (connect(handle, (struct sockaddr *)&addr, sizeof(addr)) || fcntl(handle, F_SETFL, 0)) {
		close(handle);
		return NEST_ERR_NOT_FOUND;
	}
	*fd = handle;
	return NEST_OK;
}

/* "A.B.C.D/LEN" on the interface name, which goes up */
static enum nest_error configure(const char *name, const char *address)
{
	char host[INET_ADDRSTRLEN] = "";
	const char *slash = strchr(address, '/');
	unsigned long prefix = slash ? strtoul(slash + 1, NULL, 10) : 32;
	struct ifreq ifr = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ifr.ifr_addr;
	int sock, failed;

	if ((slash ? (size_t)(slash - address) : strlen(address)) >= sizeof(host) || prefix > 32)
		return NEST_ERR_INVALID_ARGS;
	memcpy(host, address, slash ? (size_t)(slash - address) : strlen(address));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	in->sin_family = AF_INET;
	if (*address && inet_pton(AF_INET, host, &in->sin_addr) != 1)
		return NEST_ERR_INVALID_ARGS;
	if ((sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return NEST_ERR_IO;
	failed = *address && ioctl(sock, SIOCSIFADDR, &ifr);
	in->sin_addr.s_addr = htonl(prefix ? ~0u << (32 - prefix) : 0);
	failed = failed || (*address && ioctl(sock, SIOCSIFNETMASK, &ifr)) ||
	         ioctl(sock, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	failed = failed || ioctl(sock, SIOCSIFFLAGS, &ifr);
	close(sock);
	return failed ? NEST_ERR_DENIED : NEST_OK;
}

/* a TAP device of core's network namespace, named and addressed as the
 * policy says; it goes when its last handle is closed */
enum nest_error host_tap_create(const char *name, const char *address, int *fd)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int tap;
	enum nest_error err;

	if (!*name || strlen(name) >= sizeof(ifr.ifr_name))
		return NEST_ERR_INVALID_ARGS;
	if ((tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0)
		return NEST_ERR_DENIED;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(tap, TUNSETIFF, &ifr)) {
		err = errno == EBUSY ? NEST_ERR_EXISTS : NEST_ERR_DENIED;
		close(tap);
		return err;
	}
	if ((err = configure(name, address))) {
		close(tap);
		return err;
	}
	*fd = tap;
	return NEST_OK;
}

/* a directory: what is beneath is reached relative to it, within what
 * Landlock allows (landlock.c). Not O_PATH: such a handle cannot be
 * installed in a component (SECCOMP_IOCTL_NOTIF_ADDFD refuses it). */
enum nest_error host_dir_open(const char *path, int *fd)
{
	int handle = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (handle < 0)
		return errno == ENOENT || errno == ENOTDIR ? NEST_ERR_NOT_FOUND : NEST_ERR_DENIED;
	*fd = handle;
	return NEST_OK;
}
