/*
 * \brief  Client side of RPC: private call channels bound through a capability
 *
 * The capability end is shared by every holder, so it is used only to bind:
 * the first call sends one end of a fresh channel pair through it. All calls
 * then travel over the private channel without passing descriptors, which
 * keeps a null call as cheap as a raw socket ping-pong. The server closes the
 * channel when the object is revoked or dies; the next call then fails.
 */
#include <nest/entrypoint.h>
#include <nest/platform.h>
#include "rpc_wire.h"

void nest_client_init(struct nest_client *client, struct nest_cap cap)
{
	client->cap        = cap;
	client->channel    = -1;
	client->timeout_ms = 0;
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

/* a fresh channel to the object of cap: one end goes through cap */
static enum nest_error open_channel(struct nest_cap cap, int *channel)
{
	uint32_t word = NEST_WIRE_BIND;
	int theirs;
	enum nest_error err;

	if (!nest_cap_valid(cap))
		return NEST_ERR_INVALID_CAP;
	err = plat_channel_pair(channel, &theirs);
	if (err)
		return err;
	err = plat_send(nest_cap_handle(cap), &word, sizeof(word), &theirs, 1);
	plat_close(theirs);
	if (err)
		plat_close(*channel);
	return err;
}

static enum nest_error bind_channel(struct nest_client *client)
{
	int channel;
	enum nest_error err = open_channel(client->cap, &channel);
	if (err)
		return err;
	client->channel = channel;
	if (client->timeout_ms)
		plat_channel_timeout(channel, client->timeout_ms);
	return NEST_OK;
}

static enum nest_error send_request(int channel, struct nest_msg *msg)
{
	int handles[NEST_MSG_MAX_CAPS];
	for (unsigned i = 0; i < msg->cap_count; i++)
		handles[i] = nest_cap_handle(msg->caps[i]);
	return plat_send(channel, msg->data, msg->len, handles, msg->cap_count);
}

/* the reply into msg: its status, and its caps if any are expected */
static enum nest_error receive_reply(int channel, struct nest_msg *msg, unsigned reply_caps)
{
	int handles[NEST_MSG_MAX_CAPS];
	unsigned count = 0;
	size_t len = 0;
	uint32_t status;
	enum nest_error err = plat_recv(channel, msg->data, sizeof(msg->data), &len,
	                                handles, reply_caps ? NEST_MSG_MAX_CAPS : 0, &count);
	msg->cap_count = 0;
	if (err)
		return err;
	for (unsigned i = 0; i < count; i++)
		msg->caps[i] = nest_cap_from_handle(handles[i]);
	msg->cap_count = count;
	msg->len       = (uint32_t)len;
	msg->pos       = NEST_MSG_HEADER;
	msg->error     = NEST_OK;
	status = len >= NEST_MSG_HEADER ? nest_msg_word(msg) : NEST_ERR_INVALID_ARGS;
	if (status >= NEST_ERR_COUNT)
		status = NEST_ERR_INVALID_ARGS;
	if (status != NEST_OK)
		nest_msg_release_caps(msg);
	return (enum nest_error)status;
}

enum nest_error nest_client_call(struct nest_client *client, struct nest_msg *msg,
                                 unsigned reply_caps)
{
	enum nest_error err;

	if (msg->error)
		return msg->error;
	if (client->channel < 0 && (err = bind_channel(client)))
		return err;
	err = send_request(client->channel, msg);
	if (!err)
		err = receive_reply(client->channel, msg, reply_caps);
	else
		msg->cap_count = 0;
	if (err == NEST_ERR_INVALID_CAP || err == NEST_ERR_UNAVAILABLE) {
		plat_close(client->channel);
		client->channel = -1;
	}
	return err;
}

/*
 * Asynchronous calls: each has a channel of its own, so that replies never
 * need to be told apart, and the entrypoint reports its reply.
 */

static void async_reply(void *state)
{
	struct nest_async_call *call = state;

	nest_io_handler_fini(call->ep, &call->io);
	call->status = receive_reply(call->channel, &call->msg, call->reply_caps);
	plat_close(call->channel);
	call->channel = -1;
	call->done(call);
}

enum nest_error nest_call_async(struct nest_entrypoint *ep, struct nest_cap cap,
                                struct nest_async_call *call, unsigned reply_caps)
{
	enum nest_error err;

	call->ep         = ep;
	call->reply_caps = reply_caps;
	call->channel    = -1;
	if (call->msg.error)
		return call->msg.error;
	if ((err = open_channel(cap, &call->channel)))
		return err;
	err = send_request(call->channel, &call->msg);
	if (!err)
		err = nest_io_handler_init(ep, &call->io, call->channel, async_reply, call);
	if (err) {
		plat_close(call->channel);
		call->channel = -1;
	}
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
	plat_close(call->channel);
	call->channel = -1;
}
