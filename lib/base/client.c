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

static enum nest_error bind_channel(struct nest_client *client)
{
	uint32_t word = NEST_WIRE_BIND;
	int mine, theirs;
	enum nest_error err;

	if (!nest_cap_valid(client->cap))
		return NEST_ERR_INVALID_CAP;
	err = plat_channel_pair(&mine, &theirs);
	if (err)
		return err;
	err = plat_send(nest_cap_handle(client->cap), &word, sizeof(word), &theirs, 1);
	plat_close(theirs);
	if (err) {
		plat_close(mine);
		return err;
	}
	client->channel = mine;
	if (client->timeout_ms)
		plat_channel_timeout(mine, client->timeout_ms);
	return NEST_OK;
}

enum nest_error nest_client_call(struct nest_client *client, struct nest_msg *msg,
                                 unsigned reply_caps)
{
	int handles[NEST_MSG_MAX_CAPS];
	unsigned count = 0;
	size_t len = 0;
	enum nest_error err;
	uint32_t status;

	if (msg->error)
		return msg->error;
	if (client->channel < 0 && (err = bind_channel(client)))
		return err;
	for (unsigned i = 0; i < msg->cap_count; i++)
		handles[i] = nest_cap_handle(msg->caps[i]);

	err = plat_send(client->channel, msg->data, msg->len, handles, msg->cap_count);
	if (!err)
		err = plat_recv(client->channel, msg->data, sizeof(msg->data), &len,
		                handles, reply_caps ? NEST_MSG_MAX_CAPS : 0, &count);
	msg->cap_count = 0;
	if (err) {
		if (err == NEST_ERR_INVALID_CAP || err == NEST_ERR_UNAVAILABLE) {
			plat_close(client->channel);
			client->channel = -1;
		}
		return err;
	}
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
