/*
 * \brief  Marshalling of RPC arguments
 *
 * Values are written in host byte order without padding. Every read checks
 * the remaining length first; the first failure is remembered in msg->error
 * and every later read yields zero, so a handler never sees garbage.
 */
#include <string.h>
#include <nest/msg.h>

void nest_msg_start(struct nest_msg *msg, uint32_t word)
{
	memcpy(msg->data, &word, sizeof(word));
	msg->len       = NEST_MSG_HEADER;
	msg->pos       = NEST_MSG_HEADER;
	msg->cap_count = 0;
	msg->error     = NEST_OK;
}

uint32_t nest_msg_word(const struct nest_msg *msg)
{
	uint32_t word;
	memcpy(&word, msg->data, sizeof(word));
	return word;
}

void nest_msg_rewind(struct nest_msg *msg)
{
	msg->pos = NEST_MSG_HEADER;
}

void nest_msg_put_raw(struct nest_msg *msg, const void *src, size_t len)
{
	if (msg->error)
		return;
	if (len > NEST_MSG_MAX - msg->len) {
		msg->error = NEST_ERR_MSG_TOO_LARGE;
		return;
	}
	memcpy(msg->data + msg->len, src, len);
	msg->len += (uint32_t)len;
}

void nest_msg_get_raw(struct nest_msg *msg, void *dst, size_t len)
{
	if (!msg->error && len > msg->len - msg->pos)
		msg->error = NEST_ERR_INVALID_ARGS;
	if (msg->error) {
		memset(dst, 0, len);
		return;
	}
	memcpy(dst, msg->data + msg->pos, len);
	msg->pos += (uint32_t)len;
}

#define NEST_MSG_SCALAR(kind, type) \
	void nest_msg_put_##kind(struct nest_msg *msg, type value) \
	{ nest_msg_put_raw(msg, &value, sizeof(value)); } \
	void nest_msg_get_##kind(struct nest_msg *msg, type *value) \
	{ nest_msg_get_raw(msg, value, sizeof(*value)); }

NEST_MSG_SCALAR(i32, int32_t)
NEST_MSG_SCALAR(u32, uint32_t)
NEST_MSG_SCALAR(i64, int64_t)
NEST_MSG_SCALAR(u64, uint64_t)

void nest_msg_put_bytes(struct nest_msg *msg, struct nest_bytes bytes)
{
	if (bytes.len > NEST_MSG_MAX) {
		msg->error = msg->error ? msg->error : NEST_ERR_MSG_TOO_LARGE;
		return;
	}
	nest_msg_put_u32(msg, (uint32_t)bytes.len);
	nest_msg_put_raw(msg, bytes.data, bytes.len);
}

void nest_msg_get_bytes(struct nest_msg *msg, struct nest_bytes *bytes)
{
	uint32_t len = 0;
	nest_msg_get_u32(msg, &len);
	if (!msg->error && len > msg->len - msg->pos)
		msg->error = NEST_ERR_INVALID_ARGS;
	if (msg->error) {
		*bytes = (struct nest_bytes){ msg->data, 0, 0 };
		return;
	}
	*bytes = (struct nest_bytes){ msg->data + msg->pos, len, len };
	msg->pos += len;
}

void nest_msg_get_bytes_into(struct nest_msg *msg, struct nest_bytes *bytes)
{
	struct nest_bytes view;
	nest_msg_get_bytes(msg, &view);
	if (msg->error)
		return;
	if (view.len > bytes->capacity) {
		msg->error = NEST_ERR_MSG_TOO_LARGE;
		return;
	}
	memcpy(bytes->data, view.data, view.len);
	bytes->len = view.len;
}

void nest_msg_put_str(struct nest_msg *msg, const char *str)
{
	size_t len = strlen(str) + 1;
	nest_msg_put_bytes(msg, (struct nest_bytes){ (void *)str, len, len });
}

void nest_msg_get_str(struct nest_msg *msg, const char **str)
{
	struct nest_bytes view;
	nest_msg_get_bytes(msg, &view);
	if (!msg->error && (view.len == 0 || ((char *)view.data)[view.len - 1] != 0))
		msg->error = NEST_ERR_INVALID_ARGS;
	*str = msg->error ? "" : view.data;
}

void nest_msg_put_cap(struct nest_msg *msg, struct nest_cap cap)
{
	uint32_t index = UINT32_MAX;
	if (nest_cap_valid(cap)) {
		if (msg->cap_count == NEST_MSG_MAX_CAPS) {
			msg->error = msg->error ? msg->error : NEST_ERR_MSG_TOO_LARGE;
			return;
		}
		index = msg->cap_count;
		msg->caps[msg->cap_count++] = cap;
	}
	nest_msg_put_u32(msg, index);
}

void nest_msg_get_cap(struct nest_msg *msg, struct nest_cap *cap)
{
	uint32_t index = UINT32_MAX;
	nest_msg_get_u32(msg, &index);
	*cap = NEST_CAP_INVALID;
	if (msg->error || index == UINT32_MAX)
		return;
	if (index >= msg->cap_count || !nest_cap_valid(msg->caps[index])) {
		msg->error = NEST_ERR_INVALID_ARGS;
		return;
	}
	*cap = msg->caps[index];
	msg->caps[index] = NEST_CAP_INVALID;   /* ownership moves to the receiver */
}

void nest_msg_received(struct nest_msg *msg, size_t len, const int *handles, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		msg->caps[i] = nest_cap_from_handle(handles[i]);
	msg->cap_count = count;
	msg->len       = (uint32_t)len;
	msg->pos       = NEST_MSG_HEADER;
	msg->error     = NEST_OK;
}

void nest_msg_release_caps(struct nest_msg *msg)
{
	for (unsigned i = 0; i < msg->cap_count; i++)
		nest_cap_release(&msg->caps[i]);
	msg->cap_count = 0;
}
