/*
 * \brief  Declaring session interfaces once; client stubs and server dispatch
 *
 * A session interface is a list of operations, each with its IN and OUT
 * arguments, written once in include/nest/session/<name>.h:
 *
 *   #define HELLO_ADD(IN, OUT)  IN(i32, a) IN(i32, b) OUT(i32, sum)
 *   #define HELLO_INTERFACE(RPC) RPC(hello, add, HELLO_ADD) ...
 *   NEST_RPC_INTERFACE(hello, HELLO_INTERFACE)
 *
 * NEST_RPC_INTERFACE declares the opcodes, the client stubs
 * (hello_add(client, a, b, &sum)), the server handlers the server must define
 * (hello_serve_add(struct hello_server *, a, b, &sum)) and the dispatch
 * function. NEST_RPC_CLIENT(hello, HELLO_INTERFACE) and
 * NEST_RPC_DISPATCH(hello, HELLO_INTERFACE), placed in one .c file each,
 * define the stubs and the dispatch. Nothing is written twice by hand.
 *
 * A request's first word names its interface (a hash of the interface's
 * name, bits 8..31) and its operation (bits 0..7), and the dispatch refuses
 * a request of another interface with NEST_ERR_WRONG_INTERFACE: a stub of
 * one interface invoked on a capability of another does nothing there. A
 * program may serve one interface with several server types: the server
 * type's operations are declared under its own prefix (as ROOT_OPERATIONS
 * allows) and dispatched with NEST_RPC_DISPATCH_AS(type, iface, LIST).
 *
 * Argument kinds: i32 u32 i64 u64 str (IN only) cap bytes. A cap passed IN
 * is lent by the caller; a cap received (OUT at the client, IN at the server
 * during the handler) belongs to the receiver: the server's IN caps are
 * released after the handler returns (copy them with nest_cap_copy to keep
 * them), the client's OUT caps must be released by the caller.
 */
#ifndef NEST_RPC_H
#define NEST_RPC_H

#include <nest/lock.h>
#include <nest/msg.h>

/* client side of a capability: the capability and a private call channel */
#define NEST_CLIENT_FIELDS \
	struct nest_cap  cap; \
	int              channel;     /* bound lazily on the first call */ \
	unsigned         timeout_ms;  /* 0: wait for the reply as long as it takes */ \
	struct nest_lock lock;        /* threads sharing the client call one at a time */
struct nest_client { NEST_CLIENT_FIELDS };

/* takes ownership of cap */
void nest_client_init(struct nest_client *client, struct nest_cap cap);
void nest_client_fini(struct nest_client *client);

/* a caller that must not hang on a server (a parent calling a child's root)
 * gives up after timeout_ms with NEST_ERR_UNAVAILABLE; the channel is then
 * dropped, so a late reply can never be taken for the next call's */
void nest_client_timeout(struct nest_client *client, unsigned timeout_ms);

/* send the request in msg, receive the reply into msg; returns the transport
 * error or the server's status. reply_caps is how many capabilities the
 * reply may carry (the stubs know it from the declaration): a reply that
 * carries none is received more cheaply, and any a server sends anyway are
 * dropped by the kernel. */
enum nest_error nest_client_call(struct nest_client *client, struct nest_msg *msg,
                                 unsigned reply_caps);

typedef enum nest_error (*nest_dispatch_fn)(void *state, struct nest_msg *msg);

/* the interface part of a request's first word (FNV-1a of the name) */
static inline uint32_t nest_rpc_interface_id(const char *name)
{
	uint32_t hash = 2166136261u;
	for (; *name; name++)
		hash = (hash ^ (unsigned char)*name) * 16777619u;
	return (hash ^ (hash >> 24)) & 0xffffff;
}

#define NEST_RPC_WORD(iface, op) ((nest_rpc_interface_id(#iface) << 8) | (uint32_t)(op))

static inline uint32_t nest_rpc_opcode(const struct nest_msg *msg)
{
	return nest_msg_word(msg) & 0xff;
}

static inline int nest_rpc_is_interface(const struct nest_msg *msg, const char *name)
{
	return nest_msg_word(msg) >> 8 == nest_rpc_interface_id(name);
}

struct nest_entrypoint;
struct nest_channel;

/* names a call whose reply a handler deferred with nest_ep_defer */
struct nest_reply { struct nest_channel *channel; uint64_t serial; };

/* send the reply for a deferred call; NEST_ERR_INVALID_CAP if the caller is gone */
enum nest_error nest_ep_reply(struct nest_entrypoint *ep, struct nest_reply reply,
                              struct nest_msg *msg);

/* helpers used by the generated code, per argument kind */
#define NEST_RPC_LOCAL_i32(n)   int32_t  n = 0;
#define NEST_RPC_LOCAL_u32(n)   uint32_t n = 0;
#define NEST_RPC_LOCAL_i64(n)   int64_t  n = 0;
#define NEST_RPC_LOCAL_u64(n)   uint64_t n = 0;
#define NEST_RPC_LOCAL_str(n)   const char *n = "";
#define NEST_RPC_LOCAL_cap(n)   struct nest_cap n = NEST_CAP_INVALID;
#define NEST_RPC_LOCAL_bytes(n) unsigned char n##_buffer[NEST_MSG_MAX]; \
	struct nest_bytes n = { n##_buffer, 0, sizeof(n##_buffer) };

static inline void nest_msg_out_i32(struct nest_msg *m, int32_t *v)  { nest_msg_get_i32(m, v); }
static inline void nest_msg_out_u32(struct nest_msg *m, uint32_t *v) { nest_msg_get_u32(m, v); }
static inline void nest_msg_out_i64(struct nest_msg *m, int64_t *v)  { nest_msg_get_i64(m, v); }
static inline void nest_msg_out_u64(struct nest_msg *m, uint64_t *v) { nest_msg_get_u64(m, v); }
static inline void nest_msg_out_cap(struct nest_msg *m, struct nest_cap *v) { nest_msg_get_cap(m, v); }
static inline void nest_msg_out_bytes(struct nest_msg *m, struct nest_bytes *v) { nest_msg_get_bytes_into(m, v); }

static inline void nest_arg_drop_i32(int32_t *v)  { (void)v; }
static inline void nest_arg_drop_u32(uint32_t *v) { (void)v; }
static inline void nest_arg_drop_i64(int64_t *v)  { (void)v; }
static inline void nest_arg_drop_u64(uint64_t *v) { (void)v; }
static inline void nest_arg_drop_str(const char **v) { (void)v; }
static inline void nest_arg_drop_bytes(struct nest_bytes *v) { (void)v; }
static inline void nest_arg_drop_cap(struct nest_cap *v) { nest_cap_release(v); }

/* how many capabilities an argument kind carries */
#define NEST_RPC_CAPS_i32   0
#define NEST_RPC_CAPS_u32   0
#define NEST_RPC_CAPS_i64   0
#define NEST_RPC_CAPS_u64   0
#define NEST_RPC_CAPS_str   0
#define NEST_RPC_CAPS_bytes 0
#define NEST_RPC_CAPS_cap   1
#define NEST_RPC_COUNT_CAPS(type, n) + NEST_RPC_CAPS_##type

#define NEST_RPC_NOTHING(type, n)
#define NEST_RPC_PARAM_IN(type, n)   , nest_arg_##type n
#define NEST_RPC_PARAM_OUT(type, n)  , nest_arg_##type *n
#define NEST_RPC_PUT_IN(type, n)     nest_msg_put_##type(&msg, n);
#define NEST_RPC_GET_OUT(type, n)    nest_msg_out_##type(&msg, n);
#define NEST_RPC_DROP_OUT(type, n)   nest_arg_drop_##type(n);
#define NEST_RPC_SERVER_LOCAL(type, n) NEST_RPC_LOCAL_##type(n)
#define NEST_RPC_SERVER_GET(type, n) nest_msg_get_##type(msg, &n);
#define NEST_RPC_SERVER_DROP(type, n) nest_arg_drop_##type(&n);
#define NEST_RPC_SERVER_PUT(type, n) nest_msg_put_##type(msg, n);
#define NEST_RPC_ARG_IN(type, n)     , n
#define NEST_RPC_ARG_OUT(type, n)    , &n

struct nest_async_call;
struct nest_entrypoint;

#define NEST_RPC_OPCODE(iface, name, P) iface##_op_##name,

#define NEST_RPC_CLIENT_PROTO(iface, name, P) \
	enum nest_error iface##_##name(struct iface##_client *client \
	                               P(NEST_RPC_PARAM_IN, NEST_RPC_PARAM_OUT));

#define NEST_RPC_SERVER_PROTO(iface, name, P) \
	enum nest_error iface##_serve_##name(struct iface##_server *server \
	                                     P(NEST_RPC_PARAM_IN, NEST_RPC_PARAM_OUT));

#define NEST_RPC_IN_CAPS(iface, name, P) + (0 P(NEST_RPC_COUNT_CAPS, NEST_RPC_NOTHING))

#define NEST_RPC_ASYNC_PROTO(iface, name, P) \
	enum nest_error iface##_##name##_async(struct nest_entrypoint *ep, struct nest_cap cap, \
	                                       struct nest_async_call *call \
	                                       P(NEST_RPC_PARAM_IN, NEST_RPC_NOTHING)); \
	enum nest_error iface##_##name##_result(struct nest_async_call *call \
	                                        P(NEST_RPC_NOTHING, NEST_RPC_PARAM_OUT));

/*
 * A client handle is typed by its interface: a Timer stub takes a struct
 * timer_client, so a call with a client of another interface does not
 * compile (and a capability of another interface is refused where it is
 * served, NEST_ERR_WRONG_INTERFACE).
 */
#define NEST_RPC_CLIENT_TYPE(iface) \
	struct iface##_client { union { struct nest_client rpc; struct { NEST_CLIENT_FIELDS }; }; }; \
	__attribute__((unused)) static inline void \
	iface##_client_init(struct iface##_client *client, struct nest_cap cap) \
	{ nest_client_init(&client->rpc, cap); } \
	__attribute__((unused)) static inline void \
	iface##_client_fini(struct iface##_client *client) { nest_client_fini(&client->rpc); }

#define NEST_RPC_INTERFACE(iface, LIST) \
	enum iface##_opcode { LIST(NEST_RPC_OPCODE) iface##_op_count }; \
	enum { iface##_request_caps = 0 LIST(NEST_RPC_IN_CAPS) }; \
	struct iface##_server; \
	NEST_RPC_CLIENT_TYPE(iface) \
	LIST(NEST_RPC_CLIENT_PROTO) \
	LIST(NEST_RPC_ASYNC_PROTO) \
	LIST(NEST_RPC_SERVER_PROTO) \
	LIST(NEST_RPC_REPLY_PROTO) \
	enum nest_error iface##_dispatch(void *server, struct nest_msg *msg);

#define NEST_RPC_CLIENT_DEF(iface, name, P) \
	enum nest_error iface##_##name(struct iface##_client *client \
	                               P(NEST_RPC_PARAM_IN, NEST_RPC_PARAM_OUT)) \
	{ \
		struct nest_msg msg; \
		enum nest_error err; \
		nest_msg_start(&msg, NEST_RPC_WORD(iface, iface##_op_##name)); \
		P(NEST_RPC_PUT_IN, NEST_RPC_NOTHING) \
		if (msg.error) return msg.error; \
		err = nest_client_call(&client->rpc, &msg, 0 P(NEST_RPC_NOTHING, NEST_RPC_COUNT_CAPS)); \
		if (err) return err; \
		P(NEST_RPC_NOTHING, NEST_RPC_GET_OUT) \
		err = msg.error; \
		if (err) { P(NEST_RPC_NOTHING, NEST_RPC_DROP_OUT) } \
		nest_msg_release_caps(&msg); \
		return err; \
	}

#define NEST_RPC_CLIENT(iface, LIST) LIST(NEST_RPC_CLIENT_DEF)

/*
 * Asynchronous calls (see struct nest_async_call in nest/entrypoint.h):
 * iface_name_async(ep, cap, call, ins...) sends the request,
 * iface_name_result(call, outs...) reads the reply once done() was called.
 */
enum nest_error  nest_call_async(struct nest_entrypoint *ep, struct nest_cap cap,
                                 struct nest_async_call *call, unsigned reply_caps);
struct nest_msg *nest_async_call_msg(struct nest_async_call *call);
enum nest_error  nest_async_call_status(const struct nest_async_call *call);
#define NEST_RPC_MSG_PUT_IN(type, n)  nest_msg_put_##type(msg, n);
#define NEST_RPC_MSG_GET_OUT(type, n) nest_msg_out_##type(msg, n);

#define NEST_RPC_ASYNC_DEF(iface, name, P) \
	enum nest_error iface##_##name##_async(struct nest_entrypoint *ep, struct nest_cap cap, \
	                                       struct nest_async_call *call \
	                                       P(NEST_RPC_PARAM_IN, NEST_RPC_NOTHING)) \
	{ \
		struct nest_msg *msg = nest_async_call_msg(call); \
		nest_msg_start(msg, NEST_RPC_WORD(iface, iface##_op_##name)); \
		P(NEST_RPC_MSG_PUT_IN, NEST_RPC_NOTHING) \
		return nest_call_async(ep, cap, call, 0 P(NEST_RPC_NOTHING, NEST_RPC_COUNT_CAPS)); \
	} \
	enum nest_error iface##_##name##_result(struct nest_async_call *call \
	                                        P(NEST_RPC_NOTHING, NEST_RPC_PARAM_OUT)) \
	{ \
		struct nest_msg *msg = nest_async_call_msg(call); \
		enum nest_error err = nest_async_call_status(call); \
		if (err) return err; \
		P(NEST_RPC_NOTHING, NEST_RPC_MSG_GET_OUT) \
		err = msg->error; \
		if (err) { P(NEST_RPC_NOTHING, NEST_RPC_DROP_OUT) } \
		nest_msg_release_caps(msg); \
		return err; \
	}

#define NEST_RPC_ASYNC(iface, LIST) LIST(NEST_RPC_ASYNC_DEF)

/* the reply of a deferred call: iface_reply_name(ep, reply, status, outs...) */
#define NEST_RPC_PARAM_VALUE(type, n) , nest_arg_##type n
#define NEST_RPC_PUT_VALUE(type, n)   nest_msg_put_##type(&msg, n);

#define NEST_RPC_REPLY_PROTO(iface, name, P) \
	enum nest_error iface##_reply_##name(struct nest_entrypoint *ep, struct nest_reply *reply, \
	                                     enum nest_error status \
	                                     P(NEST_RPC_NOTHING, NEST_RPC_PARAM_VALUE));

#define NEST_RPC_REPLY_DEF(iface, name, P) \
	enum nest_error iface##_reply_##name(struct nest_entrypoint *ep, struct nest_reply *reply, \
	                                     enum nest_error status \
	                                     P(NEST_RPC_NOTHING, NEST_RPC_PARAM_VALUE)) \
	{ \
		struct nest_msg msg; \
		nest_msg_start(&msg, status); \
		if (!status) { P(NEST_RPC_NOTHING, NEST_RPC_PUT_VALUE) } \
		if (msg.error) nest_msg_start(&msg, msg.error); \
		return nest_ep_reply(ep, *reply, &msg); \
	}

#define NEST_RPC_DISPATCH_CASE(iface, name, P) \
	case iface##_op_##name: { \
		P(NEST_RPC_SERVER_LOCAL, NEST_RPC_SERVER_LOCAL) \
		enum nest_error err; \
		P(NEST_RPC_SERVER_GET, NEST_RPC_NOTHING) \
		err = msg->error; \
		if (!err) \
			err = iface##_serve_##name(server P(NEST_RPC_ARG_IN, NEST_RPC_ARG_OUT)); \
		P(NEST_RPC_SERVER_DROP, NEST_RPC_NOTHING) \
		nest_msg_release_caps(msg); \
		nest_msg_start(msg, err); \
		if (!err) { P(NEST_RPC_NOTHING, NEST_RPC_SERVER_PUT) } \
		return msg->error; \
	}

#define NEST_RPC_DISPATCH(iface, LIST) NEST_RPC_DISPATCH_AS(iface, iface, LIST)

#define NEST_RPC_DISPATCH_AS(type, iface, LIST) \
	LIST(NEST_RPC_REPLY_DEF) \
	enum nest_error type##_dispatch(void *object, struct nest_msg *msg) \
	{ \
		struct type##_server *server = object; \
		enum nest_error refusal = NEST_ERR_WRONG_INTERFACE; \
		if (nest_rpc_is_interface(msg, #iface)) { \
			refusal = NEST_ERR_INVALID_ARGS; \
			switch (nest_rpc_opcode(msg)) { \
			LIST(NEST_RPC_DISPATCH_CASE) \
			} \
		} \
		nest_msg_release_caps(msg); \
		nest_msg_start(msg, refusal); \
		return NEST_OK; \
	}

#endif
