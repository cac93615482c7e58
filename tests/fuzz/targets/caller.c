/*
 * \brief  Calls into servers that run in the caller's own thread (see caller.h)
 *
 * The wire protocol is lib/base/rpc_wire.h's: one BIND message through the
 * capability carries the channel's far end, then the request; the reply is
 * a status word and the payload, or EVICTED when the object had no channel
 * slot left. Each call here binds a channel of its own and closes it after
 * the reply, which the entrypoint sees as a client going away.
 */
#include <nest/platform.h>
#include "lib/base/rpc_wire.h"
#include "tests/fuzz/targets/caller.h"
#include "tests/fuzz/targets/fuzz_check.h"

/* more events than any input causes: a server that is never idle is stuck */
enum { EVENTS_MAX = 100000 };

bool caller_run(struct caller *caller)
{
	unsigned events = 0;

	for (;;) {
		bool any = false;
		for (unsigned i = 0; i < caller->ep_count; i++)
			if (nest_ep_dispatch_one(caller->eps[i], 0) == NEST_OK)
				any = true;
		if (!any)
			return events > 0;
		CHECKF(++events < EVENTS_MAX, "an entrypoint is never idle");
	}
}

/* one event of any entrypoint; false if none has one */
static bool run_one(struct caller *caller)
{
	for (unsigned i = 0; i < caller->ep_count; i++)
		if (nest_ep_dispatch_one(caller->eps[i], 0) == NEST_OK)
			return true;
	return false;
}

static void answered(struct call *call, enum nest_error status)
{
	plat_close(call->channel);
	call->channel = -1;
	call->status  = status;
}

bool caller_take_reply(struct call *call)
{
	int handles[NEST_MSG_MAX_CAPS];
	unsigned count = 0;
	size_t len = 0;
	uint32_t status;
	enum nest_error err;

	if (call->channel < 0)
		return true;
	err = plat_recv_nonblocking(call->channel, call->reply.data, sizeof(call->reply.data), &len,
	                            handles, NEST_MSG_MAX_CAPS, &count);
	if (err == NEST_ERR_UNAVAILABLE)
		return false;
	if (err) {                            /* the server closed the channel */
		answered(call, err);
		return true;
	}
	nest_msg_received(&call->reply, len, handles, count);
	status = len >= NEST_MSG_HEADER ? nest_msg_word(&call->reply) : NEST_ERR_INVALID_ARGS;
	if (status == NEST_WIRE_EVICTED && len == NEST_MSG_HEADER) {
		nest_msg_release_caps(&call->reply);
		answered(call, NEST_ERR_UNAVAILABLE);   /* every slot waits for a deferred reply */
		return true;
	}
	CHECKF(status < NEST_ERR_COUNT, "reply status %u is no error value", status);
	CHECKF(status == NEST_OK || call->reply.cap_count == 0,
	       "a refusal (%s) carries %u capabilities", nest_error_name(status),
	       call->reply.cap_count);
	answered(call, (enum nest_error)status);
	return true;
}

bool caller_call(struct caller *caller, struct nest_cap cap, struct nest_msg *request,
                 struct call *call)
{
	uint32_t bind = NEST_WIRE_BIND;
	int handles[NEST_MSG_MAX_CAPS], theirs;
	enum nest_error err;

	call->channel = -1;
	call->reply.cap_count = 0;
	if (!nest_cap_valid(cap)) {
		call->status = NEST_ERR_INVALID_CAP;
		return true;
	}
	CHECK(request->error == NEST_OK);
	if ((err = plat_channel_pair(&call->channel, &theirs))) {
		call->status = err;
		return true;
	}
	err = plat_send_nonblocking(nest_cap_handle(cap), &bind, sizeof(bind), &theirs, 1);
	plat_close(theirs);
	for (unsigned i = 0; !err && i < request->cap_count; i++)
		handles[i] = nest_cap_handle(request->caps[i]);
	if (!err)
		err = plat_send_nonblocking(call->channel, request->data, request->len, handles,
		                            request->cap_count);
	if (err) {
		answered(call, err);
		return true;
	}
	while (!caller_take_reply(call))
		if (!run_one(caller))
			return false;
	return true;
}

void caller_abandon(struct call *call)
{
	plat_close(call->channel);
	call->channel = -1;
	nest_msg_release_caps(&call->reply);
}
