/*
 * \brief  RPC message buffer and typed marshalling
 *
 * A message carries an opcode (request) or a status (reply), a payload of
 * marshalled values, and up to NEST_MSG_MAX_CAPS capabilities. Unmarshalling
 * never reads past what was received: a short or malformed message sets the
 * message's error, and the call fails with NEST_ERR_INVALID_ARGS.
 */
#ifndef NEST_MSG_H
#define NEST_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <nest/cap.h>

enum { NEST_MSG_MAX = 4096, NEST_MSG_MAX_CAPS = 4, NEST_MSG_HEADER = 4 };

struct nest_msg {
	uint32_t      len;                      /* bytes used in data, header included */
	uint32_t      pos;                      /* read position while unmarshalling */
	unsigned      cap_count;
	enum nest_error error;                  /* first marshalling error */
	struct nest_cap caps[NEST_MSG_MAX_CAPS];
	unsigned char data[NEST_MSG_MAX];       /* header (opcode or status), then payload */
};

/* a byte range of variable size, used for OUT(bytes, ...) arguments */
struct nest_bytes { void *data; size_t len; size_t capacity; };

void     nest_msg_start(struct nest_msg *msg, uint32_t word);  /* opcode or status */
uint32_t nest_msg_word(const struct nest_msg *msg);
void     nest_msg_rewind(struct nest_msg *msg);               /* read from payload start */

void nest_msg_put_raw(struct nest_msg *msg, const void *src, size_t len);
void nest_msg_get_raw(struct nest_msg *msg, void *dst, size_t len);

/* marshalling of the argument kinds used in session declarations */
typedef int32_t            nest_arg_i32;
typedef uint32_t           nest_arg_u32;
typedef int64_t            nest_arg_i64;
typedef uint64_t           nest_arg_u64;
typedef const char *       nest_arg_str;     /* NUL-terminated, points into the message */
typedef struct nest_cap    nest_arg_cap;
typedef struct nest_bytes  nest_arg_bytes;

void nest_msg_put_i32(struct nest_msg *, int32_t);
void nest_msg_put_u32(struct nest_msg *, uint32_t);
void nest_msg_put_i64(struct nest_msg *, int64_t);
void nest_msg_put_u64(struct nest_msg *, uint64_t);
void nest_msg_put_str(struct nest_msg *, const char *);
void nest_msg_put_cap(struct nest_msg *, struct nest_cap);
void nest_msg_put_bytes(struct nest_msg *, struct nest_bytes);

void nest_msg_get_i32(struct nest_msg *, int32_t *);
void nest_msg_get_u32(struct nest_msg *, uint32_t *);
void nest_msg_get_i64(struct nest_msg *, int64_t *);
void nest_msg_get_u64(struct nest_msg *, uint64_t *);
void nest_msg_get_str(struct nest_msg *, const char **);
void nest_msg_get_cap(struct nest_msg *, struct nest_cap *);
void nest_msg_get_bytes(struct nest_msg *, struct nest_bytes *); /* view into the message */

/* copy received bytes into a caller-provided buffer (client side of OUT(bytes)) */
void nest_msg_get_bytes_into(struct nest_msg *, struct nest_bytes *);

/* msg holds a message of len bytes just received, with the handles of the
 * capabilities that came with it: read from its payload on */
void nest_msg_received(struct nest_msg *msg, size_t len, const int *handles, unsigned count);

/* capabilities received with a message and not taken over are released */
void nest_msg_release_caps(struct nest_msg *msg);

#endif
