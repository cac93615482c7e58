/*
 * \brief  Unit test of RPC: marshalling, channels, capability passing, revocation
 *
 * The server runs in a forked process with its own entrypoint, as a real
 * component would; the test process is the client.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nest/entrypoint.h>
#include <nest/platform.h>
#include "tests/unit.h"
#include "lib/base/rpc_wire.h"

#define TESTIF_ADD(IN, OUT)    IN(i32, a) IN(i32, b) OUT(i32, sum)
#define TESTIF_ECHO(IN, OUT)   IN(bytes, in) OUT(bytes, out)
#define TESTIF_CONCAT(IN, OUT) IN(str, a) IN(str, b) OUT(bytes, result) OUT(u64, len)
#define TESTIF_MAKE(IN, OUT)   OUT(cap, object)
#define TESTIF_REVOKE(IN, OUT) IN(cap, object)
#define TESTIF_KEEP(IN, OUT)   IN(cap, a) IN(cap, b) IN(cap, c) IN(cap, d) OUT(u32, count)
#define TESTIF_GIVE(IN, OUT)   OUT(cap, a) OUT(cap, b) OUT(cap, c) OUT(cap, d)
#define TESTIF_SAME(IN, OUT)   IN(cap, a) IN(cap, b) OUT(u32, same)
#define TESTIF_EXIT(IN, OUT)
#define TESTIF_WAIT(IN, OUT)    OUT(u32, value)
#define TESTIF_RELEASE(IN, OUT) IN(u32, value) OUT(u32, released)
#define TESTIF_INTERFACE(RPC) \
	RPC(testif, wait, TESTIF_WAIT) RPC(testif, release, TESTIF_RELEASE) \
	RPC(testif, add, TESTIF_ADD) RPC(testif, echo, TESTIF_ECHO) \
	RPC(testif, concat, TESTIF_CONCAT) RPC(testif, make, TESTIF_MAKE) \
	RPC(testif, revoke, TESTIF_REVOKE) RPC(testif, keep, TESTIF_KEEP) \
	RPC(testif, give, TESTIF_GIVE) RPC(testif, same, TESTIF_SAME) \
	RPC(testif, exit, TESTIF_EXIT)

NEST_RPC_INTERFACE(testif, TESTIF_INTERFACE)
NEST_RPC_CLIENT(testif, TESTIF_INTERFACE)
NEST_RPC_ASYNC(testif, TESTIF_INTERFACE)
NEST_RPC_DISPATCH(testif, TESTIF_INTERFACE)

/* another interface whose first operation has testif's opcode and arguments */
#define OTHERIF_ADD(IN, OUT) IN(i32, a) IN(i32, b) OUT(i32, sum)
#define OTHERIF_INTERFACE(RPC) RPC(otherif, add, OTHERIF_ADD)
NEST_RPC_INTERFACE(otherif, OTHERIF_INTERFACE)
NEST_RPC_CLIENT(otherif, OTHERIF_INTERFACE)

enum { MAX_OBJECTS = 8 };

struct testif_server {
	struct nest_entrypoint *ep;
	struct nest_rpc_object  object;
	struct testif_server   *children[MAX_OBJECTS];
	struct nest_cap         kept[4];
	struct nest_reply       waiting;
	int                     has_waiting;
};

/* the reply to wait is deferred until some other client calls release */
enum nest_error testif_serve_wait(struct testif_server *s, uint32_t *value)
{
	(void)value;
	if (s->has_waiting)
		return NEST_ERR_EXISTS;
	s->has_waiting = 1;
	return nest_ep_defer(s->ep, &s->waiting);
}

enum nest_error testif_serve_release(struct testif_server *s, uint32_t value, uint32_t *released)
{
	*released = s->has_waiting &&
	            testif_reply_wait(s->ep, &s->waiting, NEST_OK, value) == NEST_OK;
	s->has_waiting = 0;
	return NEST_OK;
}

enum nest_error testif_serve_add(struct testif_server *s, int32_t a, int32_t b, int32_t *sum)
{
	(void)s;
	*sum = a + b;
	return NEST_OK;
}

enum nest_error testif_serve_echo(struct testif_server *s, struct nest_bytes in,
                                  struct nest_bytes *out)
{
	(void)s;
	if (in.len > out->capacity)
		return NEST_ERR_MSG_TOO_LARGE;
	memcpy(out->data, in.data, in.len);
	out->len = in.len;
	return NEST_OK;
}

enum nest_error testif_serve_concat(struct testif_server *s, const char *a, const char *b,
                                    struct nest_bytes *result, uint64_t *len)
{
	(void)s;
	size_t la = strlen(a), lb = strlen(b);
	if (la + lb > result->capacity)
		return NEST_ERR_MSG_TOO_LARGE;
	memcpy(result->data, a, la);
	memcpy((char *)result->data + la, b, lb);
	result->len = la + lb;
	*len = la + lb;
	return NEST_OK;
}

enum nest_error testif_serve_make(struct testif_server *s, struct nest_cap *object)
{
	for (unsigned i = 0; i < MAX_OBJECTS; i++) {
		if (s->children[i])
			continue;
		struct testif_server *c = calloc(1, sizeof(*c));
		c->ep = s->ep;
		nest_ep_manage(s->ep, &c->object, testif, c);
		s->children[i] = c;
		*object = c->object.cap;
		return NEST_OK;
	}
	return NEST_ERR_OUT_OF_CAPS;
}

enum nest_error testif_serve_revoke(struct testif_server *s, struct nest_cap object)
{
	struct nest_rpc_object *o = nest_ep_lookup(s->ep, object);
	for (unsigned i = 0; o && i < MAX_OBJECTS; i++)
		if (s->children[i] && &s->children[i]->object == o) {
			nest_ep_dissolve(o);
			free(s->children[i]);
			s->children[i] = NULL;
			return NEST_OK;
		}
	return NEST_ERR_NOT_FOUND;
}

enum nest_error testif_serve_keep(struct testif_server *s, struct nest_cap a, struct nest_cap b,
                                  struct nest_cap c, struct nest_cap d, uint32_t *count)
{
	struct nest_cap in[4] = { a, b, c, d };
	*count = 0;
	for (unsigned i = 0; i < 4; i++) {
		nest_cap_release(&s->kept[i]);
		if (nest_cap_valid(in[i]) && nest_cap_copy(in[i], &s->kept[i]) == NEST_OK)
			(*count)++;
	}
	return NEST_OK;
}

enum nest_error testif_serve_give(struct testif_server *s, struct nest_cap *a, struct nest_cap *b,
                                  struct nest_cap *c, struct nest_cap *d)
{
	*a = s->kept[0]; *b = s->kept[1]; *c = s->kept[2]; *d = s->kept[3];
	return NEST_OK;
}

enum nest_error testif_serve_same(struct testif_server *s, struct nest_cap a, struct nest_cap b,
                                  uint32_t *same)
{
	(void)s;
	*same = nest_cap_same(a, b);
	return NEST_OK;
}

enum nest_error testif_serve_exit(struct testif_server *s)
{
	(void)s;
	_exit(0);
}

/* forks a server; returns the client of its root object */
static pid_t start_server(struct testif_client *client)
{
	int sv[2];
	struct nest_cap cap;
	pid_t pid;

	plat_channel_pair(&sv[0], &sv[1]);
	pid = fork();
	if (pid == 0) {
		static struct nest_entrypoint ep;
		static struct testif_server root;
		plat_close(sv[0]);
		nest_ep_init(&ep);
		root.ep = &ep;
		nest_ep_manage(&ep, &root.object, testif, &root);
		int h = nest_cap_handle(root.object.cap);
		plat_send(sv[1], "c", 1, &h, 1);
		nest_ep_run(&ep);
		_exit(0);
	}
	plat_close(sv[1]);
	{
		char c; size_t len; unsigned n = 0; int h = -1;
		plat_recv(sv[0], &c, 1, &len, &h, 1, &n);
		cap = nest_cap_from_handle(h);
	}
	plat_close(sv[0]);
	testif_client_init(client, cap);
	return pid;
}

static void stop_server(struct testif_client *client, pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	testif_client_fini(client);
}

UNIT_TEST(add_and_strings)
{
	struct testif_client c;
	pid_t pid = start_server(&c);
	int32_t sum = 0;
	char buf[64];
	struct nest_bytes out = { buf, 0, sizeof(buf) };
	uint64_t len = 0;

	CHECK_EQ_INT(testif_add(&c, 40, 2, &sum), NEST_OK);
	CHECK_EQ_INT(sum, 42);
	CHECK_EQ_INT(testif_add(&c, -7, 3, &sum), NEST_OK);
	CHECK_EQ_INT(sum, -4);
	CHECK_EQ_INT(testif_concat(&c, "capa", "bility", &out, &len), NEST_OK);
	CHECK_EQ_INT(len, 10);
	CHECK(out.len == 10 && memcmp(buf, "capability", 10) == 0);
	stop_server(&c, pid);
}

UNIT_TEST(all_sizes_up_to_the_limit)
{
	struct testif_client c;
	pid_t pid = start_server(&c);
	static unsigned char in[NEST_MSG_MAX], out[NEST_MSG_MAX];
	/* header (4) and length (4) leave NEST_MSG_MAX - 8 bytes of payload */
	size_t limit = NEST_MSG_MAX - 8;
	int bad = 0;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (size_t size = 0; size <= limit; size += (size < 64 ? 1 : 61)) {
		struct nest_bytes o = { out, 0, sizeof(out) };
		if (testif_echo(&c, (struct nest_bytes){ in, size, size }, &o) != NEST_OK ||
		    o.len != size || memcmp(in, out, size))
			bad++;
	}
	{
		struct nest_bytes o = { out, 0, sizeof(out) };
		CHECK_EQ_INT(testif_echo(&c, (struct nest_bytes){ in, limit, limit }, &o), NEST_OK);
		CHECK_EQ_INT(o.len, limit);
		CHECK_EQ_INT(testif_echo(&c, (struct nest_bytes){ in, limit + 1, limit + 1 }, &o),
		             NEST_ERR_MSG_TOO_LARGE);
		/* a too-small result buffer at the client is an error, not an overflow */
		struct nest_bytes small = { out, 0, 10 };
		CHECK_EQ_INT(testif_echo(&c, (struct nest_bytes){ in, 11, 11 }, &small),
		             NEST_ERR_MSG_TOO_LARGE);
	}
	CHECK_EQ_INT(bad, 0);
	stop_server(&c, pid);
}

UNIT_TEST(four_caps_each_way_and_identity)
{
	struct testif_client c;
	pid_t pid = start_server(&c);
	struct nest_cap objs[4], back[4];
	uint32_t count = 0, same = 0;

	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ_INT(testif_make(&c, &objs[i]), NEST_OK);
	CHECK_EQ_INT(testif_keep(&c, objs[0], objs[1], objs[2], objs[3], &count), NEST_OK);
	CHECK_EQ_INT(count, 4);
	CHECK_EQ_INT(testif_give(&c, &back[0], &back[1], &back[2], &back[3]), NEST_OK);
	for (unsigned i = 0; i < 4; i++) {
		CHECK(nest_cap_same(objs[i], back[i]));
		CHECK(back[i].slot != objs[i].slot);
	}
	CHECK(!nest_cap_same(objs[0], objs[1]));
	CHECK_EQ_INT(testif_same(&c, objs[2], back[2], &same), NEST_OK);
	CHECK_EQ_INT(same, 1);
	CHECK_EQ_INT(testif_same(&c, objs[2], objs[3], &same), NEST_OK);
	CHECK_EQ_INT(same, 0);
	/* a delegated capability works: call the object through the copy */
	{
		struct testif_client sub;
		int32_t sum = 0;
		testif_client_init(&sub, back[1]);
		CHECK_EQ_INT(testif_add(&sub, 1, 2, &sum), NEST_OK);
		CHECK_EQ_INT(sum, 3);
		testif_client_fini(&sub);
	}
	for (unsigned i = 0; i < 4; i++) {
		nest_cap_release(&objs[i]);
		if (i != 1) nest_cap_release(&back[i]);
	}
	stop_server(&c, pid);
}

UNIT_TEST(revoked_and_closed_caps_fail)
{
	struct testif_client c, sub;
	pid_t pid = start_server(&c);
	struct nest_cap obj, copy;
	int32_t sum = 0;

	CHECK_EQ_INT(testif_make(&c, &obj), NEST_OK);
	nest_cap_copy(obj, &copy);
	testif_client_init(&sub, copy);
	CHECK_EQ_INT(testif_add(&sub, 2, 2, &sum), NEST_OK);
	CHECK_EQ_INT(testif_revoke(&c, obj), NEST_OK);
	/* the bound channel is gone, and so is the object for new binds */
	CHECK_EQ_INT(testif_add(&sub, 2, 2, &sum), NEST_ERR_INVALID_CAP);
	CHECK_EQ_INT(testif_add(&sub, 2, 2, &sum), NEST_ERR_INVALID_CAP);
	testif_client_fini(&sub);
	testif_client_init(&sub, obj);
	CHECK_EQ_INT(testif_add(&sub, 2, 2, &sum), NEST_ERR_INVALID_CAP);
	testif_client_fini(&sub);
	/* a closed (released) capability is invalid locally */
	testif_client_init(&sub, NEST_CAP_INVALID);
	CHECK_EQ_INT(testif_add(&sub, 1, 1, &sum), NEST_ERR_INVALID_CAP);
	testif_client_fini(&sub);
	/* a forged capability: a descriptor number that is not a socket we hold */
	testif_client_init(&sub, nest_cap_from_handle(999));
	CHECK_EQ_INT(testif_add(&sub, 1, 1, &sum), NEST_ERR_INVALID_CAP);
	sub.cap = NEST_CAP_INVALID;
	testif_client_fini(&sub);
	stop_server(&c, pid);
}

UNIT_TEST(dead_server_returns_error)
{
	struct testif_client c, fresh;
	pid_t pid = start_server(&c);
	struct nest_cap obj, copy;
	int32_t sum = 0;

	CHECK_EQ_INT(testif_make(&c, &obj), NEST_OK);
	nest_cap_copy(obj, &copy);
	CHECK_EQ_INT(testif_add(&c, 1, 1, &sum), NEST_OK);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK_EQ_INT(testif_add(&c, 1, 1, &sum), NEST_ERR_INVALID_CAP);
	testif_client_init(&fresh, copy);        /* never bound: bind must fail too */
	CHECK_EQ_INT(testif_add(&fresh, 1, 1, &sum), NEST_ERR_INVALID_CAP);
	testif_client_fini(&fresh);
	nest_cap_release(&obj);
	testif_client_fini(&c);
}

/* a process calling wait on the server, exiting 0 if it got 77 back */
static pid_t start_waiter(struct testif_client *c)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct testif_client w;
		struct nest_cap copy;
		uint32_t value = 0;
		nest_cap_copy(c->cap, &copy);
		testif_client_init(&w, copy);
		_exit(testif_wait(&w, &value) == NEST_OK && value == 77 ? 0 : 1);
	}
	return pid;
}

UNIT_TEST(deferred_reply_reaches_the_blocked_caller)
{
	struct testif_client c;
	pid_t pid = start_server(&c), waiter;
	uint32_t released = 0;
	int status = 0;

	waiter = start_waiter(&c);
	/* the server serves other calls while the waiter stays blocked */
	for (int tries = 0; tries < 1000 && !released; tries++) {
		int32_t sum = 0;
		CHECK_EQ_INT(testif_add(&c, 1, 2, &sum), NEST_OK);
		CHECK_EQ_INT(testif_release(&c, 77, &released), NEST_OK);
		if (!released)
			usleep(1000);
	}
	CHECK_EQ_INT(released, 1);
	waitpid(waiter, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* a caller that died while waiting: the late reply fails, nothing else */
	waiter = start_waiter(&c);
	usleep(50000);
	kill(waiter, SIGKILL);
	waitpid(waiter, NULL, 0);
	usleep(50000);
	CHECK_EQ_INT(testif_release(&c, 1, &released), NEST_OK);
	CHECK_EQ_INT(released, 0);
	stop_server(&c, pid);
}

static int open_descriptors(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* a receiver that expects no capabilities takes none, even if sent some */
UNIT_TEST(unexpected_caps_are_dropped_not_leaked)
{
	int a, b, extra_a, extra_b, handles[4], before;
	unsigned count = 9;
	size_t len = 0;
	char buf[16];

	CHECK_EQ_INT(plat_channel_pair(&a, &b), NEST_OK);
	CHECK_EQ_INT(plat_channel_pair(&extra_a, &extra_b), NEST_OK);
	before = open_descriptors();
	CHECK_EQ_INT(plat_send(a, "hey", 4, &extra_a, 1), NEST_OK);
	CHECK_EQ_INT(plat_recv(b, buf, sizeof(buf), &len, handles, 0, &count), NEST_OK);
	CHECK_EQ_INT(len, 4);
	CHECK_EQ_INT(count, 0);
	CHECK_EQ_INT(open_descriptors(), before);
	/* and a message larger than the buffer is refused, not cut */
	CHECK_EQ_INT(plat_send(a, "0123456789abcdef0123", 20, NULL, 0), NEST_OK);
	CHECK_EQ_INT(plat_recv(b, buf, sizeof(buf), &len, handles, 0, &count), NEST_ERR_MSG_TOO_LARGE);
	plat_close(a); plat_close(b); plat_close(extra_a); plat_close(extra_b);
}

static void add_count(void *state, uint64_t count) { *(uint64_t *)state += count; }

/* every pending event of ep, handled */
static void dispatch_all(struct nest_entrypoint *ep)
{
	while (nest_ep_dispatch_one(ep, 0) == NEST_OK)
		;
}

UNIT_TEST(signals_coalesce_and_are_not_lost)
{
	struct nest_entrypoint ep;
	struct nest_signal_handler h;
	uint64_t total = 0;
	unsigned wakeups = 0;

	CHECK_EQ_INT(nest_ep_init(&ep), NEST_OK);
	CHECK_EQ_INT(nest_signal_handler_init(&ep, &h, add_count, &total), NEST_OK);
	for (int i = 0; i < 200; i++)
		CHECK_EQ_INT(nest_signal_submit(nest_signal_cap(&h), 1), NEST_OK);
	while (nest_ep_dispatch_one(&ep, 0) == NEST_OK)
		wakeups++;
	CHECK_EQ_INT(total, 200);
	CHECK(wakeups < 200 / 16);
	nest_signal_submit(nest_signal_cap(&h), 5);
	CHECK_EQ_INT(nest_ep_dispatch_one(&ep, 1000), NEST_OK);
	CHECK_EQ_INT(total, 205);
	CHECK_EQ_INT(nest_ep_dispatch_one(&ep, 0), NEST_ERR_UNAVAILABLE);
	nest_ep_fini(&ep);
}

struct wake_test { struct nest_entrypoint *ep; int woken; };

static void wake_stops(void *state, uint64_t count)
{
	struct wake_test *t = state;
	(void)count;
	t->woken = 1;
	nest_ep_stop(t->ep);
}

static void safety_stops(void *state, uint64_t count)
{
	(void)count;
	nest_ep_stop(((struct wake_test *)state)->ep);
}

/* the one local wake-up runs with no event at all; a signal from another
 * process, two seconds later, only keeps a broken one from waiting forever */
UNIT_TEST(wake_up_runs_without_any_event)
{
	static struct nest_entrypoint ep;
	struct nest_signal_handler wake, safety;
	struct wake_test t = { &ep, 0 };
	pid_t pid;

	CHECK_EQ_INT(nest_ep_init(&ep), NEST_OK);
	CHECK_EQ_INT(nest_signal_handler_init(&ep, &wake, wake_stops, &t), NEST_OK);
	CHECK_EQ_INT(nest_signal_handler_init(&ep, &safety, safety_stops, &t), NEST_OK);
	pid = fork();
	if (pid == 0) {
		plat_sleep_us(2000 * 1000);
		nest_signal_submit(nest_signal_cap(&safety), 1);
		_exit(0);
	}
	nest_ep_wake_after(&ep, &wake, 20 * 1000);
	nest_ep_run(&ep);
	CHECK(t.woken);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	nest_ep_fini(&ep);
}

/* what a holder of the signal capability can read from it, without waiting */
static int drain_attempt(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t value = 0;
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		return 0;
	return read(fd, &value, sizeof(value)) > 0;
}

UNIT_TEST(signal_capability_lets_its_holder_submit_only)
{
	struct nest_entrypoint ep;
	struct nest_signal_handler h;
	struct nest_cap copy;
	uint64_t total = 0;
	int drained = 0;

	CHECK_EQ_INT(nest_ep_init(&ep), NEST_OK);
	CHECK_EQ_INT(nest_signal_handler_init(&ep, &h, add_count, &total), NEST_OK);
	CHECK_EQ_INT(nest_cap_copy(nest_signal_cap(&h), &copy), NEST_OK);
	for (int i = 0; i < 5; i++) {
		CHECK_EQ_INT(nest_signal_submit(copy, 1), NEST_OK);
		drained += drain_attempt(nest_cap_handle(copy));
	}
	dispatch_all(&ep);
	CHECK_EQ_INT(drained, 0);
	CHECK_EQ_INT(total, 5);
	nest_cap_release(&copy);
	nest_ep_fini(&ep);
}

/* a submitter never waits: not for a context nobody takes, nor for a
 * "context" that is a blocking, full counter (a hung test is the failure) */
UNIT_TEST(submitting_never_blocks)
{
	struct nest_entrypoint ep;
	struct nest_signal_handler h;
	uint64_t total = 0, full = UINT64_MAX - 1;
	int counter = eventfd(0, EFD_CLOEXEC);

	CHECK_EQ_INT(nest_ep_init(&ep), NEST_OK);
	CHECK_EQ_INT(nest_signal_handler_init(&ep, &h, add_count, &total), NEST_OK);
	for (int i = 0; i < 100000; i++)
		CHECK_EQ_INT(nest_signal_submit(nest_signal_cap(&h), 1), NEST_OK);
	dispatch_all(&ep);
	CHECK(total > 0 && total <= 100000);

	CHECK(write(counter, &full, sizeof(full)) == sizeof(full));
	CHECK(nest_signal_submit(nest_cap_from_handle(counter), 1) != NEST_OK);
	close(counter);
	nest_ep_fini(&ep);
}

/* a channel of our own to the object of cap, bound by hand; *server_end
 * keeps a copy of the server's end if it is not NULL */
static int raw_bind(struct nest_cap cap, int *server_end)
{
	uint32_t word = NEST_WIRE_BIND;
	int mine, theirs;
	if (plat_channel_pair(&mine, &theirs) ||
	    plat_send(nest_cap_handle(cap), &word, sizeof(word), &theirs, 1))
		return -1;
	if (server_end)
		*server_end = theirs;
	else
		plat_close(theirs);
	return mine;
}

static void raw_add_request(struct nest_msg *msg)
{
	nest_msg_start(msg, NEST_RPC_WORD(testif, testif_op_add));
	nest_msg_put_i32(msg, 1);
	nest_msg_put_i32(msg, 2);
}

UNIT_TEST(client_not_taking_replies_loses_its_channel_not_the_server)
{
	struct testif_client c;
	pid_t pid = start_server(&c);
	struct nest_msg msg;
	int attacker = raw_bind(c.cap, NULL), sent = 0, sum_ok = 0;
	enum nest_error err = NEST_OK;

	CHECK(attacker >= 0);
	raw_add_request(&msg);
	while (sent < 100000 && (err = plat_send(attacker, msg.data, msg.len, NULL, 0)) == NEST_OK) {
		sent++;
		if (sent % 1000 == 0) {
			int32_t sum = 0;
			sum_ok += testif_add(&c, 3, 4, &sum) == NEST_OK && sum == 7;
		}
	}
	/* the server dropped the channel once our replies did not fit */
	CHECK_EQ_INT(err, NEST_ERR_INVALID_CAP);
	CHECK_EQ_INT(sum_ok, sent / 1000);
	{
		int32_t sum = 0;
		CHECK_EQ_INT(testif_add(&c, 3, 4, &sum), NEST_OK);
		CHECK_EQ_INT(sum, 7);
	}
	plat_close(attacker);
	stop_server(&c, pid);
}

struct stealer { int fd, replies; volatile int stop; unsigned stolen; };

/* takes every request off the server's end as soon as it arrives, and the
 * replies to those the server got first */
static void *steal(void *arg)
{
	struct stealer *s = arg;
	unsigned char buf[64];
	while (!s->stop) {
		s->stolen += recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0;
		(void)!recv(s->replies, buf, sizeof(buf), MSG_DONTWAIT);
	}
	return NULL;
}

/* the client kept a copy of the server's end of its channel and takes its
 * own requests back, racing the woken server (a hung test is the failure) */
UNIT_TEST(request_taken_back_does_not_block_the_server)
{
	struct testif_client c;
	pid_t pid = start_server(&c);
	struct stealer stealer = { .fd = -1, .stop = 0, .stolen = 0 };
	struct nest_msg msg;
	pthread_t thread;
	int mine = raw_bind(c.cap, &stealer.fd), calls = 0, served = 0;

	CHECK(mine >= 0);
	stealer.replies = mine;
	raw_add_request(&msg);
	pthread_create(&thread, NULL, steal, &stealer);
	for (int i = 0; i < 20000 && plat_send(mine, msg.data, msg.len, NULL, 0) == NEST_OK; i++) {
		if (i % 100 == 0) {
			int32_t sum = 0;
			calls++;
			served += testif_add(&c, 20, 22, &sum) == NEST_OK && sum == 42;
		}
	}
	stealer.stop = 1;
	pthread_join(thread, NULL);
	CHECK_EQ_INT(served, calls);
	CHECK(stealer.stolen > 0);
	plat_close(mine);
	plat_close(stealer.fd);
	stop_server(&c, pid);
}

struct first_caller { struct testif_client client; enum nest_error err; int32_t sum; };

static void *call_first(void *arg)
{
	struct first_caller *f = arg;
	f->err = testif_add(&f->client, 40, 2, &f->sum);
	return NULL;
}

/* a client's first call travels with its bind: the server takes both in
 * one event, where a bind alone would leave the call for a second one */
UNIT_TEST(first_request_is_served_with_its_bind)
{
	static struct nest_entrypoint ep;
	static struct testif_server server;
	static struct first_caller caller;
	struct nest_cap copy;
	pthread_t thread;

	CHECK_EQ_INT(nest_ep_init(&ep), NEST_OK);
	server.ep = &ep;
	CHECK_EQ_INT(nest_ep_manage(&ep, &server.object, testif, &server), NEST_OK);
	CHECK_EQ_INT(nest_cap_copy(server.object.cap, &copy), NEST_OK);
	testif_client_init(&caller.client, copy);
	nest_client_timeout(&caller.client.rpc, 2000);   /* ends the call if it is not served */
	pthread_create(&thread, NULL, call_first, &caller);
	CHECK_EQ_INT(nest_ep_dispatch_one(&ep, 5000), NEST_OK);
	pthread_join(thread, NULL);
	CHECK_EQ_INT(caller.err, NEST_OK);
	CHECK_EQ_INT(caller.sum, 42);
	testif_client_fini(&caller.client);
	nest_ep_fini(&ep);
}

UNIT_TEST(binding_many_channels_evicts_never_locks_out)
{
	struct testif_client c, other;
	pid_t pid = start_server(&c);
	struct nest_cap copy;
	int channels[100], evicted = 0;
	int32_t sum = 0;

	CHECK_EQ_INT(testif_add(&c, 1, 1, &sum), NEST_OK);
	for (int i = 0; i < 100; i++)
		channels[i] = raw_bind(c.cap, NULL);
	/* a holder of a copy binds and is served, and so is the evicted one */
	CHECK_EQ_INT(nest_cap_copy(c.cap, &copy), NEST_OK);
	testif_client_init(&other, copy);
	CHECK_EQ_INT(testif_add(&other, 2, 3, &sum), NEST_OK);
	CHECK_EQ_INT(sum, 5);
	CHECK_EQ_INT(testif_add(&c, 4, 5, &sum), NEST_OK);
	CHECK_EQ_INT(sum, 9);
	/* the channels evicted for them were told so */
	for (int i = 0; i < 100; i++) {
		uint32_t word = 0;
		size_t len = 0;
		unsigned count = 0;
		if (plat_recv_nonblocking(channels[i], &word, sizeof(word), &len, NULL, 0, &count) ==
		    NEST_OK && word == NEST_WIRE_EVICTED)
			evicted++;
		plat_close(channels[i]);
	}
	CHECK(evicted >= 100 - NEST_WIRE_CHANNELS);
	testif_client_fini(&other);
	stop_server(&c, pid);
}

static void async_done(struct nest_async_call *call)
{
	*(int *)call->state = 1;
}

/* a finished call leaves its channel for the next call to the same object,
 * which binds no new one; the replies stay each call's own */
UNIT_TEST(async_calls_reuse_an_idle_channel)
{
	struct testif_client c;
	pid_t pid = start_server(&c);
	static struct nest_entrypoint ep;
	static struct nest_async_call call;
	int done;
	uint64_t first = 0, channel = 0;
	int32_t sum = 0;

	CHECK_EQ_INT(nest_ep_init(&ep), NEST_OK);
	for (int32_t round = 0; round < 3; round++) {
		memset(&call, 0, sizeof(call));
		call.done  = async_done;
		call.state = &done;
		done = 0;
		CHECK_EQ_INT(testif_add_async(&ep, c.cap, &call, round, 2), NEST_OK);
		CHECK_EQ_INT(plat_ident(call.channel, &channel), NEST_OK);   /* the socket itself */
		if (round == 0)
			first = channel;
		CHECK(channel == first);
		while (!done)
			CHECK_EQ_INT(nest_ep_dispatch_one(&ep, 5000), NEST_OK);
		CHECK_EQ_INT(testif_add_result(&call, &sum), NEST_OK);
		CHECK_EQ_INT(sum, round + 2);
	}
	nest_ep_fini(&ep);
	stop_server(&c, pid);
}

UNIT_TEST(stub_of_another_interface_is_refused)
{
	struct testif_client c;
	struct otherif_client wrong;
	pid_t pid = start_server(&c);
	struct nest_cap copy;
	int32_t sum = 0;

	CHECK_EQ_INT(nest_cap_copy(c.cap, &copy), NEST_OK);
	otherif_client_init(&wrong, copy);
	CHECK_EQ_INT(otherif_add(&wrong, 1, 2, &sum), NEST_ERR_WRONG_INTERFACE);
	CHECK_EQ_INT(sum, 0);
	/* C types keep this from compiling unless cast: the server checks anyway */
	CHECK_EQ_INT(testif_add((struct testif_client *)&wrong, 1, 2, &sum), NEST_OK);
	CHECK_EQ_INT(sum, 3);
	otherif_client_fini(&wrong);
	stop_server(&c, pid);
}

struct shared_caller { struct testif_client *client; int id, bad; };

static void *call_shared(void *arg)
{
	struct shared_caller *s = arg;
	for (int i = 0; i < 2000; i++) {
		int32_t sum = 0;
		if (testif_add(s->client, s->id * 100000, i, &sum) != NEST_OK ||
		    sum != s->id * 100000 + i)
			s->bad++;
	}
	return NULL;
}

UNIT_TEST(client_shared_by_threads)
{
	struct testif_client c;
	pid_t pid = start_server(&c);
	struct shared_caller callers[4];
	pthread_t threads[4];
	int bad = 0;

	for (int i = 0; i < 4; i++) {
		callers[i] = (struct shared_caller){ &c, i + 1, 0 };
		pthread_create(&threads[i], NULL, call_shared, &callers[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		bad += callers[i].bad;
	}
	CHECK_EQ_INT(bad, 0);
	stop_server(&c, pid);
}

UNIT_MAIN()
