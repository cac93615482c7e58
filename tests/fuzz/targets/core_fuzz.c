/*
 * \brief  libFuzzer target: core's services driven by arbitrary calls of its clients
 *
 * Core serves init, and through init's routes every component; none of them
 * need be honest. Each input is decoded into a sequence of calls that they
 * could make: session requests, upgrades and closes at core's parent
 * interface, and calls on every session and object they got (PD, ROM, LOG,
 * CPU, RM and its region maps, Report), with capabilities that are valid,
 * stale, forged, copied or of another interface, with amounts near the
 * limits of 64 bits, and raw requests. The calls travel as a client's do,
 * through a channel bound via the capability into core's own entrypoint
 * (caller.c). Processes are fakes (fake_process.c) that an input ends by
 * exit or signal; modules can be rewritten as the boot directory can.
 *
 * After each call the target checks what core promises:
 *   - quota is conserved: the quota of every PD plus the donations the
 *     sessions hold is what init started with; no account uses more than its
 *     quota, and what it uses is its dataspaces and capabilities;
 *   - core answers every call on its objects at once, with an error value,
 *     and a refusal carries no capability; PD quota() tells the account;
 *   - an object that is gone is refused to every holder of its capability:
 *     a closed session's, and every object made in it (the PD's own
 *     capability, region maps), and the RAM of a freed dataspace or closed
 *     PD is gone from every copy of it;
 *   - regions lie inside their region map and their dataspace, page-aligned,
 *     and do not overlap;
 *   - a process gets its binary as a ROM and its PD's own capability only;
 * and after the input, once core closed every session and init's PD: every
 * descriptor core received or made is closed, every process reaped, and no
 * report file is left. LeakSanitizer finds memory that is not freed.
 *
 * An input is a flags byte (bit 0: core has a report directory), init's RAM
 * and capability quota (amounts, fuzz_input.h), then operations: a byte that
 * selects one of operations[] and the arguments that function reads. Where
 * a capability is expected, a byte picks the n-th (modulo) the client holds
 * of the kinds that fit, or with its top bit set of any kind. With
 * NEST_FUZZ_TRACE set, each call and its result go to stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nest/platform.h>
#include <nest/session/cpu.h>
#include <nest/session/log.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/report.h>
#include <nest/session/rm.h>
#include <nest/session/rom.h>
#include "core/core.h"
#include "lib/base/rpc_wire.h"
#include "tests/fuzz/targets/caller.h"
#include "tests/fuzz/targets/core_accounts.h"
#include "tests/fuzz/targets/fake_process.h"
#include "tests/fuzz/targets/fuzz_check.h"
#include "tests/fuzz/targets/fuzz_input.h"
#include "tests/fuzz/targets/slots.h"

enum { MAX_SLOTS = 48, MAX_OPS = 128, MODULE_COUNT = 4, BIG_MODULE_SIZE = 3 * 4096 + 100 };

/* what a client holds: a capability of a kind it learned with it */
enum slot_kind {
	SLOT_PARENT, SLOT_PD_OWN, SLOT_PD, SLOT_ROM, SLOT_LOG, SLOT_CPU, SLOT_RM, SLOT_REPORT,
	SLOT_REGION_MAP, SLOT_RAM_DS, SLOT_ROM_DS, SLOT_REPORT_DS, SLOT_CONTEXT, SLOT_FORGED,
};

#define SESSION_KINDS (KIND(SLOT_PD) | KIND(SLOT_ROM) | KIND(SLOT_LOG) | KIND(SLOT_CPU) | \
                       KIND(SLOT_RM) | KIND(SLOT_REPORT))
#define OBJECT_KINDS  (SESSION_KINDS | KIND(SLOT_PARENT) | KIND(SLOT_PD_OWN) | \
                       KIND(SLOT_REGION_MAP))
#define DS_KINDS      (KIND(SLOT_RAM_DS) | KIND(SLOT_ROM_DS) | KIND(SLOT_REPORT_DS))

static struct {
	struct core        core;
	struct boot_module modules[MODULE_COUNT];
	struct caller      caller;
	struct slot        slots[MAX_SLOTS];
	uint64_t           ram, caps;          /* init's quota at the start */
	int                report_dir;         /* a scratch directory for all inputs */
	char               report_path[64];
	struct fd_census   baseline;
	bool               trace;              /* NEST_FUZZ_TRACE=1: each call on stderr */
} fuzz;

static const char *const module_names[MODULE_COUNT] = { "init", "config", "big", "empty" };
static char big_module[BIG_MODULE_SIZE];

static const char *module_content(unsigned i)
{
	size_t size;

	switch (i) {
	case 0:  return fake_process_binary(&size);
	case 1:  return "<config/>";
	case 2:  return big_module;
	default: return "";
	}
}

static size_t module_size(unsigned i)
{
	size_t size = 0;

	if (i == 0)
		fake_process_binary(&size);
	return i == 0 ? size : i == 2 ? sizeof(big_module) : strlen(module_content(i));
}

/* -- slots -- */

static struct slot *slot_add(enum slot_kind kind, struct nest_cap cap, uint64_t session, int aux)
{
	struct slots table = { fuzz.slots, MAX_SLOTS };
	return slots_add(&table, (struct slot){ .cap = cap, .kind = kind, .session = session,
	                                        .aux = aux });
}

/* a slot of one of the kinds in mask (slots.h) */
static struct slot *pick(struct fuzz_input *in, unsigned mask)
{
	struct slots table = { fuzz.slots, MAX_SLOTS };
	return slots_pick(&table, in, 0, mask);
}

static uint64_t cap_ident(struct nest_cap cap)
{
	uint64_t ident = 0;
	nest_cap_ident(cap, &ident);
	return ident;
}

static uint64_t ident_of(const struct slot *s)
{
	return s ? cap_ident(s->cap) : 0;
}

/* the session a slot's object belongs to: itself for a session */
static uint64_t session_of(const struct slot *s)
{
	return s ? s->session : 0;
}

static uint64_t fd_size(struct nest_cap cap)
{
	struct stat st;
	CHECK(fstat(nest_cap_handle(cap), &st) == 0);
	return (uint64_t)st.st_size;
}

static uint64_t page_round(uint64_t size)
{
	uint64_t page = plat_page_size();
	return size > UINT64_MAX - page ? UINT64_MAX : (size + page - 1) / page * page;
}

static const struct boot_module *module_by_ident(uint64_t ident)
{
	uint64_t module_ident;
	for (unsigned i = 0; i < MODULE_COUNT; i++)
		if (plat_ident(fuzz.modules[i].fd, &module_ident) == NEST_OK && module_ident == ident)
			return &fuzz.modules[i];
	return NULL;
}

static const struct dataspace *dataspace_by_ident(uint64_t ident)
{
	for (struct pd_server *pd = fuzz.core.pds; pd; pd = pd->next)
		for (struct dataspace *ds = pd->dataspaces; ds; ds = ds->next)
			if (ds->ident == ident)
				return ds;
	return NULL;
}

/* -- invariants -- */

/* a bind through cap fails, as it does for every holder of a dissolved object */
static bool refused(struct nest_cap cap)
{
	uint32_t bind = NEST_WIRE_BIND;
	int mine, theirs;
	enum nest_error err;

	CHECK(plat_channel_pair(&mine, &theirs) == NEST_OK);
	err = plat_send_nonblocking(nest_cap_handle(cap), &bind, sizeof(bind), &theirs, 1);
	plat_close(mine);
	plat_close(theirs);
	return err == NEST_ERR_INVALID_CAP;
}

static void check_accounts(void)
{
	unsigned __int128 ram = 0, caps = 0;

	core_accounts_check(&fuzz.core, &ram, &caps);
	for (struct core_session *s = fuzz.core.sessions; s; s = s->next) {
		CHECK(nest_ep_lookup(&fuzz.core.ep, s->object->cap) == s->object);
		ram  += s->ram_donated;
		caps += s->caps_donated;
	}
	CHECKF(ram == fuzz.ram && caps == fuzz.caps,
	       "quota not conserved: ram %llu (of %llu), caps %llu (of %llu)",
	       (unsigned long long)ram, (unsigned long long)fuzz.ram, (unsigned long long)caps,
	       (unsigned long long)fuzz.caps);
}

/* every object that is gone is refused; RAM that is freed is gone */
static void check_slots(void)
{
	for (unsigned i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &fuzz.slots[i];
		const struct dataspace *ds;
		if (!nest_cap_valid(s->cap))
			continue;
		if ((KIND(s->kind) & OBJECT_KINDS) && !s->dead &&
		    !nest_ep_lookup(&fuzz.core.ep, s->cap)) {
			CHECKF(refused(s->cap), "a capability of a dissolved object still binds");
			s->dead = true;
		}
		if (s->kind == SLOT_RAM_DS) {
			ds = dataspace_by_ident(ident_of(s));
			CHECKF(fd_size(s->cap) == (ds ? ds->size : 0),
			       "RAM dataspace of %llu bytes, %s", (unsigned long long)fd_size(s->cap),
			       ds ? "allocated" : "freed");
		}
	}
}

/* the session of ident was closed: so is everything made in it */
static void check_closed(uint64_t ident)
{
	for (unsigned i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &fuzz.slots[i];
		if (!nest_cap_valid(s->cap) || s->session != ident)
			continue;
		if (KIND(s->kind) & OBJECT_KINDS)
			CHECKF(!nest_ep_lookup(&fuzz.core.ep, s->cap) && refused(s->cap),
			       "an object of a closed session is still served");
		if (s->kind == SLOT_RAM_DS || s->kind == SLOT_REPORT_DS)
			CHECKF(fd_size(s->cap) == 0, "a dataspace of a closed session keeps its RAM");
	}
}

/* -- calls -- */

static const char *const interfaces[] = {
	"parent", "pd", "rom", "log", "cpu", "rm", "region_map", "report", "root",
};

static void trace(const struct slot *target, uint32_t word, enum nest_error status)
{
	const char *name = "?";

	for (unsigned i = 0; i < sizeof(interfaces) / sizeof(interfaces[0]); i++)
		if (word >> 8 == nest_rpc_interface_id(interfaces[i]))
			name = interfaces[i];
	fprintf(stderr, "%s op %u on slot %d: %s\n", name, word & 0xff,
	        target ? (int)(target - fuzz.slots) : -1, nest_error_name(status));
}

/* call target's object with request; core answers at once */
static enum nest_error call(struct slot *target, struct nest_msg *request, struct call *reply)
{
	bool served = target && nest_ep_lookup(&fuzz.core.ep, target->cap);

	uint32_t word = nest_msg_word(request);

	if (!caller_call(&fuzz.caller, slot_cap(target), request, reply)) {
		CHECKF(!served, "core left a call unanswered");
		caller_abandon(reply);             /* a forged capability: nobody serves it */
		reply->status = NEST_ERR_UNAVAILABLE;
	}
	if (fuzz.trace)
		trace(target, word, reply->status);
	check_accounts();
	check_slots();
	return reply->status;
}

/* a reply's capability goes to a new slot */
static struct slot *take_cap(struct call *reply, enum slot_kind kind, uint64_t session)
{
	struct nest_cap cap = NEST_CAP_INVALID;
	nest_msg_get_cap(&reply->reply, &cap);
	CHECKF(nest_cap_valid(cap), "a reply lacks its capability");
	return slot_add(kind, cap, session, -1);
}

static void done(struct call *reply)
{
	nest_msg_release_caps(&reply->reply);
}

static void start(struct nest_msg *msg, uint32_t word)
{
	nest_msg_start(msg, word);
}

/* -- the parent interface -- */

static const char *const services[] = { "PD", "ROM", "LOG", "CPU", "RM", "Report", "Timer", "" };
static const enum slot_kind service_kinds[] = {
	SLOT_PD, SLOT_ROM, SLOT_LOG, SLOT_CPU, SLOT_RM, SLOT_REPORT, SLOT_FORGED, SLOT_FORGED,
};

/* session arguments, mostly well-formed; the quota at its boundaries */
static void take_args(struct fuzz_input *in, char *args, size_t size, bool quota_only)
{
	uint8_t shape = take_u8(in);
	char label[64];
	int len;

	if (shape & 0x80) {                   /* anything at all */
		take_text(in, args, size);
		return;
	}
	if (quota_only) {
		label[0] = 0;
	} else if (shape & 1) {
		snprintf(label, sizeof(label), "%s", module_names[take_u8(in) % MODULE_COUNT]);
	} else {
		take_text(in, label, sizeof(label));
	}
	len = snprintf(args, size, "%s%s%sram_quota=%llu, cap_quota=%llu",
	               label[0] ? "label=\"" : "", label, label[0] ? "\", " : "",
	               (unsigned long long)take_amount(in), (unsigned long long)take_amount(in));
	if ((shape & 2) && len > 0 && (size_t)len < size)
		len += snprintf(args + len, size - (size_t)len, ", buffer_size=%llu",
		                (unsigned long long)take_amount(in));
	if ((shape & 4) && len > 0 && (size_t)len < size)
		snprintf(args + len, size - (size_t)len, ", affinity_x=%u, affinity_width=%u",
		         take_u8(in), take_u8(in));
}

static void op_session(struct fuzz_input *in)
{
	unsigned which = take_u8(in) % (sizeof(services) / sizeof(services[0]));
	struct slot *parent = pick(in, KIND(SLOT_PARENT));
	char args[256];
	struct nest_msg msg;
	struct call reply;
	struct slot *s;

	take_args(in, args, sizeof(args), false);
	start(&msg, NEST_RPC_WORD(parent, parent_op_session));
	nest_msg_put_str(&msg, services[which]);
	nest_msg_put_str(&msg, args);
	if (call(parent, &msg, &reply) == NEST_OK && (s = take_cap(&reply, service_kinds[which], 0)))
		s->session = ident_of(s);
	done(&reply);
}

static void op_upgrade(struct fuzz_input *in)
{
	struct slot *parent = pick(in, KIND(SLOT_PARENT)), *session = pick(in, SESSION_KINDS);
	char args[256];
	struct nest_msg msg;
	struct call reply;

	take_args(in, args, sizeof(args), true);
	start(&msg, NEST_RPC_WORD(parent, parent_op_upgrade));
	nest_msg_put_cap(&msg, slot_cap(session));
	nest_msg_put_str(&msg, args);
	call(parent, &msg, &reply);
	done(&reply);
}

static void op_close(struct fuzz_input *in)
{
	struct slot *parent = pick(in, KIND(SLOT_PARENT)), *session = pick(in, SESSION_KINDS | KIND(SLOT_REGION_MAP));
	bool alive = session && nest_ep_lookup(&fuzz.core.ep, session->cap);
	struct nest_msg msg;
	struct call reply;

	start(&msg, NEST_RPC_WORD(parent, parent_op_close));
	nest_msg_put_cap(&msg, slot_cap(session));
	if (call(parent, &msg, &reply) == NEST_OK) {
		CHECKF(alive, "core closed a session that was gone");
		CHECKF(!nest_ep_lookup(&fuzz.core.ep, session->cap) && refused(session->cap),
		       "a closed session is still served");
		check_closed(ident_of(session));
	}
	done(&reply);
}

static void op_parent_other(struct fuzz_input *in)
{
	struct slot *parent = pick(in, KIND(SLOT_PARENT));
	struct nest_msg msg;
	struct call reply;
	char text[128];

	switch (take_u8(in) % 9) {
	case 0:
		take_text(in, text, sizeof(text));
		start(&msg, NEST_RPC_WORD(parent, parent_op_announce));
		nest_msg_put_str(&msg, text);
		nest_msg_put_cap(&msg, slot_cap(pick(in, ANY_KIND)));
		nest_msg_put_u32(&msg, take_u8(in) & 1);
		break;
	case 1:
		start(&msg, NEST_RPC_WORD(parent, parent_op_exit));
		nest_msg_put_i32(&msg, (int32_t)take_u32(in));
		break;
	case 2:
		take_args(in, text, sizeof(text), true);
		start(&msg, NEST_RPC_WORD(parent, parent_op_resource_request));
		nest_msg_put_str(&msg, text);
		break;
	case 3:
		start(&msg, NEST_RPC_WORD(parent, parent_op_resource_avail_sigh));
		nest_msg_put_cap(&msg, slot_cap(pick(in, KIND(SLOT_CONTEXT))));
		break;
	case 4:
		start(&msg, NEST_RPC_WORD(parent, parent_op_yield_sigh));
		nest_msg_put_cap(&msg, slot_cap(pick(in, KIND(SLOT_CONTEXT))));
		break;
	case 5:
		start(&msg, NEST_RPC_WORD(parent, parent_op_yield_request));
		break;
	case 6:
		start(&msg, NEST_RPC_WORD(parent, parent_op_yield_response));
		break;
	case 7:
		start(&msg, NEST_RPC_WORD(parent, parent_op_heartbeat_sigh));
		nest_msg_put_cap(&msg, slot_cap(pick(in, KIND(SLOT_CONTEXT))));
		break;
	default:
		start(&msg, NEST_RPC_WORD(parent, parent_op_heartbeat_response));
		break;
	}
	call(parent, &msg, &reply);
	done(&reply);
}

/* -- PD -- */

#define PD_KINDS (KIND(SLOT_PD) | KIND(SLOT_PD_OWN))

static struct pd_server *pd_of(const struct slot *s)
{
	struct nest_rpc_object *o = s ? nest_ep_lookup(&fuzz.core.ep, s->cap) : NULL;
	for (struct pd_server *pd = fuzz.core.pds; o && pd; pd = pd->next)
		if (&pd->object == o || &pd->own == o)
			return pd;
	return NULL;
}

static void op_alloc_ram(struct fuzz_input *in)
{
	struct slot *pd = pick(in, PD_KINDS), *ds;
	uint64_t size = take_amount(in);
	struct nest_msg msg;
	struct call reply;

	start(&msg, NEST_RPC_WORD(pd, pd_op_alloc_ram));
	nest_msg_put_u64(&msg, size);
	if (call(pd, &msg, &reply) == NEST_OK && (ds = take_cap(&reply, SLOT_RAM_DS, session_of(pd))))
		CHECKF(fd_size(ds->cap) == page_round(size), "%llu bytes allocated as %llu",
		       (unsigned long long)size, (unsigned long long)fd_size(ds->cap));
	done(&reply);
}

static void op_pd_dataspace(struct fuzz_input *in)
{
	static const enum pd_opcode ops[] = { pd_op_free_ram, pd_op_dataspace_info, pd_op_seal_ram };
	enum pd_opcode op = ops[take_u8(in) % 3];
	struct slot *pd = pick(in, PD_KINDS), *ds = pick(in, DS_KINDS);
	struct nest_msg msg;
	struct call reply;
	uint64_t size = 0;
	uint32_t kind = 0, writable = 0;
	bool rom;

	start(&msg, NEST_RPC_WORD(pd, op));
	nest_msg_put_cap(&msg, slot_cap(ds));
	if (call(pd, &msg, &reply) == NEST_OK && op == pd_op_dataspace_info) {
		nest_msg_get_u64(&reply.reply, &size);
		nest_msg_get_u32(&reply.reply, &kind);
		nest_msg_get_u32(&reply.reply, &writable);
		rom = module_by_ident(ident_of(ds)) != NULL;
		CHECKF(size == fd_size(ds->cap), "dataspace of %llu bytes said to have %llu",
		       (unsigned long long)fd_size(ds->cap), (unsigned long long)size);
		CHECKF(kind == (rom ? NEST_DATASPACE_ROM : NEST_DATASPACE_RAM) &&
		       (!writable || !(fcntl(nest_cap_handle(ds->cap), F_GET_SEALS) & F_SEAL_WRITE)),
		       "a %s dataspace said to be of kind %u, %s", rom ? "ROM" : "RAM", kind,
		       writable ? "writable" : "read-only");
	}
	done(&reply);
}

static void op_transfer(struct fuzz_input *in)
{
	struct slot *pd = pick(in, PD_KINDS), *to = pick(in, PD_KINDS);
	struct nest_msg msg;
	struct call reply;

	start(&msg, NEST_RPC_WORD(pd, pd_op_transfer_quota));
	nest_msg_put_cap(&msg, slot_cap(to));
	nest_msg_put_u64(&msg, take_amount(in));
	nest_msg_put_u64(&msg, take_amount(in));
	call(pd, &msg, &reply);
	done(&reply);
}

static void op_quota(struct fuzz_input *in)
{
	struct slot *pd = pick(in, PD_KINDS);
	struct pd_server *server = pd_of(pd);
	uint64_t values[4] = { 0 };
	struct nest_msg msg;
	struct call reply;

	start(&msg, NEST_RPC_WORD(pd, pd_op_quota));
	if (call(pd, &msg, &reply) == NEST_OK) {
		for (unsigned i = 0; i < 4; i++)
			nest_msg_get_u64(&reply.reply, &values[i]);
		CHECK(server && values[0] == server->account.ram_quota &&
		      values[1] == server->account.ram_used && values[2] == server->account.cap_quota &&
		      values[3] == server->account.cap_used);
	}
	done(&reply);
}

static void op_caps(struct fuzz_input *in)
{
	bool alloc = take_u8(in) & 1;
	struct slot *pd = pick(in, PD_KINDS);
	struct nest_msg msg;
	struct call reply;

	start(&msg, alloc ? NEST_RPC_WORD(pd, pd_op_alloc_caps) : NEST_RPC_WORD(pd, pd_op_free_caps));
	nest_msg_put_u32(&msg, (uint32_t)take_amount(in));
	call(pd, &msg, &reply);
	done(&reply);
}

static void op_start(struct fuzz_input *in)
{
	struct slot *pd = pick(in, PD_KINDS), *binary = pick(in, DS_KINDS);
	struct slot *parent = pick(in, ANY_KIND);
	char name[32];
	struct nest_msg msg;
	struct call reply;

	take_text(in, name, sizeof(name));
	start(&msg, NEST_RPC_WORD(pd, pd_op_start));
	nest_msg_put_cap(&msg, slot_cap(binary));
	nest_msg_put_cap(&msg, slot_cap(parent));
	nest_msg_put_str(&msg, name);
	call(pd, &msg, &reply);
	done(&reply);
}

static void op_pd_life(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 3;
	struct slot *pd = pick(in, PD_KINDS);
	struct nest_msg msg;
	struct call reply;

	if (which == 0) {
		start(&msg, NEST_RPC_WORD(pd, pd_op_stop));
	} else if (which == 1) {
		start(&msg, NEST_RPC_WORD(pd, pd_op_exit_sigh));
		nest_msg_put_cap(&msg, slot_cap(pick(in, KIND(SLOT_CONTEXT))));
	} else {
		start(&msg, NEST_RPC_WORD(pd, pd_op_exit_state));
	}
	call(pd, &msg, &reply);
	done(&reply);
}

/* a process ends as the kernel would end it; core learns of it by its pidfd */
static void op_process_end(struct fuzz_input *in)
{
	int pid = fake_process_running(take_u8(in));
	uint8_t how = take_u8(in);

	if (pid)
		fake_process_end(pid, how & 1, how >> 1);
	caller_run(&fuzz.caller);
	check_accounts();
	check_slots();
}

/* a process holds its own PD capability, which its parent cannot take
 * back: the fuzzer plays the process with it */
static void process_started(void *state, int pid, const char *name, int parent_cap, int pd_cap)
{
	struct nest_cap own = nest_cap_from_handle(pd_cap);
	struct nest_rpc_object *o = nest_ep_lookup(&fuzz.core.ep, own);
	struct pd_server *pd = o ? o->state : NULL;
	(void)state; (void)pid; (void)name;

	CHECKF(pd && o == &pd->own, "a process got a PD capability other than its own");
	plat_close(parent_cap);
	slot_add(SLOT_PD_OWN, own, pd->object.ident, -1);
}

/* -- ROM -- */

static void op_rom(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 3;
	struct slot *rom = pick(in, KIND(SLOT_ROM)), *ds;
	struct nest_msg msg;
	struct call reply;
	uint64_t size = 0;

	if (which == 0) {
		start(&msg, NEST_RPC_WORD(rom, rom_op_dataspace));
	} else if (which == 1) {
		start(&msg, NEST_RPC_WORD(rom, rom_op_update));
	} else {
		start(&msg, NEST_RPC_WORD(rom, rom_op_sigh));
		nest_msg_put_cap(&msg, slot_cap(pick(in, KIND(SLOT_CONTEXT))));
	}
	if (call(rom, &msg, &reply) == NEST_OK && which == 0 && (ds = take_cap(&reply, SLOT_ROM_DS, 0))) {
		nest_msg_get_u64(&reply.reply, &size);
		CHECKF(size == fd_size(ds->cap) && (fcntl(nest_cap_handle(ds->cap), F_GET_SEALS) &
		                                    F_SEAL_WRITE),
		       "a ROM dataspace that is not sealed or not of its size");
	}
	done(&reply);
}

/* a module rewritten in the boot directory becomes a new version
 * (core/linux/boot_watch.c, as boot_module_reload does it) */
static void op_module_changed(struct fuzz_input *in)
{
	unsigned i = take_u8(in) % MODULE_COUNT;
	struct boot_module *m = &fuzz.modules[i];
	int fd;

	CHECK(rom_memfd_create(module_content(i), module_size(i), m->name, &fd) == NEST_OK);
	plat_close(m->fd);
	m->fd = fd;
	m->version++;
	rom_module_changed(&fuzz.core, m);
	caller_run(&fuzz.caller);
}

/* -- LOG and CPU -- */

static void op_log(struct fuzz_input *in)
{
	struct slot *log = pick(in, KIND(SLOT_LOG));
	char text[256];
	struct nest_msg msg;
	struct call reply;

	take_text(in, text, sizeof(text));
	start(&msg, NEST_RPC_WORD(log, log_op_write));
	nest_msg_put_str(&msg, text);
	call(log, &msg, &reply);
	done(&reply);
}

static void op_cpu(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 4;
	struct slot *cpu = pick(in, KIND(SLOT_CPU));
	char name[96];
	struct nest_msg msg;
	struct call reply;

	switch (which) {
	case 0:
		take_text(in, name, sizeof(name));
		start(&msg, NEST_RPC_WORD(cpu, cpu_op_create_thread));
		nest_msg_put_str(&msg, name);
		break;
	case 1:
		start(&msg, NEST_RPC_WORD(cpu, cpu_op_kill_thread));
		nest_msg_put_u32(&msg, take_u8(in));
		break;
	case 2:
		start(&msg, NEST_RPC_WORD(cpu, cpu_op_thread_name));
		nest_msg_put_u32(&msg, take_u8(in));
		break;
	default:
		start(&msg, NEST_RPC_WORD(cpu, cpu_op_thread_count));
		break;
	}
	call(cpu, &msg, &reply);
	done(&reply);
}

/* -- RM and region maps -- */

/* the regions as region() lists them: inside the map and their dataspace,
 * page-aligned, not overlapping, writable only if RAM */
static void check_region_map(struct slot *map)
{
	struct { uint64_t at, size; } regions[64];
	uint64_t page = plat_page_size(), map_size = 0;
	unsigned count = 0;
	struct nest_msg msg;
	struct call reply;

	start(&msg, NEST_RPC_WORD(region_map, region_map_op_size));
	if (call(map, &msg, &reply) != NEST_OK)
		return;
	nest_msg_get_u64(&reply.reply, &map_size);
	for (uint32_t i = 0; ; i++) {
		struct nest_cap ds = NEST_CAP_INVALID;
		uint64_t at = 0, offset = 0, size = 0;
		uint32_t writable = 0;

		start(&msg, NEST_RPC_WORD(region_map, region_map_op_region));
		nest_msg_put_u32(&msg, i);
		if (call(map, &msg, &reply) != NEST_OK)
			break;
		CHECKF(i < 64, "more regions than a map holds");
		nest_msg_get_cap(&reply.reply, &ds);
		nest_msg_get_u64(&reply.reply, &at);
		nest_msg_get_u64(&reply.reply, &offset);
		nest_msg_get_u64(&reply.reply, &size);
		nest_msg_get_u32(&reply.reply, &writable);
		CHECK(reply.reply.error == NEST_OK && nest_cap_valid(ds));
		CHECKF(size && !(at % page) && !(size % page) && !(offset % page) &&
		       at <= map_size && size <= map_size - at,
		       "region at 0x%llx of 0x%llx bytes in a map of 0x%llx", (unsigned long long)at,
		       (unsigned long long)size, (unsigned long long)map_size);
		/* RAM freed since stays attached, truncated to nothing */
		CHECKF(!fd_size(ds) ||
		       (offset <= page_round(fd_size(ds)) && size <= page_round(fd_size(ds)) - offset),
		       "region of 0x%llx bytes at offset 0x%llx of a dataspace of 0x%llx bytes",
		       (unsigned long long)size, (unsigned long long)offset,
		       (unsigned long long)fd_size(ds));
		CHECKF(!writable || !module_by_ident(cap_ident(ds)),
		       "a ROM module attached writable");
		for (unsigned j = 0; j < count; j++)
			CHECKF(at + size <= regions[j].at || regions[j].at + regions[j].size <= at,
			       "regions overlap");
		regions[count].at = at;
		regions[count].size = size;
		count++;
		nest_cap_release(&ds);
		done(&reply);
	}
	done(&reply);
}

static void op_rm(struct fuzz_input *in)
{
	bool create = take_u8(in) & 1;
	struct slot *rm = pick(in, KIND(SLOT_RM)), *map = NULL;
	struct nest_msg msg;
	struct call reply;

	if (create) {
		start(&msg, NEST_RPC_WORD(rm, rm_op_create));
		nest_msg_put_u64(&msg, take_amount(in));
	} else {
		start(&msg, NEST_RPC_WORD(rm, rm_op_destroy));
		nest_msg_put_cap(&msg, slot_cap(map = pick(in, KIND(SLOT_REGION_MAP))));
	}
	if (call(rm, &msg, &reply) == NEST_OK) {
		if (create)
			take_cap(&reply, SLOT_REGION_MAP, session_of(rm));
		else
			CHECKF(refused(map->cap), "a destroyed region map is still served");
	}
	done(&reply);
}

static void op_attach(struct fuzz_input *in)
{
	struct slot *map = pick(in, KIND(SLOT_REGION_MAP)), *ds = pick(in, DS_KINDS);
	uint8_t where = take_u8(in);
	struct nest_msg msg;
	struct call reply;

	start(&msg, NEST_RPC_WORD(region_map, region_map_op_attach));
	nest_msg_put_cap(&msg, slot_cap(ds));
	nest_msg_put_u64(&msg, where & 1 ? (uint64_t)NEST_RM_ANYWHERE : take_amount(in));
	nest_msg_put_u64(&msg, where & 2 ? 0 : take_amount(in));
	nest_msg_put_u64(&msg, where & 4 ? 0 : take_amount(in));
	nest_msg_put_u32(&msg, where >> 3 & 1);
	if (call(map, &msg, &reply) == NEST_OK)
		check_region_map(map);
	done(&reply);
}

static void op_region_map(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 4;
	struct slot *map = pick(in, KIND(SLOT_REGION_MAP)), *ds;
	struct nest_msg msg;
	struct call reply;

	switch (which) {
	case 0:
		start(&msg, NEST_RPC_WORD(region_map, region_map_op_detach));
		nest_msg_put_u64(&msg, take_amount(in));
		break;
	case 1:
		start(&msg, NEST_RPC_WORD(region_map, region_map_op_region));
		nest_msg_put_u32(&msg, take_u8(in));
		break;
	case 2:
		start(&msg, NEST_RPC_WORD(region_map, region_map_op_size));
		break;
	default:
		start(&msg, NEST_RPC_WORD(region_map, region_map_op_sigh));
		nest_msg_put_cap(&msg, slot_cap(pick(in, KIND(SLOT_CONTEXT))));
		break;
	}
	if (call(map, &msg, &reply) == NEST_OK) {
		if (which == 0)
			check_region_map(map);
		if (which == 1 && (ds = take_cap(&reply, SLOT_RAM_DS, 0)) &&
		    module_by_ident(ident_of(ds)))
			ds->kind = SLOT_ROM_DS;
	}
	done(&reply);
}

/* -- Report -- */

static void op_report(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 3;
	struct slot *report = pick(in, KIND(SLOT_REPORT)), *ds;
	struct nest_msg msg;
	struct call reply;
	uint64_t size = 0;

	if (which == 0) {
		start(&msg, NEST_RPC_WORD(report, report_op_dataspace));
	} else if (which == 1) {
		start(&msg, NEST_RPC_WORD(report, report_op_submit));
		nest_msg_put_u64(&msg, take_amount(in));
	} else {
		start(&msg, NEST_RPC_WORD(report, report_op_clear));
	}
	if (call(report, &msg, &reply) == NEST_OK && which == 0 &&
	    (ds = take_cap(&reply, SLOT_REPORT_DS, session_of(report)))) {
		nest_msg_get_u64(&reply.reply, &size);
		CHECK(size == fd_size(ds->cap));
	}
	done(&reply);
}

/* -- what any client can do -- */

/* a request of any interface and operation, with any payload and capabilities */
static void op_raw(struct fuzz_input *in)
{
	struct slot *target = pick(in, ANY_KIND);
	uint8_t shape = take_u8(in), len = take_u8(in) % 64;
	uint32_t word = shape & 0x80 ? take_u32(in)
	              : nest_rpc_interface_id(interfaces[shape % 9]) << 8 | take_u8(in);
	unsigned char payload[64];
	struct nest_msg msg;
	struct call reply;

	for (unsigned i = 0; i < len; i++)
		payload[i] = take_u8(in);
	start(&msg, word);
	nest_msg_put_raw(&msg, payload, len);
	msg.cap_count = take_u8(in) % (NEST_MSG_MAX_CAPS + 1);
	for (unsigned i = 0; i < msg.cap_count; i++) {
		msg.caps[i] = slot_cap(pick(in, ANY_KIND));
		if (!nest_cap_valid(msg.caps[i]))
			msg.cap_count = i;
	}
	call(target, &msg, &reply);
	done(&reply);
}

/* capabilities a client makes itself: signal contexts, and forgeries */
static void op_make(struct fuzz_input *in)
{
	uint8_t which = take_u8(in) % 4;
	int a, b;

	switch (which) {
	case 0:
		if (plat_signal_create(&a, &b) == NEST_OK)
			slot_add(SLOT_CONTEXT, nest_cap_from_handle(b), 0, a);
		break;
	case 1:                               /* looks like an object nobody serves */
		if (plat_channel_pair(&a, &b) == NEST_OK)
			slot_add(SLOT_FORGED, nest_cap_from_handle(a), 0, b);
		break;
	case 2:                               /* looks like RAM core did not make */
		if (ram_memfd_create(4096, &a) == NEST_OK)
			slot_add(SLOT_FORGED, nest_cap_from_handle(a), 0, -1);
		break;
	default:                              /* a dead end */
		if (plat_channel_pair(&a, &b) == NEST_OK) {
			plat_close(b);
			slot_add(SLOT_FORGED, nest_cap_from_handle(a), 0, -1);
		}
		break;
	}
}

static void op_copy_or_drop(struct fuzz_input *in)
{
	bool copy = take_u8(in) & 1;
	struct slot *s = pick(in, ANY_KIND);
	struct nest_cap dup;

	if (!s)
		return;
	if (!copy) {
		slot_close(s);
		return;
	}
	if (nest_cap_copy(s->cap, &dup) == NEST_OK)
		slot_add(s->kind, dup, s->session, -1);
}

static void op_spawn_fails(struct fuzz_input *in)
{
	fake_process_hooks.fail_spawn = take_u8(in) & 1;
}

static void (*const operations[])(struct fuzz_input *) = {
	op_session, op_session, op_upgrade, op_close, op_parent_other,
	op_alloc_ram, op_pd_dataspace, op_transfer, op_quota, op_caps, op_start, op_pd_life,
	op_process_end, op_rom, op_module_changed, op_log, op_cpu, op_rm, op_attach,
	op_region_map, op_report, op_raw, op_make, op_copy_or_drop, op_spawn_fails,
};

/* -- one input -- */

static void boot(struct fuzz_input *in)
{
	struct core *core = &fuzz.core;
	struct nest_cap copy;
	uint8_t flags = take_u8(in);

	memset(core, 0, sizeof(*core));
	for (unsigned i = 0; i < MODULE_COUNT; i++) {
		struct boot_module *m = &fuzz.modules[i];
		snprintf(m->name, sizeof(m->name), "%s", module_names[i]);
		m->size    = module_size(i);
		m->content = module_content(i);
		m->version = 0;
		CHECK(rom_memfd_create(m->content, m->size, m->name, &m->fd) == NEST_OK);
	}
	core->modules      = fuzz.modules;
	core->module_count = MODULE_COUNT;
	core->report_dir   = flags & 1 ? fuzz.report_dir : -1;
	CHECK(nest_ep_init(&core->ep) == NEST_OK && core_parent_init(core) == NEST_OK &&
	      core_spawner_init(core, &core->tracer) == NEST_OK);
	CHECK((core->init_pd = pd_create(core, "init", NULL, 0, 1)));
	fuzz.ram  = core->init_pd->account.ram_quota = take_amount(in);
	fuzz.caps = core->init_pd->account.cap_quota = take_amount(in);
	fuzz.caller = (struct caller){ .eps = { &core->ep }, .ep_count = 1 };
	for (unsigned i = 0; i < MAX_SLOTS; i++)
		fuzz.slots[i] = (struct slot){ .aux = -1 };
	/* what init starts with: its parent and its own PD */
	CHECK(nest_cap_copy(core->init_parent.object.cap, &copy) == NEST_OK);
	slot_add(SLOT_PARENT, copy, 0, -1);
	CHECK(nest_cap_copy(core->init_pd->own.cap, &copy) == NEST_OK);
	slot_add(SLOT_PD_OWN, copy, 0, -1);
	fake_process_hooks = (struct fake_process_hooks){ .started = process_started };
}

static unsigned report_files(void)
{
	int fd = openat(fuzz.report_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	unsigned count = 0;

	CHECK(dir != NULL);
	for (struct dirent *e; (e = readdir(dir)); )
		count += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dir);
	return count;
}

/* core ends as it does when init ends: every session closed, init's PD too */
static void shut_down(void)
{
	struct core *core = &fuzz.core;

	core_close_all_sessions(core);
	pd_destroy(core->init_pd);
	core->init_pd = NULL;
	caller_run(&fuzz.caller);            /* the processes of closed PDs are reaped */
	CHECK(!core->sessions && !core->pds);
	CHECKF(!core->zombies && fake_process_count() == 0, "a process was never reaped");
	for (unsigned i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &fuzz.slots[i];
		if (nest_cap_valid(s->cap) && s->kind != SLOT_PARENT && (KIND(s->kind) & OBJECT_KINDS))
			CHECKF(refused(s->cap), "an object outlived core's sessions");
		slot_close(s);
	}
	nest_ep_fini(&core->ep);
	sandbox_spawner_stop(&core->sandbox);
	for (unsigned i = 0; i < MODULE_COUNT; i++)
		plat_close(fuzz.modules[i].fd);
	fd_census_expect_same(&fuzz.baseline, "after core closed every session");
	CHECKF(report_files() == 0, "a report file outlived its session");
	fake_process_reset();
}

static void remove_report_dir(void)
{
	rmdir(fuzz.report_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;

	signal(SIGPIPE, SIG_IGN);             /* as core: a context may be gone */
	fuzz.trace = getenv("NEST_FUZZ_TRACE") != NULL;
	fuzz_raise_descriptor_limit();
	memset(big_module, 'x', sizeof(big_module));
	snprintf(fuzz.report_path, sizeof(fuzz.report_path), "%s/nest-core-fuzz.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(fuzz.report_path) && report_dir_open(fuzz.report_path, &fuzz.report_dir) == NEST_OK);
	atexit(remove_report_dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, 0 };

	fd_census_take(&fuzz.baseline);
	boot(&in);
	for (unsigned n = 0; n < MAX_OPS && input_left(&in); n++)
		operations[take_u8(&in) % (sizeof(operations) / sizeof(operations[0]))](&in);
	shut_down();
	return 0;
}
