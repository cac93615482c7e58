/*
 * \brief  The runtime's pool of socket pairs and pipes, filled by core
 *
 * See object_supply.h for why. The pool is state of the process, as its
 * descriptor table is: every thread takes from it, so a lock guards it,
 * held across a refill so that no thread reads another's answer. A pool
 * starts small and doubles its batch with each refill up to
 * OBJECT_BATCH_MAX, so a component that makes few objects holds few
 * unused descriptors. Without a supply (core itself, unit tests) objects
 * are made by plain system calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <nest/lock.h>
#include <nest/platform.h>
#include "lib/base/linux/object_supply.h"

enum { FIRST_BATCH = 2, KINDS = 3 };

struct object_pool {
	int      ends[OBJECT_BATCH_MAX][2];
	unsigned count;
	unsigned batch;             /* what the next refill asks for */
};

static struct {
	struct nest_lock   lock;
	int                channel;  /* to core; -1: no supply */
	struct object_pool pools[KINDS];
} supply = { NEST_LOCK_INIT, -1, { { .count = 0 } } };

void plat_object_supply_init(int channel)
{
	supply.channel = channel;
	for (unsigned kind = 0; kind < KINDS; kind++)
		supply.pools[kind].batch = FIRST_BATCH;
}

static enum nest_error error_from_errno(int error)
{
	return error == EMFILE || error == ENFILE ? NEST_ERR_OUT_OF_CAPS : NEST_ERR_IO;
}

/* one request, one answer: core's answer is the next message on the channel */
static enum nest_error refill(enum object_kind kind, struct object_pool *pool)
{
	struct object_request request = { kind, pool->batch };
	struct object_answer answer;
	union {
		char buf[CMSG_SPACE(sizeof(int) * 2 * OBJECT_BATCH_MAX)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { &answer, sizeof(answer) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
	                      .msg_controllen = sizeof(control.buf) };
	unsigned handles = 0;
	ssize_t ret;

	while ((ret = send(supply.channel, &request, sizeof(request), MSG_NOSIGNAL)) < 0 &&
	       errno == EINTR)
		;
	if (ret != sizeof(request))
		return NEST_ERR_IO;
	while ((ret = recvmsg(supply.channel, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (ret != sizeof(answer))
		return NEST_ERR_IO;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		handles = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(pool->ends, CMSG_DATA(c), handles * sizeof(int));
		break;
	}
	/* past the descriptor limit the kernel delivers fewer (MSG_CTRUNC) */
	if (handles % 2)
		close((&pool->ends[0][0])[--handles]);
	pool->count = handles / 2;
	if (pool->batch < OBJECT_BATCH_MAX)
		pool->batch *= 2;
	if (pool->count)
		return NEST_OK;
	return answer.error ? error_from_errno(answer.error) : NEST_ERR_OUT_OF_CAPS;
}

enum nest_error object_take(enum object_kind kind, int ends[2])
{
	struct object_pool *pool = &supply.pools[kind];
	enum nest_error err = NEST_OK;

	if (supply.channel < 0)
		return NEST_ERR_UNAVAILABLE;
	nest_lock_acquire(&supply.lock);
	if (!pool->count)
		err = refill(kind, pool);
	if (!err) {
		pool->count--;
		ends[0] = pool->ends[pool->count][0];
		ends[1] = pool->ends[pool->count][1];
	}
	nest_lock_release(&supply.lock);
	return err;
}
