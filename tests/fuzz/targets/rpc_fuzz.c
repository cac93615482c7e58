/*
 * \brief  libFuzzer target: RPC unmarshalling of arbitrary request bytes
 *
 * A server dispatches whatever a client sends. The generated dispatch of an
 * interface with every argument kind gets the fuzzer's bytes as a request
 * (and one real capability at index 0): it must refuse malformed requests,
 * hand handlers only strings terminated inside the message and byte ranges
 * inside it, release every received capability, and build a reply that fits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/entrypoint.h>
#include <nest/platform.h>

#define FZ_ALL(IN, OUT)  IN(i32, a) IN(u32, b) IN(i64, c) IN(u64, d) IN(str, e) IN(bytes, f) \
                         IN(cap, g) OUT(u64, r) OUT(bytes, o) OUT(cap, oc)
#define FZ_STRS(IN, OUT) IN(str, s) IN(str, t) IN(cap, x) IN(cap, y) OUT(u32, n)
#define FZ_NONE(IN, OUT)
#define FZ_INTERFACE(RPC) RPC(fz, all, FZ_ALL) RPC(fz, strs, FZ_STRS) RPC(fz, none, FZ_NONE)

NEST_RPC_INTERFACE(fz, FZ_INTERFACE)
NEST_RPC_DISPATCH(fz, FZ_INTERFACE)

struct fz_server { struct nest_msg *msg; };

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "invariant violated: %s\n", #cond); abort(); } } while (0)

static void check_inside(struct fz_server *s, const void *p, size_t len)
{
	const unsigned char *b = p, *data = s->msg->data;
	CHECK(b >= data && b + len <= data + s->msg->len);
}

enum nest_error fz_serve_all(struct fz_server *s, int32_t a, uint32_t b, int64_t c, uint64_t d,
                             const char *e, struct nest_bytes f, struct nest_cap g,
                             uint64_t *r, struct nest_bytes *o, struct nest_cap *oc)
{
	size_t len = strlen(e);
	check_inside(s, e, len + 1);
	check_inside(s, f.data, f.len);
	CHECK(o->capacity >= f.len);
	memcpy(o->data, f.data, f.len);
	o->len = f.len;
	*r = (uint64_t)a + b + (uint64_t)c + d + len;
	*oc = g;                       /* lent back: the reply may carry it */
	return NEST_OK;
}

enum nest_error fz_serve_strs(struct fz_server *s, const char *a, const char *b,
                              struct nest_cap x, struct nest_cap y, uint32_t *n)
{
	check_inside(s, a, strlen(a) + 1);
	check_inside(s, b, strlen(b) + 1);
	*n = (uint32_t)(strlen(a) + strlen(b)) + nest_cap_valid(x) + nest_cap_valid(y);
	return NEST_OK;
}

enum nest_error fz_serve_none(struct fz_server *s)
{
	(void)s;
	return NEST_OK;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct nest_msg msg;
	struct fz_server server = { &msg };
	int a, b;
	enum nest_error err;

	if (size < NEST_MSG_HEADER || size > NEST_MSG_MAX)
		return 0;
	memcpy(msg.data, data, size);
	msg.len   = (uint32_t)size;
	msg.pos   = NEST_MSG_HEADER;
	msg.error = NEST_OK;
	/* a real capability at index 0, owned by the message like a received one */
	if (plat_channel_pair(&a, &b))
		abort();
	plat_close(b);
	msg.caps[0]   = nest_cap_from_handle(a);
	msg.cap_count = 1;

	err = fz_dispatch(&server, &msg);
	CHECK(msg.len >= NEST_MSG_HEADER && msg.len <= NEST_MSG_MAX);
	CHECK(nest_msg_word(&msg) < NEST_ERR_COUNT);
	CHECK(msg.cap_count <= NEST_MSG_MAX_CAPS);
	(void)err;
	/* reply capabilities are lent: what the handler lent is the request's,
	 * already released by the dispatch, so nothing may be left open */
	CHECK(fcntl(a, F_GETFD) < 0);
	return 0;
}
