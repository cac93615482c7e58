/*
 * \brief  Client side of RPC: private call channels bound through a capability
 *
 * The capability end is shared by every holder, so it is used only to bind:
 * the first call sends one end of a fresh channel pair through it. All calls
 * then travel over the private channel without passing descriptors, which
 * keeps a null call as cheap as a raw socket ping-pong. The server closes the
 * channel when the object is revoked or dies; the next call then fails.
 * A client may be shared by threads: its lock keeps one call at a time on
 * the channel, so no thread takes another's reply.
 */
#include <string.h>
#include <nest/entrypoint.h>
#include <nest/platform.h>
#include "rpc_wire.h"

/* internal status of receive_reply: the server evicted the channel without
 * serving the request, which is still in the message */
#define EVICTED NEST_ERR_COUNT

void nest_client_init(struct nest_client *client, struct nest_cap cap)
{
	client->cap        = cap;
	client->channel    = -1;
	client->timeout_ms = 0;
	atomic_init(&client->lock.state, NEST_LOCK_FREE);
}

void nest_client_timeout(struct nest_client *client, unsigned timeout_ms)
{
	client->timeout_ms = timeout_ms;
	if (client->channel >= 0)
		plat_channel_timeout(client->channel, timeout_ms);
}

void nest_client_fini(struct nest_client *client)
{
	plat_close(client->channel);
	client->channel = -1;
	nest_cap_release(&client->cap);
}

static enum nest_error send_request(int channel, struct nest_msg *msg)
{
	int handles[NEST_MSG_MAX_CAPS];
	for (unsigned i = 0; i < msg->cap_count; i++)
		handles[i] = nest_cap_handle(msg->caps[i]);
	return plat_send_nonblocking(channel, msg->data, msg->len, handles, msg->cap_count);
}

/*
 * A fresh channel to the object of cap, with the request already in it: it
 * goes into our end first, then the other end through cap, so the server
 * finds the request with the bind and serves both at once. The capability
 * end is shared by every holder; a caller that must not wait for the
 * server to take its bind (wait false) gets NEST_ERR_UNAVAILABLE.
 */
static enum nest_error open_channel(struct nest_cap cap, bool wait, struct nest_msg *msg,
                                    int *channel)
{
	uint32_t word = NEST_WIRE_BIND;
	int theirs;
	enum nest_error err;

	if (!nest_cap_valid(cap))
		return NEST_ERR_INVALID_CAP;
	err = plat_channel_pair(channel, &theirs);
	if (err)
		return err;
	err = send_request(*channel, msg);
	if (!err)
		err = wait ? plat_send(nest_cap_handle(cap), &word, sizeof(word), &theirs, 1)
		           : plat_send_nonblocking(nest_cap_handle(cap), &word, sizeof(word), &theirs, 1);
	plat_close(theirs);
	if (err)
		plat_close(*channel);
	return err;
}

static enum nest_error bind_channel(struct nest_client *client, struct nest_msg *msg)
{
	int channel;
	enum nest_error err = open_channel(client->cap, client->timeout_ms == 0, msg, &channel);
	if (err)
		return err;
	client->channel = channel;
	if (client->timeout_ms)
		plat_channel_timeout(channel, client->timeout_ms);
	return NEST_OK;
}

static void async_reply(void *state);

static void drop_channel(int *channel)
{
	plat_close(*channel);
	*channel = -1;
}

/* the reply into msg: its status, and its caps if any are expected. If the
 * server evicted the channel instead, msg still holds the request. */
static enum nest_error receive_reply(int channel, struct nest_msg *msg, unsigned reply_caps)
{
	int handles[NEST_MSG_MAX_CAPS];
	unsigned count = 0, request_caps = msg->cap_count;
	uint32_t request_word = nest_msg_word(msg);
	size_t len = 0;
	uint32_t status;
	enum nest_error err = plat_recv(channel, msg->data, sizeof(msg->data), &len,
	                                handles, reply_caps ? NEST_MSG_MAX_CAPS : 0, &count);
	msg->cap_count = 0;
	if (err)
		return err;
	status = len >= NEST_MSG_HEADER ? nest_msg_word(msg) : NEST_ERR_INVALID_ARGS;
	if (status == NEST_WIRE_EVICTED && len == NEST_MSG_HEADER) {
		for (unsigned i = 0; i < count; i++)
			plat_close(handles[i]);
		memcpy(msg->data, &request_word, sizeof(request_word));
		msg->cap_count = request_caps;
		return EVICTED;
	}
	nest_msg_received(msg, len, handles, count);
	if (status >= NEST_ERR_COUNT)
		status = NEST_ERR_INVALID_ARGS;
	if (status != NEST_OK)
		nest_msg_release_caps(msg);
	return (enum nest_error)status;
}

/*
 * One call on the client's channel. A request that the server did not take
 * (the channel was closed before the send, or evicted unserved) goes again
 * on a fresh channel; a channel that failed otherwise is dropped, and the
 * error is the caller's.
 */
static enum nest_error call_locked(struct nest_client *client, struct nest_msg *msg,
                                   unsigned reply_caps)
{
	enum nest_error err;

	for (unsigned attempt = 0; ; attempt++) {
		bool bound_before = client->channel >= 0, unserved;
		err = bound_before ? send_request(client->channel, msg) : bind_channel(client, msg);
		if (err && !bound_before)
			return err;
		if (err == NEST_ERR_UNAVAILABLE)       /* one call at a time: it never fills */
			err = NEST_ERR_INVALID_CAP;
		/* a send fails only on a channel the server closed: unless it was
		 * bound just now, for an eviction, not yet told */
		unserved = err && bound_before;
		if (!err) {
			err = receive_reply(client->channel, msg, reply_caps);
			unserved = err == EVICTED;
		}
		if (err != NEST_ERR_INVALID_CAP && err != NEST_ERR_UNAVAILABLE && err != EVICTED)
			return err;
		drop_channel(&client->channel);
		if (!unserved || attempt == NEST_WIRE_REBINDS) {
			msg->cap_count = 0;
			return err == EVICTED ? NEST_ERR_UNAVAILABLE : err;
		}
	}
}

enum nest_error nest_client_call(struct nest_client *client, struct nest_msg *msg,
                                 unsigned reply_caps)
{
	enum nest_error err;

	if (msg->error)
		return msg->error;
	nest_lock_acquire(&client->lock);
	err = call_locked(client, msg, reply_caps);
	nest_lock_release(&client->lock);
	return err;
}

/*
 * Asynchronous calls: each has a channel of its own, so that replies never
 * need to be told apart, and the entrypoint reports its reply. The caller
 * is a server (init calling a child's root): nothing here waits. A call
 * that got its reply leaves its channel idle, for the next call to the
 * same object: no reply can be pending on it. An idle channel the server
 * closed meanwhile (it evicted it, or the object is gone) fails the send,
 * and the call binds a fresh one.
 */

static int take_idle(struct nest_entrypoint *ep, uint64_t object)
{
	for (unsigned i = 0; object && i < NEST_EP_IDLE_CHANNELS; i++)
		if (ep->idle[i].channel >= 0 && ep->idle[i].object == object) {
			int channel = ep->idle[i].channel;
			ep->idle[i].channel = -1;
			return channel;
		}
	return -1;
}

static void leave_idle(struct nest_entrypoint *ep, uint64_t object, int *channel)
{
	unsigned slot = ep->idle_next;

	if (!object) {
		drop_channel(channel);
		return;
	}
	ep->idle_next = (slot + 1) % NEST_EP_IDLE_CHANNELS;
	if (ep->idle[slot].channel >= 0)
		plat_close(ep->idle[slot].channel);
	ep->idle[slot].object  = object;
	ep->idle[slot].channel = *channel;
	*channel = -1;
}

static enum nest_error async_send(struct nest_async_call *call)
{
	enum nest_error err;

	call->channel = take_idle(call->ep, call->object);
	if (call->channel >= 0 && send_request(call->channel, &call->msg))
		drop_channel(&call->channel);
	if (call->channel < 0 && (err = open_channel(call->cap, false, &call->msg, &call->channel)))
		return err;
	err = nest_io_handler_init(call->ep, &call->io, call->channel, async_reply, call);
	if (err)
		drop_channel(&call->channel);
	return err;
}

static void async_reply(void *state)
{
	struct nest_async_call *call = state;

	nest_io_handler_fini(call->ep, &call->io);
	call->status = receive_reply(call->channel, &call->msg, call->reply_caps);
	if (call->status == EVICTED || call->status == NEST_ERR_INVALID_CAP ||
	    call->status == NEST_ERR_UNAVAILABLE || call->status == NEST_ERR_IO)
		drop_channel(&call->channel);
	else
		leave_idle(call->ep, call->object, &call->channel);
	if (call->status == EVICTED && call->rebinds++ < NEST_WIRE_REBINDS &&
	    async_send(call) == NEST_OK)
		return;
	if (call->status == EVICTED)
		call->status = NEST_ERR_UNAVAILABLE;
	nest_cap_release(&call->cap);
	call->done(call);
}

enum nest_error nest_call_async(struct nest_entrypoint *ep, struct nest_cap cap,
                                struct nest_async_call *call, unsigned reply_caps)
{
	enum nest_error err;

	call->ep         = ep;
	call->reply_caps = reply_caps;
	call->channel    = -1;
	call->rebinds    = 0;
	call->cap        = NEST_CAP_INVALID;
	if (plat_ident(nest_cap_handle(cap), &call->object))
		call->object = 0;
	if (call->msg.error)
		return call->msg.error;
	/* kept for binding anew after an eviction */
	if ((err = nest_cap_copy(cap, &call->cap)))
		return err;
	if ((err = async_send(call)))
		nest_cap_release(&call->cap);
	return err;
}

struct nest_msg *nest_async_call_msg(struct nest_async_call *call)
{
	return &call->msg;
}

enum nest_error nest_async_call_status(const struct nest_async_call *call)
{
	return call->status;
}

int nest_call_async_pending(const struct nest_async_call *call)
{
	return call->channel >= 0;
}

void nest_call_async_cancel(struct nest_async_call *call)
{
	if (call->channel < 0)
		return;
	nest_io_handler_fini(call->ep, &call->io);
	drop_channel(&call->channel);
	nest_cap_release(&call->cap);
}
