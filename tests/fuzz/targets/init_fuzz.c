/*
 * \brief  libFuzzer target: init's handlers driven by arbitrary children and parent
 *
 * Init serves its children's parent interface (init/sandbox/parent.c),
 * routes their session requests to its parent, to other children's servers
 * or to itself (session.c, config_rom.c), and serves its own parent the
 * sessions a <service> forwards to a child (server.c). None of the callers
 * need be honest. Each input is decoded into configs that init applies and
 * calls its children and its parent make: session requests, upgrades and
 * closes with any service name, label and quota, announcements with any
 * root, exits, resource and yield requests, heartbeats, calls on the
 * sessions they got, raw requests, with capabilities that are valid,
 * stale, forged or of another interface. The children's processes are
 * fakes (fake_process.c) that the fuzzer plays from the moment core starts
 * them; their servers answer init's requests at once, later, never, or
 * refuse them, and a process ends by exit or signal when the input says.
 * Core below init and init's parent are the world of init_world.c.
 *
 * After each step (once every event is handled) the target checks:
 *   - quota is conserved at core and no account uses more than it has
 *     (world_check); each child has at core what init assigned it, less
 *     what its sessions hold, plus what its clients donated to it; what
 *     children pay for their session records is what init holds for them;
 *     a child that does not run holds no session and no PD;
 *   - a session whose close was answered is refused to its client, at
 *     whichever server it was (init, its parent, a child);
 *   - every state report is well-formed XML, every request init passes on
 *     is printable, init never waits for a server that does not answer or
 *     for itself (init_world.c, fake_transport.c);
 * and after the input, once init ended every child (sandbox_fini) and its
 * parent took back what its clients donated: init's quota is whole again,
 * init holds no RAM and no capability at core, every PD it opened for a
 * child is closed, every process reaped, every descriptor closed.
 * LeakSanitizer finds memory that is not freed.
 *
 * An input is init's RAM and capability quota (amounts, fuzz_input.h), then
 * operations: a byte that selects one of operations[] and the arguments
 * that function reads. A config is a length and its text; a child is picked
 * by a byte among the children that run (in the order core started them);
 * a capability by a byte among those its holder has of the kinds that fit,
 * or with the top bit set of any kind. With NEST_FUZZ_TRACE set, the calls
 * and their results go to stderr (and init's log to stdout).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session_args.h>
#include <nest/session/log.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/rom.h>
#include <nest/session/root.h>
#include "init/sandbox/sandbox.h"
#include "lib/base/rpc_wire.h"
#include "tests/fuzz/targets/caller.h"
#include "tests/fuzz/targets/fake_env.h"
#include "tests/fuzz/targets/fake_process.h"
#include "tests/fuzz/targets/fake_transport.h"
#include "tests/fuzz/targets/fuzz_check.h"
#include "tests/fuzz/targets/fuzz_input.h"
#include "tests/fuzz/targets/init_world.h"
#include "tests/fuzz/targets/slots.h"

enum {
	MAX_CHILDREN = 16, MAX_SLOTS = 64, MAX_CALLS = 32, MAX_OPS = 96, MAX_CONFIG = 2048,
	HOLDER_PARENT = -1,                  /* a slot of init's parent's client */
	LOG_RAM = 4096, LOG_CAPS = 1,        /* init's LOG session, as the runtime opens it */
};

struct fake_child {                      /* a process init started, played by the fuzzer */
	int  pid;                            /* 0: none */
	char name[NAME_LEN];
};

enum slot_kind {
	SLOT_PARENT, SLOT_PD, SLOT_SESSION, SLOT_CONTEXT, SLOT_ROOT, SLOT_FORGED, SLOT_DATASPACE,
	SLOT_FORWARDED,
};

enum call_purpose {
	CALL_PLAIN, CALL_SESSION, CALL_CLOSE, CALL_FORWARD_SESSION, CALL_FORWARD_CLOSE,
	CALL_DATASPACE,
};

struct pending_call {                    /* a call that waits for its reply */
	bool              used;
	int               holder;
	enum call_purpose purpose;
	struct nest_cap   subject;           /* a copy of the session it closes */
	uint64_t          ram, caps;         /* a forwarded session's donation */
	struct call       call;
};

static struct {
	struct nest_env     env;
	struct sandbox      sb;
	struct caller       caller;
	struct fake_child   children[MAX_CHILDREN];
	struct slot         slots[MAX_SLOTS];
	struct pending_call calls[MAX_CALLS];
	uint64_t            ram, caps;        /* init's quota at the start */
	bool                log_opened;
	bool                config_printable; /* every config so far */
	bool                quota_spent;      /* a child spent or gave away quota itself,
	                                         or a server could not give some back */
	uint64_t            owed_ram, owed_caps;   /* donated by the parent's client, not back */
	struct fd_census    baseline;
	bool                trace;
} fuzz;

/* -- slots -- */

static struct slot *slot_add(int holder, enum slot_kind kind, struct nest_cap cap, int aux)
{
	struct slots table = { fuzz.slots, MAX_SLOTS };
	return slots_add(&table, (struct slot){ .cap = cap, .kind = kind, .holder = holder,
	                                        .aux = aux });
}

static void slot_release(struct slot *s)
{
	/* a forwarded session the parent gives up: it takes the donation back later */
	if (s->kind == SLOT_FORWARDED) {
		fuzz.owed_ram  += s->ram;
		fuzz.owed_caps += s->caps;
	}
	slot_close(s);
}

/* a slot of holder of one of the kinds in mask (slots.h) */
static struct slot *pick(struct fuzz_input *in, int holder, unsigned mask)
{
	struct slots table = { fuzz.slots, MAX_SLOTS };
	return slots_pick(&table, in, holder, mask);
}

/* the n-th child that runs, as an index, or -1 */
static int pick_child(struct fuzz_input *in)
{
	unsigned n = take_u8(in), count = 0;

	for (unsigned i = 0; i < MAX_CHILDREN; i++)
		count += fuzz.children[i].pid != 0;
	if (!count)
		return -1;
	n %= count;
	for (unsigned i = 0; i < MAX_CHILDREN; i++)
		if (fuzz.children[i].pid && n-- == 0)
			return (int)i;
	return -1;
}

/* -- the children's processes -- */

static void process_started(void *state, int pid, const char *name, int parent_cap, int pd_cap)
{
	(void)state;
	for (unsigned i = 0; i < MAX_CHILDREN; i++) {
		struct fake_child *c = &fuzz.children[i];
		if (c->pid)
			continue;
		c->pid = pid;
		snprintf(c->name, sizeof(c->name), "%s", name);
		slot_add((int)i, SLOT_PARENT, nest_cap_from_handle(parent_cap), -1);
		slot_add((int)i, SLOT_PD, nest_cap_from_handle(pd_cap), -1);
		return;
	}
	plat_close(parent_cap);                /* more children than the fuzzer plays */
	plat_close(pd_cap);
}

/* the process is gone, and with it every descriptor it had */
static void process_ended(void *state, int pid)
{
	(void)state;
	for (unsigned i = 0; i < MAX_CHILDREN; i++) {
		if (fuzz.children[i].pid != pid)
			continue;
		for (unsigned s = 0; s < MAX_SLOTS; s++)
			if (nest_cap_valid(fuzz.slots[s].cap) && fuzz.slots[s].holder == (int)i)
				slot_release(&fuzz.slots[s]);
		for (unsigned c = 0; c < MAX_CALLS; c++) {
			struct pending_call *call = &fuzz.calls[c];
			if (!call->used || call->holder != (int)i)
				continue;
			caller_abandon(&call->call);
			nest_cap_release(&call->subject);
			call->used = false;
		}
		fuzz.children[i].pid = 0;
	}
	world_process_ended(pid);
}

/* -- calls and their replies -- */

static void trace(const char *what, int holder, enum nest_error status)
{
	if (fuzz.trace)
		fprintf(stderr, "%s of %s: %s\n", what,
		        holder == HOLDER_PARENT ? "parent" : fuzz.children[holder].name,
		        nest_error_name(status));
}

/* the session was closed: it is gone at its server, whichever that is */
static void check_refused(struct nest_cap session, const char *what)
{
	uint32_t bind = NEST_WIRE_BIND;
	int mine, theirs;
	enum nest_error err;

	if (!nest_cap_valid(session))
		return;
	CHECK(plat_channel_pair(&mine, &theirs) == NEST_OK);
	err = plat_send_nonblocking(nest_cap_handle(session), &bind, sizeof(bind), &theirs, 1);
	plat_close(mine);
	plat_close(theirs);
	CHECKF(err == NEST_ERR_INVALID_CAP, "%s answered, the session is still served", what);
}

static void reply_arrived(struct pending_call *c)
{
	enum nest_error status = c->call.status;
	struct nest_cap cap = NEST_CAP_INVALID;
	struct slot *s;

	switch (c->purpose) {
	case CALL_SESSION:
		trace("session", c->holder, status);
		if (status == NEST_OK) {
			nest_msg_get_cap(&c->call.reply, &cap);
			CHECKF(nest_cap_valid(cap), "a session granted without its capability");
			slot_add(c->holder, SLOT_SESSION, cap, -1);
		}
		break;
	case CALL_CLOSE:
		trace("close", c->holder, status);
		if (status == NEST_OK)
			check_refused(c->subject, "the close of a child's session");
		break;
	case CALL_FORWARD_SESSION:
		trace("forwarded session", c->holder, status);
		if (status == NEST_OK)
			nest_msg_get_cap(&c->call.reply, &cap);
		if (status == NEST_OK && nest_cap_valid(cap) &&
		    (s = slot_add(HOLDER_PARENT, SLOT_FORWARDED, cap, -1))) {
			s->ram  = c->ram;
			s->caps = c->caps;
		} else {
			fuzz.owed_ram  += c->ram;     /* refused: the donation comes back */
			fuzz.owed_caps += c->caps;
		}
		break;
	case CALL_FORWARD_CLOSE:
		trace("close of a forwarded session", c->holder, status);
		if (status == NEST_OK)
			check_refused(c->subject, "the close of a forwarded session");
		break;
	case CALL_DATASPACE:
		if (status == NEST_OK && c->holder != HOLDER_PARENT) {
			nest_msg_get_cap(&c->call.reply, &cap);
			if (nest_cap_valid(cap))
				slot_add(c->holder, SLOT_DATASPACE, cap, -1);
		}
		break;
	case CALL_PLAIN:
		trace("call", c->holder, status);
		break;
	}
	nest_msg_release_caps(&c->call.reply);
	nest_cap_release(&c->subject);
	c->used = false;
}

static void poll_calls(void)
{
	for (unsigned i = 0; i < MAX_CALLS; i++)
		if (fuzz.calls[i].used && caller_take_reply(&fuzz.calls[i].call))
			reply_arrived(&fuzz.calls[i]);
}

/* a call of holder's on target; its reply may come at once or later. The
 * call owns subject (a copy of the session it closes) from now on. */
static void call(int holder, struct slot *target, struct nest_msg *request,
                 enum call_purpose purpose, struct nest_cap subject, uint64_t ram, uint64_t caps)
{
	static struct pending_call unsent;
	struct pending_call *c = &unsent;

	/* what init promises holds for init's objects, not for a child's */
	if (holder != HOLDER_PARENT && (!target || target->kind != SLOT_PARENT))
		purpose = purpose == CALL_DATASPACE ? purpose : CALL_PLAIN;

	for (unsigned i = 0; c == &unsent && i < MAX_CALLS; i++)
		if (!fuzz.calls[i].used)
			c = &fuzz.calls[i];
	*c = (struct pending_call){ .used = true, .holder = holder, .purpose = purpose,
	                            .subject = subject, .ram = ram, .caps = caps };
	if (c == &unsent) {                   /* the caller has no thread left to wait */
		c->call = (struct call){ .channel = -1, .status = NEST_ERR_UNAVAILABLE };
		reply_arrived(c);
	} else if (caller_call(&fuzz.caller, slot_cap(target), request, &c->call)) {
		reply_arrived(c);
	}
}

static void call_plain(int holder, struct slot *target, struct nest_msg *request)
{
	call(holder, target, request, CALL_PLAIN, NEST_CAP_INVALID, 0, 0);
}

/* a copy of what a close names, to check that it is gone afterwards */
static struct nest_cap copy_of(const struct slot *s)
{
	struct nest_cap copy = NEST_CAP_INVALID;
	if (s)
		nest_cap_copy(s->cap, &copy);
	return copy;
}

/* -- invariants -- */

static void init_logged(const char *line)
{
	if (strstr(line, "cannot revert donation") || strstr(line, "cannot take back"))
		fuzz.quota_spent = true;
}

static void check_records(void)
{
	uint64_t ram = 0, caps = 0;

	for (struct child *c = fuzz.sb.children; c; c = c->next) {
		/* once events are handled, a child that does not run has nothing
		 * but the denied requests its report shows, which hold nothing */
		bool holds = false;
		for (struct session *s = c->sessions; s; s = s->next) {
			ram  += s->record_ram;
			caps += s->record_caps;
			if (s->phase == SESSION_SERVICE_DENIED)
				CHECKF(!nest_cap_valid(s->cap) && !s->ram && !s->caps && !s->record_ram &&
				       !s->record_caps && !s->call,
				       "a denied request of \"%s\" holds something", c->name);
			else
				holds = true;
		}
		CHECKF(c->state == CHILD_RUNNING || (!holds && !nest_cap_valid(c->pd.cap)),
		       "child \"%s\" does not run and still has its %s", c->name,
		       holds ? "sessions" : "PD");
	}
	for (struct session *s = fuzz.sb.detached; s; s = s->next) {
		ram  += s->record_ram;
		caps += s->record_caps;
	}
	CHECKF(ram == fuzz.sb.record_ram && caps == fuzz.sb.record_caps,
	       "init holds ram %llu caps %llu for session records that cost ram %llu caps %llu",
	       (unsigned long long)fuzz.sb.record_ram, (unsigned long long)fuzz.sb.record_caps,
	       (unsigned long long)ram, (unsigned long long)caps);
}

struct quota_flow { unsigned __int128 ram, caps; };

/* what a session moved: from its client (donation and the price of its
 * record, unless init paid), to its server (the donation) */
static void add_session(const struct session *s, const struct child *c,
                        struct quota_flow *given, struct quota_flow *received)
{
	bool held = s->phase != SESSION_CLOSED;   /* else its server gave it back */

	if (s->client == c && !s->env) {
		given->ram  += s->record_ram;
		given->caps += s->record_caps;
		given->ram  += held ? s->ram : 0;
		given->caps += held ? s->caps : 0;
	}
	if (s->route.kind == ROUTE_CHILD && s->route.server == c && held) {
		received->ram  += s->ram;
		received->caps += s->caps;
	}
}

/* what a child has at core is what init assigned it, less what its sessions
 * hold as donations and record prices, plus what its clients' sessions (and
 * sessions of init's parent) donated to it; as long as no child spent quota
 * itself and no server lacked what it should give back, which init warns of
 * (a server may spend what it got, on its own sessions too: the quota is
 * its until it ends) */
static void check_child_accounts(void)
{
	for (struct child *c = fuzz.sb.children; !fuzz.quota_spent && c; c = c->next) {
		struct quota_flow given = { 0, 0 }, received = { 0, 0 };
		struct world_account a;

		if (c->state != CHILD_RUNNING || !world_pd_account(c->pd.cap, &a))
			continue;
		for (struct child *client = fuzz.sb.children; client; client = client->next)
			for (struct session *s = client->sessions; s; s = s->next)
				add_session(s, c, &given, &received);
		for (struct session *s = fuzz.sb.detached; s; s = s->next)
			add_session(s, c, &given, &received);
		for (struct forwarded_session *f = fuzz.sb.forwarded; f; f = f->next)
			if (f->server == c) {
				received.ram  += f->ram;
				received.caps += f->caps;
			}
		CHECKF(a.ram_quota + given.ram == c->assigned_ram + received.ram &&
		       a.cap_quota + given.caps == c->assigned_caps + received.caps,
		       "child \"%s\" has ram %llu caps %llu at core; init assigned ram %llu caps %llu, "
		       "its sessions hold ram %llu caps %llu, its clients gave ram %llu caps %llu",
		       c->name, (unsigned long long)a.ram_quota, (unsigned long long)a.cap_quota,
		       (unsigned long long)c->assigned_ram, (unsigned long long)c->assigned_caps,
		       (unsigned long long)given.ram, (unsigned long long)given.caps,
		       (unsigned long long)received.ram, (unsigned long long)received.caps);
	}
}

/* run until nothing happens any more, take the replies, check */
static void settle(void)
{
	do
		poll_calls();
	while (caller_run(&fuzz.caller));
	poll_calls();
	world_check();
	check_records();
	check_child_accounts();
}

/* -- what the input does -- */

static const char *const services[] = { "LOG", "ROM", "PD", "Timer", "Report", "Hello", "CPU" };

static void take_service(struct fuzz_input *in, char *service, size_t size)
{
	uint8_t which = take_u8(in);

	if (which < 0xf0)
		snprintf(service, size, "%s", services[which % (sizeof(services) / sizeof(services[0]))]);
	else
		take_text(in, service, size);
}

static void take_args(struct fuzz_input *in, char *args, size_t size, bool quota_only)
{
	static const char *const labels[] = { "", "config", "missing", "x", "binary" };
	uint8_t shape = take_u8(in);
	char label[96];

	if (shape & 0x80) {
		take_text(in, args, size);
		return;
	}
	if (quota_only)
		label[0] = 0;
	else if (shape & 1)
		snprintf(label, sizeof(label), "%s", labels[take_u8(in) % 5]);
	else
		take_text(in, label, sizeof(label));
	snprintf(args, size, "%s%s%sram_quota=%llu, cap_quota=%llu", label[0] ? "label=\"" : "",
	         label, label[0] ? "\", " : "", (unsigned long long)take_amount(in),
	         (unsigned long long)take_amount(in));
}

static void op_config(struct fuzz_input *in)
{
	size_t len = take_u16(in) % MAX_CONFIG, i;
	char text[MAX_CONFIG + 1];

	for (i = 0; i < len && input_left(in); i++)
		text[i] = (char)take_u8(in);
	text[i] = 0;
	/* the names of a config reach labels: may they be unprintable? */
	for (size_t j = 0; j < i; j++)
		fuzz.config_printable &= text[j] != 0 && !nest_text_control(&text[j]);
	world_expect_printable(fuzz.config_printable);
	sandbox_apply_config(&fuzz.sb, text, i);
}

static void op_session(struct fuzz_input *in)
{
	int child = pick_child(in);
	struct slot *parent = pick(in, child, KIND(SLOT_PARENT));
	char service[32], args[256];
	struct nest_msg msg;

	take_service(in, service, sizeof(service));
	take_args(in, args, sizeof(args), false);
	if (child < 0)
		return;
	nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_session));
	nest_msg_put_str(&msg, service);
	nest_msg_put_str(&msg, args);
	call(child, parent, &msg, CALL_SESSION, NEST_CAP_INVALID, 0, 0);
}

static void op_upgrade_or_close(struct fuzz_input *in)
{
	bool close = take_u8(in) & 1;
	int child = pick_child(in);
	struct slot *parent = pick(in, child, KIND(SLOT_PARENT));
	struct slot *session = pick(in, child, KIND(SLOT_SESSION));
	char args[128];
	struct nest_msg msg;

	take_args(in, args, sizeof(args), true);
	if (child < 0)
		return;
	if (close) {
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_close));
		nest_msg_put_cap(&msg, slot_cap(session));
		call(child, parent, &msg, CALL_CLOSE, copy_of(session), 0, 0);
		return;
	}
	nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_upgrade));
	nest_msg_put_cap(&msg, slot_cap(session));
	nest_msg_put_str(&msg, args);
	call_plain(child, parent, &msg);
}

static void op_announce(struct fuzz_input *in)
{
	int child = pick_child(in);
	struct slot *parent = pick(in, child, KIND(SLOT_PARENT)), *root = NULL;
	uint8_t how = take_u8(in);
	struct nest_cap cap;
	char service[32];
	struct nest_msg msg;

	take_service(in, service, sizeof(service));
	if (child < 0)
		return;
	if (how & 0x80)
		root = pick(in, child, ANY_KIND);
	else if (world_root_create(fuzz.children[child].pid, (enum server_mode)(how % SERVER_MODES), &cap))
		root = slot_add(child, SLOT_ROOT, cap, -1);
	nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_announce));
	nest_msg_put_str(&msg, service);
	nest_msg_put_cap(&msg, slot_cap(root));
	nest_msg_put_u32(&msg, how >> 6 & 1);
	call_plain(child, parent, &msg);
}

static void op_parent_other(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 8;
	int child = pick_child(in);
	struct slot *parent = pick(in, child, KIND(SLOT_PARENT));
	struct slot *context = pick(in, child, KIND(SLOT_CONTEXT));
	char args[128];
	struct nest_msg msg;

	take_args(in, args, sizeof(args), true);
	if (child < 0)
		return;
	switch (which) {
	case 0:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_exit));
		nest_msg_put_i32(&msg, (int32_t)take_u8(in));
		break;
	case 1:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_resource_request));
		nest_msg_put_str(&msg, args);
		break;
	case 2:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_resource_avail_sigh));
		nest_msg_put_cap(&msg, slot_cap(context));
		break;
	case 3:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_yield_sigh));
		nest_msg_put_cap(&msg, slot_cap(context));
		break;
	case 4:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_yield_request));
		break;
	case 5:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_yield_response));
		break;
	case 6:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_heartbeat_sigh));
		nest_msg_put_cap(&msg, slot_cap(context));
		break;
	default:
		nest_msg_start(&msg, NEST_RPC_WORD(parent, parent_op_heartbeat_response));
		break;
	}
	call_plain(child, parent, &msg);
}

/* a child calls a session it got: its config ROM, its LOG, any */
static void op_use_session(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 4;
	int child = pick_child(in);
	struct slot *session = pick(in, child, KIND(SLOT_SESSION));
	struct slot *context = pick(in, child, KIND(SLOT_CONTEXT));
	char text[128];
	struct nest_msg msg;

	take_text(in, text, sizeof(text));
	if (child < 0)
		return;
	switch (which) {
	case 0:
		nest_msg_start(&msg, NEST_RPC_WORD(rom, rom_op_dataspace));
		call(child, session, &msg, CALL_DATASPACE, NEST_CAP_INVALID, 0, 0);
		return;
	case 1:
		nest_msg_start(&msg, NEST_RPC_WORD(rom, rom_op_update));
		break;
	case 2:
		nest_msg_start(&msg, NEST_RPC_WORD(rom, rom_op_sigh));
		nest_msg_put_cap(&msg, slot_cap(context));
		break;
	default:
		nest_msg_start(&msg, NEST_RPC_WORD(log, log_op_write));
		nest_msg_put_str(&msg, text);
		break;
	}
	call_plain(child, session, &msg);
}

/* a child spends or gives away its quota at core, behind init's back */
static void op_own_pd(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 3;
	int child = pick_child(in);
	struct slot *pd = pick(in, child, KIND(SLOT_PD));
	struct slot *to = pick(in, child, ANY_KIND);
	uint64_t amount = take_amount(in);
	struct nest_msg msg;

	if (child < 0)
		return;
	fuzz.quota_spent = true;
	if (which == 0) {
		nest_msg_start(&msg, NEST_RPC_WORD(pd, pd_op_alloc_ram));
		nest_msg_put_u64(&msg, amount);
		call(child, pd, &msg, CALL_DATASPACE, NEST_CAP_INVALID, 0, 0);
		return;
	}
	if (which == 1) {
		nest_msg_start(&msg, NEST_RPC_WORD(pd, pd_op_transfer_quota));
		nest_msg_put_cap(&msg, slot_cap(to));
		nest_msg_put_u64(&msg, amount);
		nest_msg_put_u64(&msg, take_amount(in));
	} else {
		nest_msg_start(&msg, NEST_RPC_WORD(pd, pd_op_alloc_caps));
		nest_msg_put_u32(&msg, (uint32_t)amount);
	}
	call_plain(child, pd, &msg);
}

static void op_server(struct fuzz_input *in)
{
	uint8_t which = take_u8(in);
	int child = pick_child(in);

	if (which & 1)
		world_root_answer(which >> 1, (which >> 1) % 3 ? NEST_OK : NEST_ERR_DENIED);
	else if (child >= 0)
		world_server_mode(fuzz.children[child].pid, (enum server_mode)((which >> 1) % SERVER_MODES));
}

static void op_process_end(struct fuzz_input *in)
{
	int child = pick_child(in);
	uint8_t how = take_u8(in);

	if (child >= 0)
		fake_process_end(fuzz.children[child].pid, how & 1, how >> 1);
}

/* init's parent asks for a session that init forwards to a child */
static void op_forward_session(struct fuzz_input *in)
{
	unsigned n = take_u8(in);
	uint64_t ram = take_amount(in), caps = take_amount(in);
	char label[64], args[160];
	struct nest_cap root;
	struct slot target;
	struct nest_msg msg;

	take_text(in, label, sizeof(label));
	if (!world_announced(n, &root))
		return;
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%llu, cap_quota=%llu", label,
	         (unsigned long long)ram, (unsigned long long)caps);
	if (world_donate_to_init(ram, caps))
		return;                           /* a parent asks only with the donation */
	target = (struct slot){ .cap = root };
	nest_msg_start(&msg, NEST_RPC_WORD(root, root_op_session));
	nest_msg_put_str(&msg, args);
	call(HOLDER_PARENT, &target, &msg, CALL_FORWARD_SESSION, NEST_CAP_INVALID, ram, caps);
}

static void op_forwarded(struct fuzz_input *in)
{
	bool close = take_u8(in) & 1;
	unsigned n = take_u8(in);
	uint64_t ram = take_amount(in), caps = take_amount(in);
	struct slot *session = pick(in, HOLDER_PARENT, KIND(SLOT_FORWARDED));
	struct nest_cap root, subject;
	struct slot target;
	char args[96];
	struct nest_msg msg;

	if (!session || !world_announced(n, &root))
		return;
	target = (struct slot){ .cap = root };
	if (!close) {
		if (world_donate_to_init(ram, caps))
			return;
		session->ram  += ram;
		session->caps += caps;
		snprintf(args, sizeof(args), "ram_quota=%llu, cap_quota=%llu", (unsigned long long)ram,
		         (unsigned long long)caps);
		nest_msg_start(&msg, NEST_RPC_WORD(root, root_op_upgrade));
		nest_msg_put_cap(&msg, session->cap);
		nest_msg_put_str(&msg, args);
		call_plain(HOLDER_PARENT, &target, &msg);
		return;
	}
	subject = copy_of(session);
	nest_msg_start(&msg, NEST_RPC_WORD(root, root_op_close));
	nest_msg_put_cap(&msg, session->cap);
	call(HOLDER_PARENT, &target, &msg, CALL_FORWARD_CLOSE, subject, 0, 0);
	slot_release(session);                /* the parent takes the donation back in any case */
}

/* time passes: Timer sessions fire, and so does a wake-up init's entrypoint
 * has scheduled (nest_ep_run would call it) */
static void op_timer(struct fuzz_input *in)
{
	struct nest_signal_handler *wake = fuzz.env.ep.wake;
	(void)in;

	world_timer_fire();
	if (wake) {
		fuzz.env.ep.wake = NULL;
		wake->handle(wake->state, 1);
	}
}

static void op_make(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 3;
	int child = pick_child(in), a, b;

	if (child < 0)
		return;
	if (which == 0 && plat_signal_create(&a, &b) == NEST_OK)
		slot_add(child, SLOT_CONTEXT, nest_cap_from_handle(b), a);
	if (which == 1 && plat_channel_pair(&a, &b) == NEST_OK)
		slot_add(child, SLOT_FORGED, nest_cap_from_handle(a), b);
	if (which == 2 && plat_channel_pair(&a, &b) == NEST_OK) {
		plat_close(b);
		slot_add(child, SLOT_FORGED, nest_cap_from_handle(a), -1);
	}
}

static void op_drop(struct fuzz_input *in)
{
	int child = pick_child(in);
	struct slot *s = pick(in, child, ANY_KIND);

	if (child >= 0 && s)
		slot_release(s);
}

static void op_spawn_fails(struct fuzz_input *in)
{
	fake_process_hooks.fail_spawn = take_u8(in) & 1;
}

static const char *const interfaces[] = { "parent", "pd", "rom", "log", "root", "timer", "report" };

static void op_raw(struct fuzz_input *in)
{
	int child = pick_child(in);
	struct slot *target = pick(in, child, ANY_KIND);
	uint8_t shape = take_u8(in), len = take_u8(in) % 64;
	uint32_t word = shape & 0x80 ? take_u32(in)
	              : nest_rpc_interface_id(interfaces[shape % 7]) << 8 | take_u8(in);
	unsigned char payload[64];
	struct nest_msg msg;

	for (unsigned i = 0; i < len; i++)
		payload[i] = take_u8(in);
	if (child < 0)
		return;
	fuzz.quota_spent = true;              /* a raw request may move quota, too */
	nest_msg_start(&msg, word);
	nest_msg_put_raw(&msg, payload, len);
	msg.cap_count = take_u8(in) % (NEST_MSG_MAX_CAPS + 1);
	for (unsigned i = 0; i < msg.cap_count; i++) {
		msg.caps[i] = slot_cap(pick(in, child, ANY_KIND));
		if (!nest_cap_valid(msg.caps[i]))
			msg.cap_count = i;
	}
	call_plain(child, target, &msg);
}

static void (*const operations[])(struct fuzz_input *) = {
	op_config, op_session, op_session, op_upgrade_or_close, op_announce, op_parent_other,
	op_use_session, op_own_pd, op_server, op_process_end, op_forward_session, op_forwarded,
	op_timer, op_make, op_drop, op_spawn_fails, op_raw,
};

/* -- one input -- */

/* each RPC object and signal context costs init a capability at core, as
 * the component runtime charges them */
static enum nest_error charge_caps(void *state, int delta)
{
	struct nest_env *env = state;
	return delta > 0 ? pd_alloc_caps(&env->pd, (uint32_t)delta)
	                 : pd_free_caps(&env->pd, (uint32_t)-delta);
}

static void boot(struct fuzz_input *in)
{
	struct nest_env *env = &fuzz.env;
	struct nest_cap parent, pd, log = NEST_CAP_INVALID;
	char args[64];

	memset(&fuzz.children, 0, sizeof(fuzz.children));
	for (unsigned i = 0; i < MAX_SLOTS; i++)
		fuzz.slots[i] = (struct slot){ .aux = -1 };
	for (unsigned i = 0; i < MAX_CALLS; i++)
		fuzz.calls[i].used = false;
	fuzz.owed_ram = fuzz.owed_caps = 0;
	fuzz.config_printable = true;
	fuzz.quota_spent      = false;
	fuzz.ram  = take_amount(in);
	fuzz.caps = take_amount(in);
	fake_process_hooks = (struct fake_process_hooks){
		.started = process_started, .ended = process_ended };
	fake_env_logged = init_logged;
	world_boot(fuzz.ram, fuzz.caps, &parent, &pd);

	memset(env, 0, sizeof(*env));
	CHECK(nest_ep_init(&env->ep) == NEST_OK);
	env->name = "init";
	env->resource_waitset = env->resource_avail = env->resource_avail_sender = -1;
	parent_client_init(&env->parent, parent);
	pd_client_init(&env->pd, pd);
	env->ep.charge_caps  = charge_caps;
	env->ep.charge_state = env;
	fake_transport = (struct fake_transport){ world_ep(), &env->ep, world_answers };
	fuzz.caller = (struct caller){ .eps = { &env->ep, world_ep() }, .ep_count = 2 };
	/* as the runtime does before component_construct */
	snprintf(args, sizeof(args), "ram_quota=%u, cap_quota=%u", LOG_RAM, LOG_CAPS);
	fuzz.log_opened = nest_env_session(env, "LOG", args, &log) == NEST_OK;
	log_client_init(&env->log, log);
	sandbox_init(&fuzz.sb, env);
}

/* init ends all children; its parent takes back what its client donated;
 * then init's quota must be whole again */
static void shut_down(void)
{
	struct nest_env *env = &fuzz.env;
	struct world_account account;

	sandbox_fini(&fuzz.sb);
	settle();
	CHECK(!fuzz.sb.children && !fuzz.sb.services && !fuzz.sb.pending && !fuzz.sb.detached &&
	      !fuzz.sb.forwarded && !fuzz.sb.record_ram && !fuzz.sb.record_caps);
	CHECKF(world_pd_sessions() == 0, "a PD init opened for a child is still open");
	CHECKF(world_parent_sessions() == fuzz.log_opened, "init keeps a session at its parent");
	for (unsigned i = 0; i < MAX_SLOTS; i++)
		if (nest_cap_valid(fuzz.slots[i].cap))
			slot_release(&fuzz.slots[i]);
	for (unsigned i = 0; i < MAX_CALLS; i++)
		if (fuzz.calls[i].used) {
			caller_abandon(&fuzz.calls[i].call);
			nest_cap_release(&fuzz.calls[i].subject);
			fuzz.calls[i].used = false;
		}
	CHECKF(world_take_back_from_init(fuzz.owed_ram, fuzz.owed_caps) == NEST_OK,
	       "init cannot give back the %llu bytes and %llu caps its parent's client donated",
	       (unsigned long long)fuzz.owed_ram, (unsigned long long)fuzz.owed_caps);
	world_init_account(&account);
	CHECKF(account.ram_quota == fuzz.ram - (fuzz.log_opened ? LOG_RAM : 0) &&
	       account.cap_quota == fuzz.caps - (fuzz.log_opened ? LOG_CAPS : 0) &&
	       account.ram_used == 0,
	       "init's quota is not whole again: ram %llu (of %llu), caps %llu (of %llu), "
	       "ram used %llu", (unsigned long long)account.ram_quota,
	       (unsigned long long)fuzz.ram, (unsigned long long)account.cap_quota,
	       (unsigned long long)fuzz.caps, (unsigned long long)account.ram_used);

	if (fuzz.log_opened)
		nest_env_close(env, env->log.cap);
	log_client_fini(&env->log);
	nest_ep_fini(&env->ep);
	world_init_account(&account);
	CHECKF(account.cap_used == 0, "init still holds %llu caps at core",
	       (unsigned long long)account.cap_used);
	parent_client_fini(&env->parent);
	pd_client_fini(&env->pd);
	world_shut_down();
	fd_census_expect_same(&fuzz.baseline, "after init ended");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;

	signal(SIGPIPE, SIG_IGN);             /* as every component */
	fuzz.trace = getenv("NEST_FUZZ_TRACE") != NULL;
	fuzz_raise_descriptor_limit();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_input in;
	static unsigned n;

	in = (struct fuzz_input){ data, size, 0 };
	fd_census_take(&fuzz.baseline);
	boot(&in);
	if (setjmp(fake_env_exit) == 0) {
		for (n = 0; n < MAX_OPS && input_left(&in); n++) {
			operations[take_u8(&in) % (sizeof(operations) / sizeof(operations[0]))](&in);
			settle();
		}
	} else if (fuzz.trace) {
		fprintf(stderr, "init exited\n");
	}
	shut_down();
	return 0;
}
