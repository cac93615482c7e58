/*
 * \brief  Core makes the kernel objects that hold memory for a component
 *
 * A socket pair or a pipe that a component made itself would hold as much
 * kernel memory as the host's defaults allow (208 KiB of buffer a socket
 * here, 64 KiB a pipe), charged to nobody. So the filter hands socketpair
 * and pipe2 to core (a seccomp user notification): core makes the objects
 * with small buffers, installs them in the component (which holds them
 * against its descriptor limit) and writes their numbers where the call
 * asked. A component's kernel memory is then bounded by its descriptors.
 * A socket belongs to the network namespace it was made in, whose abstract
 * names it can reach: core makes a component's sockets in the components'
 * namespace, and returns to its own.
 * A component also asks core here for the handle of a host-resource session
 * it holds (host_session.c), which core installs at a fixed number.
 * Core never waits on the component: the notification is readable before
 * core takes it, and a component that went away meanwhile only fails its
 * own call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <nest/platform.h>
#include "core/linux/sandbox.h"
#include "lib/base/linux/startup_handles.h"

/* the kernel doubles a socket's SO_SNDBUF: 16 KiB, four full messages */
enum { SOCKET_SEND_BUFFER = SANDBOX_SOCKET_BUFFER / 2, PIPE_BUFFER = SANDBOX_PIPE_BUFFER };

/* the descriptor numbers the component got, or a negative errno */
static int install(int listener, uint64_t id, int fd, bool cloexec)
{
	struct seccomp_notif_addfd addfd = {
		.id = id, .srcfd = (uint32_t)fd, .newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	int remote = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	return remote < 0 ? -errno : remote;
}

/* install both ends of a pair core made, tell the component their
 * numbers, close core's ends */
static int hand_over(const struct seccomp_notif *req, int listener, int pair[2], bool cloexec,
                     uint64_t where)
{
	int remote[2], error = 0;
	struct iovec local = { remote, sizeof(remote) };
	struct iovec target = { (void *)(uintptr_t)where, sizeof(remote) };

	for (int i = 0; !error && i < 2; i++)
		if ((remote[i] = install(listener, req->id, pair[i], cloexec)) < 0)
			error = remote[i];
	if (!error && process_vm_writev((pid_t)req->pid, &local, 1, &target, 1, 0) != sizeof(remote))
		error = -EFAULT;
	close(pair[0]);
	close(pair[1]);
	return error;
}

/* the components' network namespace, which core enters only to make sockets */
int sandbox_enter_components_net(const struct sandbox *sb)
{
	return sb->ns_net >= 0 && setns(sb->ns_net, CLONE_NEWNET) ? -errno : 0;
}

void sandbox_leave_components_net(const struct sandbox *sb)
{
	/* core cannot go on in the components' namespace */
	if (sb->ns_net >= 0 && setns(sb->ns_core_net, CLONE_NEWNET))
		abort();
}

/* in the namespace the caller entered; 0 or a negative errno */
int sandbox_make_socketpair(int type, int protocol, int pair[2])
{
	int size = SOCKET_SEND_BUFFER;

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, protocol, pair))
		return -errno;
	if (setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) ||
	    setsockopt(pair[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size))) {
		int error = errno;
		close(pair[0]);
		close(pair[1]);
		return -error;
	}
	return 0;
}

int sandbox_make_pipe(int flags, int pair[2])
{
	if (pipe2(pair, flags | O_CLOEXEC))
		return -errno;
	if (fcntl(pair[1], F_SETPIPE_SZ, PIPE_BUFFER) < 0) {
		int error = errno;
		close(pair[0]);
		close(pair[1]);
		return -error;
	}
	return 0;
}

static int make_socketpair(const struct sandbox *sb, const struct seccomp_notif *req,
                           int listener)
{
	int domain = (int)req->data.args[0], type = (int)req->data.args[1];
	int pair[2], result;

	/* the filter passes AF_UNIX only; the kernel checks the rest */
	if (domain != AF_UNIX)
		return -EPERM;
	if ((result = sandbox_enter_components_net(sb)))
		return result;
	result = sandbox_make_socketpair(type, (int)req->data.args[2], pair);
	sandbox_leave_components_net(sb);
	if (result)
		return result;
	return hand_over(req, listener, pair, type & SOCK_CLOEXEC, req->data.args[3]);
}

static int make_pipe(const struct seccomp_notif *req, int listener)
{
	int flags = (int)req->data.args[1], pair[2], result;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if ((result = sandbox_make_pipe(flags, pair)))
		return result;
	return hand_over(req, listener, pair, flags & O_CLOEXEC, req->data.args[0]);
}

/* a component may not make files grow (RLIMIT_FSIZE, whose signal ends
 * it): with a writable host file, it may write up to the file's size, with
 * a writeable directory files of the size its policy says. Only the soft
 * limit moves (spawn.c leaves the hard one open for core). */
static void allow_writes_within(int pid, uint64_t size)
{
	struct rlimit limit;

	if (!size || prlimit(pid, RLIMIT_FSIZE, NULL, &limit) || limit.rlim_cur >= (rlim_t)size)
		return;
	limit.rlim_cur = (rlim_t)size;
	prlimit(pid, RLIMIT_FSIZE, &limit, NULL);
}

/*
 * ioctl(fd, HOST_HANDLE_TAKE): the handle of the host-resource session that
 * the component's descriptor fd refers to, installed at its next host
 * handle number (replacing the placeholder there); the call returns it.
 */
static int take_host_handle(const struct seccomp_notif *req, struct process *process,
                            const struct host_handle_lookup *lookup)
{
	int fd, handle, number;
	uint64_t ident, grow_limit = 0;
	bool known;

	if (process->host_handles == HOST_HANDLE_COUNT)
		return -EMFILE;
	fd = (int)syscall(SYS_pidfd_getfd, process->pidfd, (int)req->data.args[0], 0);
	if (fd < 0)
		return -EBADF;
	known = plat_ident(fd, &ident) == NEST_OK;
	close(fd);
	if (!known || (handle = lookup->handle(lookup->state, ident, &grow_limit)) < 0)
		return -ENOTTY;
	number = HOST_HANDLE_FIRST + (int)process->host_handles;
	struct seccomp_notif_addfd addfd = {
		.id = req->id, .flags = SECCOMP_ADDFD_FLAG_SETFD, .srcfd = (uint32_t)handle,
		.newfd = (uint32_t)number,
	};
	if (ioctl(process->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0)
		return -errno;
	if (!process->unconfined)
		allow_writes_within(process->pid, grow_limit);
	process->host_handles++;
	return number;
}

void sandbox_serve_notification(struct sandbox *sb, struct process *process,
                                const struct host_handle_lookup *lookup)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int result;

	sandbox_settle(process);
	memset(&req, 0, sizeof(req));
	if (ioctl(process->listener, SECCOMP_IOCTL_NOTIF_RECV, &req))
		return;                         /* the caller went away meanwhile */
	switch (req.data.nr) {
	case SYS_socketpair: result = make_socketpair(sb, &req, process->listener); break;
	case SYS_pipe2:      result = make_pipe(&req, process->listener); break;
	case SYS_ioctl:      result = take_host_handle(&req, process, lookup); break;
	default:             result = -ENOSYS; break;
	}
	resp = (struct seccomp_notif_resp){ .id = req.id, .error = result < 0 ? result : 0,
	                                    .val = result > 0 ? result : 0 };
	ioctl(process->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}
