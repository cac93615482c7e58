/*
 * \brief  Entrypoint: serves RPC objects and signal contexts in one loop
 *
 * Which channel a call arrives on identifies the object; nothing in the
 * message names it, so a client can reach only objects it holds a
 * capability for. Events are taken one at a time because a handler may
 * dissolve objects whose channels are ready too.
 *
 * The entrypoint never waits on what a client controls. Requests are taken
 * without waiting (a client that kept a copy of the server's end may have
 * taken its own request back), and replies are sent without waiting: a
 * client that does not take its replies loses its channel, not the
 * server's time. A bind beyond an object's channel slots evicts the least
 * recently used channel (see rpc_wire.h).
 */
#include <stdlib.h>
#include <nest/entrypoint.h>
#include <nest/platform.h>
#include "rpc_wire.h"

struct nest_channel {
	struct nest_wait_source source;
	int                     fd;
	struct nest_rpc_object *obj;
	struct nest_channel    *prev, *next;    /* the object's, most recently used first */
	uint64_t                serial;         /* of the deferred call, 0 if none */
	struct nest_channel    *next_deferred;
};

static void deferred_remove(struct nest_entrypoint *ep, struct nest_channel *channel)
{
	for (struct nest_channel **c = &ep->deferred; *c; c = &(*c)->next_deferred)
		if (*c == channel) {
			*c = channel->next_deferred;
			break;
		}
	channel->serial = 0;
}

enum nest_error nest_ep_init(struct nest_entrypoint *ep)
{
	ep->objects  = NULL;
	ep->handlers = NULL;
	ep->stop     = 0;
	ep->serving  = NULL;
	ep->serving_orphaned = 0;
	ep->serving_deferred = 0;
	ep->deferred = NULL;
	ep->next_serial = 1;
	ep->charge_caps  = NULL;
	ep->wake         = NULL;
	ep->idle_next    = 0;
	for (unsigned i = 0; i < NEST_EP_IDLE_CHANNELS; i++)
		ep->idle[i].channel = -1;
	ep->charge_state = NULL;
	return plat_waitset_create(&ep->waitset);
}

void nest_ep_fini(struct nest_entrypoint *ep)
{
	while (ep->objects)
		nest_ep_dissolve(ep->objects);
	while (ep->handlers)
		nest_signal_handler_fini(ep->handlers);
	for (unsigned i = 0; i < NEST_EP_IDLE_CHANNELS; i++)
		if (ep->idle[i].channel >= 0)
			plat_close(ep->idle[i].channel);
	plat_close(ep->waitset);
	ep->waitset = -1;
}

static void channel_close(struct nest_channel *channel)
{
	struct nest_entrypoint *ep = channel->obj->ep;
	plat_waitset_remove(ep->waitset, channel->fd);
	if (channel->serial)
		deferred_remove(ep, channel);
	if (ep->serving == channel) {          /* reply still to be sent */
		ep->serving_orphaned = 1;
		return;
	}
	plat_close(channel->fd);
	free(channel);
}

static void channel_remove(struct nest_channel *channel)
{
	struct nest_rpc_object *obj = channel->obj;
	if (channel->prev)
		channel->prev->next = channel->next;
	else
		obj->channels = channel->next;
	if (channel->next)
		channel->next->prev = channel->prev;
	channel->prev = channel->next = NULL;
}

static void channel_push_front(struct nest_channel *channel)
{
	struct nest_rpc_object *obj = channel->obj;
	channel->prev = NULL;
	channel->next = obj->channels;
	if (obj->channels)
		obj->channels->prev = channel;
	obj->channels = channel;
}

static void channel_unlink(struct nest_channel *channel)
{
	channel_remove(channel);
	channel->obj->channel_count--;
	channel_close(channel);
}

/* the channel was used: it is the last to be evicted */
static void channel_touch(struct nest_channel *channel)
{
	if (channel->obj->channels == channel)
		return;
	channel_remove(channel);
	channel_push_front(channel);
}

static void send_evicted(int fd)
{
	uint32_t word = NEST_WIRE_EVICTED;
	plat_send_nonblocking(fd, &word, sizeof(word), NULL, 0);
}

/* room for one more channel: the least recently used one that has no call
 * in service goes; false if every channel waits for a deferred reply */
static bool make_room(struct nest_rpc_object *obj)
{
	struct nest_channel *victim = NULL;

	if (obj->channel_count < NEST_WIRE_CHANNELS)
		return true;
	for (struct nest_channel *c = obj->channels; c; c = c->next)
		if (!c->serial && c != obj->ep->serving)
			victim = c;
	if (!victim)
		return false;
	send_evicted(victim->fd);
	channel_unlink(victim);
	return true;
}

static enum nest_error charge_caps(struct nest_entrypoint *ep, int delta)
{
	return ep->charge_caps ? ep->charge_caps(ep->charge_state, delta) : NEST_OK;
}

enum nest_error nest_ep_manage_object(struct nest_entrypoint *ep, struct nest_rpc_object *obj,
                                      nest_dispatch_fn dispatch, unsigned request_caps,
                                      void *state)
{
	enum nest_error err = charge_caps(ep, 1);

	if (err)
		return err;
	obj->source.kind   = NEST_WAIT_BIND;
	obj->ep            = ep;
	obj->dispatch      = dispatch;
	obj->request_caps  = request_caps;
	obj->state         = state;
	obj->channels      = NULL;
	obj->channel_count = 0;
	int cap_end;
	err = plat_channel_pair(&obj->listen, &cap_end);
	if (err) {
		charge_caps(ep, -1);
		return err;
	}
	obj->cap = nest_cap_from_handle(cap_end);
	err = plat_ident(cap_end, &obj->ident);
	if (!err)
		err = plat_waitset_add(ep->waitset, obj->listen, &obj->source);
	if (err) {
		plat_close(obj->listen);
		nest_cap_release(&obj->cap);
		charge_caps(ep, -1);
		return err;
	}
	obj->next   = ep->objects;
	ep->objects = obj;
	return NEST_OK;
}

void nest_ep_dissolve(struct nest_rpc_object *obj)
{
	struct nest_entrypoint *ep = obj->ep;

	if (!ep)
		return;
	for (struct nest_rpc_object **o = &ep->objects; *o; o = &(*o)->next)
		if (*o == obj) {
			*o = obj->next;
			break;
		}
	while (obj->channels)
		channel_unlink(obj->channels);
	plat_waitset_remove(ep->waitset, obj->listen);
	plat_close(obj->listen);
	nest_cap_release(&obj->cap);
	obj->ep = NULL;
	charge_caps(ep, -1);
}

struct nest_rpc_object *nest_ep_lookup(struct nest_entrypoint *ep, struct nest_cap cap)
{
	uint64_t ident;
	if (nest_cap_ident(cap, &ident))
		return NULL;
	for (struct nest_rpc_object *o = ep->objects; o; o = o->next)
		if (o->ident == ident)
			return o;
	return NULL;
}

static void handle_call(struct nest_entrypoint *ep, struct nest_channel *channel);

/* a bind comes with the client's first request in the channel: it is
 * served at once, without a turn through the wait set */
static void handle_bind(struct nest_rpc_object *obj)
{
	uint32_t word = 0;
	size_t len = 0;
	unsigned count = 0;
	int fd = -1;
	struct nest_channel *channel;

	if (plat_recv_nonblocking(obj->listen, &word, sizeof(word), &len, &fd, 1, &count))
		return;
	if (count != 1)
		return;
	if (len != sizeof(word) || word != NEST_WIRE_BIND) {
		plat_close(fd);
		return;
	}
	if (!make_room(obj) || !(channel = malloc(sizeof(*channel)))) {
		send_evicted(fd);
		plat_close(fd);
		return;
	}
	channel->source.kind = NEST_WAIT_CALL;
	channel->fd          = fd;
	channel->obj         = obj;
	channel->serial      = 0;
	if (plat_waitset_add(obj->ep->waitset, fd, &channel->source)) {
		plat_close(fd);
		free(channel);
		return;
	}
	channel_push_front(channel);
	obj->channel_count++;
	handle_call(obj->ep, channel);
}

static enum nest_error send_reply_once(int fd, struct nest_msg *msg)
{
	int handles[NEST_MSG_MAX_CAPS];
	for (unsigned i = 0; i < msg->cap_count; i++)
		handles[i] = nest_cap_handle(msg->caps[i]);  /* lent by the server */
	return plat_send_nonblocking(fd, msg->data, msg->len, handles, msg->cap_count);
}

/* the reply to the call on channel; a client that does not take it loses
 * the channel */
static void send_reply(struct nest_channel *channel, struct nest_msg *msg)
{
	if (send_reply_once(channel->fd, msg))
		channel_unlink(channel);
}

static void handle_call(struct nest_entrypoint *ep, struct nest_channel *channel)
{
	struct nest_msg *msg = &ep->msg;
	int handles[NEST_MSG_MAX_CAPS];
	unsigned count = 0;
	size_t len = 0;
	enum nest_error err;

	err = plat_recv_nonblocking(channel->fd, msg->data, sizeof(msg->data), &len, handles,
	                            channel->obj->request_caps ? NEST_MSG_MAX_CAPS : 0, &count);
	if (err == NEST_ERR_UNAVAILABLE)
		return;                                /* taken by another holder of the end */
	if (err == NEST_ERR_INVALID_CAP || err == NEST_ERR_IO || channel->serial) {
		/* the client went away, or called again before its deferred
		 * call was answered, which no honest client does */
		for (unsigned i = 0; !err && i < count; i++)
			plat_close(handles[i]);
		channel_unlink(channel);
		return;
	}
	channel_touch(channel);
	if (!err && len < NEST_MSG_HEADER) {
		for (unsigned i = 0; i < count; i++)
			plat_close(handles[i]);
		err = NEST_ERR_INVALID_ARGS;
	}
	if (err) {
		nest_msg_start(msg, err);
		send_reply(channel, msg);
		return;
	}
	nest_msg_received(msg, len, handles, count);
	ep->serving = channel;
	ep->serving_orphaned = 0;
	ep->serving_deferred = 0;
	err = channel->obj->dispatch(channel->obj->state, msg);
	ep->serving = NULL;
	if (err) {
		nest_msg_release_caps(msg);
		nest_msg_start(msg, err);
	}
	if (ep->serving_orphaned) {              /* its object was dissolved meanwhile */
		ep->serving_orphaned = 0;
		send_reply_once(channel->fd, msg);
		msg->cap_count = 0;
		plat_close(channel->fd);
		free(channel);
		return;
	}
	if (!ep->serving_deferred)
		send_reply(channel, msg);
	msg->cap_count = 0;
}

enum nest_error nest_ep_defer(struct nest_entrypoint *ep, struct nest_reply *reply)
{
	struct nest_channel *channel = ep->serving;
	if (!channel || ep->serving_orphaned)
		return NEST_ERR_UNAVAILABLE;
	channel->serial        = ep->next_serial++;
	channel->next_deferred = ep->deferred;
	ep->deferred           = channel;
	ep->serving_deferred   = 1;
	reply->channel = channel;
	reply->serial  = channel->serial;
	return NEST_OK;
}

enum nest_error nest_ep_reply(struct nest_entrypoint *ep, struct nest_reply reply,
                              struct nest_msg *msg)
{
	for (struct nest_channel *c = ep->deferred; c; c = c->next_deferred) {
		if (c != reply.channel || c->serial != reply.serial)
			continue;
		deferred_remove(ep, c);
		send_reply(c, msg);
		return NEST_OK;
	}
	return NEST_ERR_INVALID_CAP;
}

static void handle_signal(struct nest_signal_handler *h)
{
	uint64_t count = 0;
	if (plat_signal_take(h->context, &count) == NEST_OK && count)
		h->handle(h->state, count);
}

enum nest_error nest_ep_dispatch_one(struct nest_entrypoint *ep, int timeout_ms)
{
	return nest_ep_dispatch_one_us(ep, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000);
}

enum nest_error nest_ep_dispatch_one_us(struct nest_entrypoint *ep, int64_t timeout_us)
{
	void *tag;
	unsigned count = 0;
	enum nest_error err = plat_waitset_wait_us(ep->waitset, &tag, 1, timeout_us, &count);
	struct nest_wait_source *source;

	if (err)
		return err;
	if (count == 0)
		return NEST_ERR_UNAVAILABLE;
	source = tag;
	switch (source->kind) {
	case NEST_WAIT_BIND:
		handle_bind((struct nest_rpc_object *)source);
		break;
	case NEST_WAIT_CALL:
		handle_call(ep, (struct nest_channel *)source);
		break;
	case NEST_WAIT_SIGNAL:
		handle_signal((struct nest_signal_handler *)source);
		break;
	case NEST_WAIT_IO: {
		struct nest_io_handler *h = (struct nest_io_handler *)source;
		h->handle_io(h->state);
		break;
	}
	}
	return NEST_OK;
}

void nest_ep_wake_after(struct nest_entrypoint *ep, struct nest_signal_handler *h, uint64_t us)
{
	if (ep->wake)
		return;
	ep->wake       = h;
	ep->wake_at_us = plat_time_us() + us;
}

void nest_ep_run(struct nest_entrypoint *ep)
{
	while (!ep->stop) {
		int64_t timeout_us = -1;
		uint64_t now;
		if (ep->wake) {
			now = plat_time_us();
			timeout_us = ep->wake_at_us > now ? (int64_t)(ep->wake_at_us - now) : 0;
		}
		if (nest_ep_dispatch_one_us(ep, timeout_us) == NEST_ERR_IO)
			break;
		if (ep->wake && plat_time_us() >= ep->wake_at_us) {
			struct nest_signal_handler *h = ep->wake;
			ep->wake = NULL;
			h->handle(h->state, 1);
		}
	}
}

void nest_ep_stop(struct nest_entrypoint *ep)
{
	ep->stop = 1;
}

enum nest_error nest_signal_handler_init(struct nest_entrypoint *ep,
                                         struct nest_signal_handler *h,
                                         void (*handle)(void *state, uint64_t count),
                                         void *state)
{
	enum nest_error err = charge_caps(ep, 1);
	if (err)
		return err;
	if ((err = plat_signal_create(&h->context, &h->sender))) {
		charge_caps(ep, -1);
		return err;
	}
	h->source.kind = NEST_WAIT_SIGNAL;
	h->ep     = ep;
	h->handle = handle;
	h->state  = state;
	err = plat_waitset_add(ep->waitset, h->context, &h->source);
	if (err) {
		plat_close(h->context);
		plat_close(h->sender);
		charge_caps(ep, -1);
		return err;
	}
	h->next      = ep->handlers;
	ep->handlers = h;
	return NEST_OK;
}

void nest_signal_handler_fini(struct nest_signal_handler *h)
{
	struct nest_entrypoint *ep = h->ep;
	if (!ep)
		return;
	if (ep->wake == h)
		ep->wake = NULL;
	for (struct nest_signal_handler **p = &ep->handlers; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			break;
		}
	plat_waitset_remove(ep->waitset, h->context);
	plat_close(h->context);
	plat_close(h->sender);
	h->ep = NULL;
	charge_caps(ep, -1);
}

enum nest_error nest_signal_submit(struct nest_cap context, uint64_t count)
{
	if (!nest_cap_valid(context))
		return NEST_ERR_INVALID_CAP;
	return plat_signal_submit(nest_cap_handle(context), count);
}

enum nest_error nest_io_handler_init(struct nest_entrypoint *ep, struct nest_io_handler *h,
                                     int handle, void (*handle_io)(void *), void *state)
{
	h->source.kind = NEST_WAIT_IO;
	h->handle      = handle;
	h->handle_io   = handle_io;
	h->state       = state;
	return plat_waitset_add(ep->waitset, handle, &h->source);
}

void nest_io_handler_fini(struct nest_entrypoint *ep, struct nest_io_handler *h)
{
	plat_waitset_remove(ep->waitset, h->handle);
}
