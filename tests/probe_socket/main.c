/*
 * \brief  Sandbox probe: can a component reach a network or a host socket?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (libc and syscall(2)) instead of going through the platform
 * layer. Each attempt logs one line, "denied (<why>)" or "ALLOWED". Only
 * socketpair(AF_UNIX) is meant to work: it is how the runtime makes
 * channels. Sockets from it must not be able to name any other socket, not
 * by binding nor by sending to a path or an abstract address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <nest/env.h>
#include "../probe_common.h"

static void report_pair(struct probe *p, const char *attempt, long result, int error,
                        int pair[2])
{
	report(p, attempt, result, error);
	if (result >= 0) {
		close(pair[0]);
		close(pair[1]);
	}
}

static void probe_socket(struct probe *p)
{
	int pair[2];
	long r;

	r = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	report_fd(p, "socket(AF_INET, SOCK_STREAM)", r, errno);
	r = syscall(SYS_socket, AF_INET6, SOCK_DGRAM, 0);
	report_fd(p, "socket(AF_INET6, SOCK_DGRAM)", r, errno);
	r = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	report_fd(p, "socket(AF_UNIX, SOCK_STREAM)", r, errno);
	r = syscall(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	report_fd(p, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)", r, errno);
	r = syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0);
	report_fd(p, "socket(AF_PACKET, SOCK_RAW)", r, errno);
	r = syscall(SYS_socketpair, AF_INET, SOCK_STREAM, 0, pair);
	report_pair(p, "socketpair(AF_INET, SOCK_STREAM)", r, errno, pair);
	r = syscall(SYS_socketpair, AF_NETLINK, SOCK_RAW, 0, pair);
	report_pair(p, "socketpair(AF_NETLINK, SOCK_RAW)", r, errno, pair);
}

static socklen_t unix_address(struct sockaddr_un *sun, const char *path, bool abstract)
{
	size_t len = strlen(path);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + (abstract ? 1 : 0), path, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (abstract ? 1 : 0));
}

/* socketpair sockets are unbound: they must not get a name, nor reach one */
static void probe_unix_pair(struct probe *p)
{
	struct sockaddr_un sun;
	socklen_t len;
	int pair[2];
	long r;

	r = syscall(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET, 0, pair);
	if (r < 0) {
		nest_log(p->env, "probe: socketpair(AF_UNIX): broken (%s)", strerror(errno));
		p->allowed++;     /* the probe cannot judge what it cannot try */
		return;
	}
	nest_log(p->env, "probe: socketpair(AF_UNIX): allowed as intended");
	close(pair[0]);
	close(pair[1]);

	if (syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, pair) < 0) {
		nest_log(p->env, "probe: socketpair(AF_UNIX, SOCK_DGRAM): broken (%s)",
		         strerror(errno));
		p->allowed++;
		return;
	}
	len = unix_address(&sun, "nest-probe", true);
	r = syscall(SYS_bind, pair[0], &sun, len);
	report(p, "bind(socketpair socket, abstract @nest-probe)", r, errno);
	r = syscall(SYS_connect, pair[0], &sun, len);
	report(p, "connect(socketpair socket, abstract @nest-probe)", r, errno);
	r = syscall(SYS_listen, pair[0], 1);
	report(p, "listen(socketpair socket)", r, errno);
	len = unix_address(&sun, "/tmp/.X11-unix/X0", true);
	r = syscall(SYS_sendto, pair[0], "x", 1, MSG_DONTWAIT, &sun, len);
	report(p, "sendto(socketpair socket, abstract @/tmp/.X11-unix/X0)", r, errno);
	len = unix_address(&sun, "/run/systemd/journal/socket", false);
	r = syscall(SYS_sendto, pair[0], "x", 1, MSG_DONTWAIT, &sun, len);
	report(p, "sendto(socketpair socket, /run/systemd/journal/socket)", r, errno);
	close(pair[0]);
	close(pair[1]);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	probe_socket(&p);
	probe_unix_pair(&p);
	probe_finish(&p);
}
