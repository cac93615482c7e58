/*
 * \brief  nest_client_call served in the caller's own thread (see fake_transport.h)
 *
 * What the kernel and lib/base/entrypoint.c do to a call, in order: a
 * request with more capabilities than its object takes is refused
 * (MSG_TOO_LARGE); the dispatch runs on the server's own copies, which it
 * must have released by the time it returns; the reply's capabilities are
 * lent by the server, and the client receives copies of them.
 */
#include <fcntl.h>
#include <string.h>
#include <nest/platform.h>
#include "lib/base/rpc_wire.h"
#include "tests/fuzz/targets/fake_transport.h"
#include "tests/fuzz/targets/fuzz_check.h"

struct fake_transport fake_transport;

enum nest_error __wrap_nest_client_call(struct nest_client *client, struct nest_msg *msg,
                                        unsigned reply_caps);

/* a capability of no object here: dead, or a socket someone else holds */
static enum nest_error call_elsewhere(struct nest_client *client)
{
	uint32_t bind = NEST_WIRE_BIND;
	int mine, theirs;
	enum nest_error err;

	CHECK(plat_channel_pair(&mine, &theirs) == NEST_OK);
	err = plat_send_nonblocking(nest_cap_handle(client->cap), &bind, sizeof(bind), &theirs, 1);
	plat_close(mine);
	plat_close(theirs);
	if (err)
		return err == NEST_ERR_UNAVAILABLE ? NEST_ERR_UNAVAILABLE : NEST_ERR_INVALID_CAP;
	CHECKF(client->timeout_ms, "init waits forever on a capability nobody serves");
	return NEST_ERR_UNAVAILABLE;
}

static enum nest_error deliver(struct nest_rpc_object *o, struct nest_msg *msg,
                               unsigned reply_caps)
{
	static struct nest_msg server;        /* the server's receive buffer */
	static int depth;
	int received[NEST_MSG_MAX_CAPS], handles[NEST_MSG_MAX_CAPS];
	unsigned count = msg->cap_count, replied = 0;
	uint32_t status;
	enum nest_error err;

	CHECKF(depth == 0, "a server called synchronously calls on");
	memcpy(server.data, msg->data, msg->len);
	for (unsigned i = 0; i < count; i++)
		CHECK(plat_dup(nest_cap_handle(msg->caps[i]), &received[i]) == NEST_OK);
	msg->cap_count = 0;                   /* lent: the caller keeps its own */
	if (count && !o->request_caps) {
		for (unsigned i = 0; i < count; i++)
			plat_close(received[i]);
		nest_msg_start(&server, NEST_ERR_MSG_TOO_LARGE);
	} else {
		nest_msg_received(&server, msg->len, received, count);
		depth++;
		err = o->dispatch(o->state, &server);
		depth--;
		if (err) {
			nest_msg_release_caps(&server);
			nest_msg_start(&server, err);
		}
		for (unsigned i = 0; i < count; i++)
			CHECKF(!fd_is_open(received[i]), "a server kept a capability it received "
			       "without copying it (descriptor %d)", received[i]);
	}
	/* the reply: the server lends its capabilities, the client gets copies */
	for (unsigned i = 0; reply_caps && i < server.cap_count; i++)
		CHECK(plat_dup(nest_cap_handle(server.caps[i]), &handles[replied++]) == NEST_OK);
	server.cap_count = 0;
	memcpy(msg->data, server.data, server.len);
	nest_msg_received(msg, server.len, handles, replied);
	status = nest_msg_word(msg);
	CHECKF(status < NEST_ERR_COUNT, "reply status %u is no error value", status);
	if (status != NEST_OK)
		nest_msg_release_caps(msg);
	return (enum nest_error)status;
}

enum nest_error __wrap_nest_client_call(struct nest_client *client, struct nest_msg *msg,
                                        unsigned reply_caps)
{
	struct nest_rpc_object *o;

	if (msg->error)
		return msg->error;
	if (!nest_cap_valid(client->cap)) {
		msg->cap_count = 0;
		return NEST_ERR_INVALID_CAP;
	}
	if ((o = nest_ep_lookup(fake_transport.servers, client->cap))) {
		if (fake_transport.answers(o))
			return deliver(o, msg, reply_caps);
		CHECKF(client->timeout_ms, "init waits forever for a server that does not answer");
		msg->cap_count = 0;
		return NEST_ERR_UNAVAILABLE;
	}
	msg->cap_count = 0;
	if (nest_ep_lookup(fake_transport.caller, client->cap)) {
		CHECKF(client->timeout_ms, "init waits forever for itself");
		return NEST_ERR_UNAVAILABLE;
	}
	return call_elsewhere(client);
}
