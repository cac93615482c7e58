/*
 * \brief  Entrypoint: the one event loop of a component
 *
 * An entrypoint serves the RPC objects it manages and runs the handlers of
 * its signal contexts, one event at a time, single-threaded. Each RPC object
 * has a listening end (where clients bind private call channels) and the
 * capability end that is handed out; dissolving the object closes both and
 * every channel, so each copy of the capability becomes invalid at once.
 */
#ifndef NEST_ENTRYPOINT_H
#define NEST_ENTRYPOINT_H

#include <nest/rpc.h>

enum nest_wait_kind { NEST_WAIT_BIND, NEST_WAIT_CALL, NEST_WAIT_SIGNAL, NEST_WAIT_IO };

struct nest_wait_source { enum nest_wait_kind kind; };

struct nest_entrypoint;
struct nest_channel;

struct nest_rpc_object {
	struct nest_wait_source source;        /* bind requests */
	struct nest_entrypoint *ep;
	nest_dispatch_fn        dispatch;
	unsigned                request_caps;  /* upper bound of caps in one request */
	void                   *state;
	int                     listen;        /* receives channel binds */
	struct nest_cap         cap;           /* the end handed out to clients */
	uint64_t                ident;         /* identity of cap */
	struct nest_channel    *channels;
	unsigned                channel_count;
	struct nest_rpc_object *next;
};

struct nest_signal_handler {
	struct nest_wait_source source;
	struct nest_entrypoint *ep;
	int                     context;        /* the receiving end */
	int                     sender;         /* the end handed out: nest_signal_cap */
	void                  (*handle)(void *state, uint64_t count);
	void                   *state;
	struct nest_signal_handler *next;
};

/* readiness of a host handle given to a component by its platform (e.g. a tty) */
struct nest_io_handler {
	struct nest_wait_source source;
	int                     handle;
	void                  (*handle_io)(void *state);
	void                   *state;
};

enum { NEST_EP_IDLE_CHANNELS = 8 };

struct nest_entrypoint {
	int                     waitset;
	uint64_t                next_serial;
	struct nest_channel    *deferred;       /* channels waiting for a deferred reply */
	struct nest_rpc_object *objects;
	struct nest_signal_handler *handlers;
	int                     stop;           /* nest_ep_run returns when set */
	struct nest_channel    *serving;        /* channel of the call being served */
	int                     serving_orphaned; /* its object was dissolved meanwhile */
	int                     serving_deferred; /* its handler deferred the reply */
	struct nest_msg         msg;            /* buffer of the call being served */
	/* optional: every RPC object and signal context costs a capability of
	 * the component's quota (the runtime charges its PD); delta +1 or -1 */
	enum nest_error       (*charge_caps)(void *state, int delta);
	void                   *charge_state;
	/* one local wake-up, for work a component defers without a Timer
	 * session (init's rate-limited state report): nest_ep_run calls the
	 * handler once wake_at_us has passed */
	struct nest_signal_handler *wake;
	uint64_t                wake_at_us;
	/* channels of finished asynchronous calls, kept for the next call to
	 * the same object (init calls each server's root again and again) */
	struct { uint64_t object; int channel; } idle[NEST_EP_IDLE_CHANNELS];
	unsigned                idle_next;      /* the slot to reuse next */
};

enum nest_error nest_ep_init(struct nest_entrypoint *ep);
void            nest_ep_fini(struct nest_entrypoint *ep);

/* serve until nest_ep_stop */
void nest_ep_run(struct nest_entrypoint *ep);
/* have nest_ep_run call h once, after us microseconds (by the host's
 * monotonic clock); a wake-up already pending stays as it is */
void nest_ep_wake_after(struct nest_entrypoint *ep, struct nest_signal_handler *h, uint64_t us);
void nest_ep_stop(struct nest_entrypoint *ep);

/* wait for and handle one event (timeout_ms -1: forever); NEST_ERR_UNAVAILABLE on timeout */
enum nest_error nest_ep_dispatch_one(struct nest_entrypoint *ep, int timeout_ms);
/* the same with a timeout in microseconds (-1: forever), for timers */
enum nest_error nest_ep_dispatch_one_us(struct nest_entrypoint *ep, int64_t timeout_us);

/* make obj an RPC object of interface iface (as declared with
 * NEST_RPC_INTERFACE) served by ep; its capability is obj->cap */
#define nest_ep_manage(ep, obj, iface, state) \
	nest_ep_manage_object(ep, obj, iface##_dispatch, iface##_request_caps, state)

/* request_caps: whether any request of the interface carries capabilities;
 * an object whose requests carry none is served with a cheaper receive */
enum nest_error nest_ep_manage_object(struct nest_entrypoint *ep, struct nest_rpc_object *obj,
                                      nest_dispatch_fn dispatch, unsigned request_caps,
                                      void *state);
/* revoke: every copy of obj->cap stops working */
void nest_ep_dissolve(struct nest_rpc_object *obj);

/* inside a handler: do not reply now; the caller stays blocked until
 * nest_ep_reply. Returns NEST_ERR_UNAVAILABLE outside a handler. */
enum nest_error nest_ep_defer(struct nest_entrypoint *ep, struct nest_reply *reply);

/* the object of this entrypoint that cap refers to, or NULL */
struct nest_rpc_object *nest_ep_lookup(struct nest_entrypoint *ep, struct nest_cap cap);

/* signal contexts: nest_signal_cap() is handed to senders */
enum nest_error nest_signal_handler_init(struct nest_entrypoint *ep,
                                         struct nest_signal_handler *h,
                                         void (*handle)(void *state, uint64_t count),
                                         void *state);
void nest_signal_handler_fini(struct nest_signal_handler *h);
static inline struct nest_cap nest_signal_cap(const struct nest_signal_handler *h)
{
	return nest_cap_from_handle(h->sender);
}

/* send count signals to a context; never blocks */
enum nest_error nest_signal_submit(struct nest_cap context, uint64_t count);

/*
 * An asynchronous call: the request goes out at once on a channel of its
 * own, and the entrypoint calls done() when the reply is in msg (status
 * says how it went). The caller keeps the struct alive until then, or
 * cancels. Requests are marshalled and results read by the functions
 * NEST_RPC_ASYNC generates (iface_op_async, iface_op_result).
 */
struct nest_async_call {
	struct nest_io_handler  io;
	struct nest_entrypoint *ep;
	struct nest_cap         cap;            /* a copy, for binding anew */
	uint64_t                object;         /* the identity of cap, 0: unknown */
	int                     channel;
	unsigned                reply_caps;
	unsigned                rebinds;
	enum nest_error         status;
	void                  (*done)(struct nest_async_call *call);
	void                   *state;
	struct nest_msg         msg;
};

int             nest_call_async_pending(const struct nest_async_call *call);
/* no done() follows; a reply the server sends is dropped */
void            nest_call_async_cancel(struct nest_async_call *call);

enum nest_error nest_io_handler_init(struct nest_entrypoint *ep, struct nest_io_handler *h,
                                     int handle, void (*handle_io)(void *), void *state);
void nest_io_handler_fini(struct nest_entrypoint *ep, struct nest_io_handler *h);

#endif
