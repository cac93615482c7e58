/*
 * \brief  Sandbox probe: can a component reach a network or a host socket?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (libc and syscall(2)) instead of going through the platform
 * layer. Each attempt states how the sandbox refuses it (see
 * ../probe_common.h). Only socketpair(AF_UNIX) is meant to work: it is how
 * the runtime makes channels. Sockets from it must not be able to name any
 * other socket: the filter refuses socket, bind and connect (EPERM), and a
 * datagram sent to a name finds nothing: the empty root has no socket file
 * (ENOENT), the network namespace no host abstract socket (ECONNREFUSED).
 * The names it sends to are datagram sockets the test made on the host (its
 * config's "scratch" directory holds "socket", like journald's; "abstract"
 * names one like X11's), and the test sees what reaches them.
 *
 * socketpair of another family is not tried: no family but AF_UNIX makes
 * pairs, so it would fail without the sandbox too. Nor is listen: a socket
 * of a pair is connected and cannot listen, and socket() is refused.
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

static void probe_socket(struct probe *p)
{
	long r;

	r = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	expect_refused_fd(p, "socket(AF_INET, SOCK_STREAM)", r, errno, BY_FILTER);
	r = syscall(SYS_socket, AF_INET6, SOCK_DGRAM, 0);
	expect_refused_fd(p, "socket(AF_INET6, SOCK_DGRAM)", r, errno, BY_FILTER);
	r = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	expect_refused_fd(p, "socket(AF_UNIX, SOCK_STREAM)", r, errno, BY_FILTER);
	r = syscall(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	expect_refused_fd(p, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)", r, errno, BY_FILTER);
	r = syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0);
	expect_refused_fd(p, "socket(AF_PACKET, SOCK_RAW)", r, errno, BY_FILTER);
}

static socklen_t unix_address(struct sockaddr_un *sun, const char *name, bool abstract)
{
	size_t len = strnlen(name, sizeof(sun->sun_path) - 1);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + (abstract ? 1 : 0), name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (abstract ? 1 : 0));
}

/* a datagram socket of a fresh pair, the other end closed; -1 if none */
static int unbound_socket(struct probe *p)
{
	int pair[2];

	if (syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, pair) < 0) {
		nest_log(p->env, "probe: socketpair(AF_UNIX, SOCK_DGRAM): broken (%s)",
		         error_name(errno));
		p->wrong++;     /* the probe cannot judge what it cannot try */
		return -1;
	}
	close(pair[1]);
	return pair[0];
}

/* socketpair sockets are unbound: they must not get a name, nor reach one */
static void probe_unix_pair(struct probe *p, const char *scratch, const char *abstract)
{
	struct sockaddr_un sun;
	char path[TARGET_SIZE];
	socklen_t len;
	int pair[2], s;
	long r;

	r = syscall(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET, 0, pair);
	if (r < 0) {
		nest_log(p->env, "probe: socketpair(AF_UNIX): broken (%s)", error_name(errno));
		p->wrong++;
		return;
	}
	nest_log(p->env, "probe: socketpair(AF_UNIX): allowed as intended");
	close(pair[0]);
	close(pair[1]);

	if ((s = unbound_socket(p)) < 0)
		return;
	sun.sun_family = AF_UNIX;            /* no name: the kernel picks one */
	r = syscall(SYS_bind, s, &sun, sizeof(sa_family_t));
	expect_refused(p, "bind(socketpair socket, an abstract name of its own)", r, errno,
	               BY_FILTER);
	close(s);

	if ((s = unbound_socket(p)) < 0)
		return;
	len = unix_address(&sun, abstract, true);
	r = syscall(SYS_connect, s, &sun, len);
	expect_refused(p, "connect(socketpair socket, the test's abstract socket)", r, errno,
	               BY_FILTER);
	close(s);

	if ((s = unbound_socket(p)) < 0)
		return;
	r = syscall(SYS_sendto, s, "x", 1, MSG_DONTWAIT, &sun, len);
	expect_refused(p, "sendto(socketpair socket, the test's abstract socket, as X11's is)",
	               r, errno, BY_OWN_NETWORK);
	len = unix_address(&sun, in_scratch(path, sizeof(path), scratch, "socket"), false);
	r = syscall(SYS_sendto, s, "x", 1, MSG_DONTWAIT, &sun, len);
	expect_refused(p, "sendto(socketpair socket, the test's socket file, as journald's is)",
	               r, errno, BY_EMPTY_ROOT);
	close(s);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;
	char scratch[TARGET_SIZE], abstract[TARGET_SIZE];

	p.env = env;
	if (!probe_target(&p, "scratch", scratch, sizeof(scratch)))
		probe_without_target(&p, "scratch");
	if (!probe_target(&p, "abstract", abstract, sizeof(abstract)))
		probe_without_target(&p, "abstract");
	probe_socket(&p);
	probe_unix_pair(&p, scratch, abstract);
	probe_finish(&p);
}
