/*
 * \brief  Core's side of the object supply: batches of socket pairs and pipes
 *
 * The protocol is in lib/base/linux/object_supply.h. Core never waits on
 * the component: it takes a request only when one is queued, answers
 * without blocking, and ignores a request while its previous answer is
 * still unread, so that the descriptors it has in flight for a component
 * are one batch at most. A component that does not read its answers only
 * goes without objects.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <nest/platform.h>
#include "core/linux/sandbox.h"
#include "lib/base/linux/object_supply.h"

/* make up to count objects of kind into ends; the errno that stopped it */
static int make_objects(const struct sandbox *sb, uint32_t kind, unsigned count,
                        int ends[][2], unsigned *made)
{
	int error = 0;

	*made = 0;
	if (kind == OBJECT_CHANNEL_PAIR && (error = sandbox_enter_components_net(sb)))
		return -error;
	while (*made < count && !error) {
		error = kind == OBJECT_CHANNEL_PAIR ? sandbox_make_socketpair(SOCK_SEQPACKET, 0, ends[*made])
		                                    : sandbox_make_pipe(O_NONBLOCK, ends[*made]);
		if (!error)
			(*made)++;
	}
	if (kind == OBJECT_CHANNEL_PAIR)
		sandbox_leave_components_net(sb);
	return -error;
}

enum nest_error sandbox_serve_supply(const struct sandbox *sb, struct process *process)
{
	struct object_request request;
	struct object_answer answer = { 0, 0 };
	int ends[OBJECT_BATCH_MAX][2];
	int unread = 0;
	ssize_t got = recv(process->supply, &request, sizeof(request), MSG_DONTWAIT);

	sandbox_settle(process);
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
		return NEST_ERR_INVALID_CAP;          /* the component's end is gone */
	if (got != sizeof(request) ||
	    (request.kind != OBJECT_CHANNEL_PAIR && request.kind != OBJECT_SIGNAL_PIPE))
		return NEST_OK;                       /* no request: nothing to answer */
	if (ioctl(process->supply, SIOCOUTQ, &unread) || unread > 0)
		return NEST_OK;                       /* its last answer is unread */
	answer.error = make_objects(sb, request.kind,
	                            request.count < OBJECT_BATCH_MAX ? request.count : OBJECT_BATCH_MAX,
	                            ends, &answer.count);
	/* failing, the component goes without */
	plat_send_nonblocking(process->supply, &answer, sizeof(answer), &ends[0][0], 2 * answer.count);
	for (unsigned i = 0; i < answer.count; i++) {
		close(ends[i][0]);
		close(ends[i][1]);
	}
	return NEST_OK;
}
