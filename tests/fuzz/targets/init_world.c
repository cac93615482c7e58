/*
 * \brief  The world around init in the init fuzz target (see init_world.h)
 *
 * Core's PD and LOG services are core's own code; the parent interface
 * core offers init is played here, as core/parent.c plays it: a session
 * takes its donation from init's PD and gives it back on close. The rest
 * (ROM, Timer, Report, children's servers) is as small as init's use of it
 * allows.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session_args.h>
#include <nest/xml.h>
#include <nest/session/parent.h>
#include <nest/session/report.h>
#include <nest/session/rom.h>
#include <nest/session/root.h>
#include <nest/session/timer.h>
#include "core/core.h"
#include "tests/fuzz/targets/core_accounts.h"
#include "tests/fuzz/targets/fake_process.h"
#include "tests/fuzz/targets/fuzz_check.h"
#include "tests/fuzz/targets/init_world.h"

/* core's parent interface as init sees it */
#define WORLD_PARENT_INTERFACE(RPC) PARENT_OPERATIONS(RPC, world_parent)
NEST_RPC_INTERFACE(world_parent, WORLD_PARENT_INTERFACE)
NEST_RPC_DISPATCH_AS(world_parent, parent, WORLD_PARENT_INTERFACE)

/* a root of a child's server */
#define FAKE_ROOT_INTERFACE(RPC) ROOT_OPERATIONS(RPC, fake_root)
NEST_RPC_INTERFACE(fake_root, FAKE_ROOT_INTERFACE)
NEST_RPC_DISPATCH_AS(fake_root, root, FAKE_ROOT_INTERFACE)

NEST_RPC_DISPATCH(timer, TIMER_INTERFACE)
NEST_RPC_DISPATCH(report, REPORT_INTERFACE)

enum {
	CLIENT_RAM = 1 << 30, CLIENT_CAPS = 100000,   /* of the parent's client */
	MAX_ANNOUNCED = 8, MAX_SERVERS = 64,
};

enum world_service { W_PD, W_ROM, W_LOG, W_TIMER, W_REPORT, W_SERVICES };
static const char *const world_services[W_SERVICES] = { "PD", "ROM", "LOG", "Timer", "Report" };

struct world_parent_server { struct nest_rpc_object object; };

struct world_session {
	enum world_service      service;
	struct nest_rpc_object *object;
	void                   *server;
	uint64_t                ram, caps;        /* donated by init */
	struct world_session   *next;
};

struct world_rom { struct nest_rpc_object object; };

struct timer_server {
	struct nest_rpc_object object;
	struct nest_cap        sigh;
	bool                   armed, periodic;
	struct timer_server   *next;
};

struct report_server {
	struct nest_rpc_object object;
	int                    buffer;
	void                  *content;           /* read-only, as core maps it */
	size_t                 size;
	struct core_session    at_core;           /* so that core vouches for the buffer */
};

struct fake_root_server {
	struct nest_rpc_object   object;
	int                      pid;             /* of the process that serves it */
	struct fake_root_server *next;
};

struct fake_session {
	struct nest_rpc_object object;
	int                    pid;
	struct fake_session   *next;
};

enum deferred_kind { DEFERRED_CREATE, DEFERRED_UPGRADE, DEFERRED_CLOSE };

struct deferred_call {                           /* a root's request, answered later */
	int                   pid;
	enum deferred_kind    kind;
	struct nest_reply     reply;
	struct nest_cap       session;             /* of an upgrade or close, a copy */
	struct deferred_call *next;
};

static struct {
	struct core                core;
	struct boot_module         binary;      /* what every ROM session serves */
	struct pd_server          *init_pd, *client_pd;
	unsigned __int128          ram, caps;   /* of all PDs at the start */
	struct world_parent_server parent;
	struct world_session      *sessions;
	struct timer_server       *timers;
	struct fake_root_server   *roots;
	struct fake_session       *fake_sessions;
	struct deferred_call      *deferred;
	struct { int pid; enum server_mode mode; } modes[MAX_SERVERS];
	struct nest_cap            announced[MAX_ANNOUNCED];
	unsigned                   announced_count;
	bool                       init_exited;
	bool                       expect_printable;
} world;

struct nest_entrypoint *world_ep(void)
{
	return &world.core.ep;
}

/* core's PD service starts binaries it knows: this one */
const struct boot_module *core_module_by_cap(struct core *core, struct nest_cap cap)
{
	uint64_t ident, binary;
	(void)core;
	if (nest_cap_ident(cap, &ident) || plat_ident(world.binary.fd, &binary) || ident != binary)
		return NULL;
	return &world.binary;
}

/* -- ROM: the binary under any name but "missing" -- */

static enum nest_error world_rom_dispatch(void *state, struct nest_msg *msg)
{
	enum nest_error refusal = NEST_ERR_WRONG_INTERFACE;
	(void)state;

	nest_msg_release_caps(msg);           /* a context of sigh() is never signalled */
	if (nest_rpc_is_interface(msg, "rom")) {
		refusal = NEST_ERR_INVALID_ARGS;
		switch (nest_rpc_opcode(msg)) {
		case rom_op_dataspace:
			nest_msg_start(msg, NEST_OK);
			nest_msg_put_cap(msg, nest_cap_from_handle(world.binary.fd));
			nest_msg_put_u64(msg, world.binary.size);
			return NEST_OK;
		case rom_op_update:
			nest_msg_start(msg, NEST_OK);
			nest_msg_put_u32(msg, 0);
			return NEST_OK;
		case rom_op_sigh:
			nest_msg_start(msg, NEST_OK);
			return NEST_OK;
		}
	}
	nest_msg_start(msg, refusal);
	return NEST_OK;
}

static enum nest_error rom_create(const char *label, struct world_session *s)
{
	struct world_rom *rom;

	if (!strcmp(nest_label_last(label), "missing"))
		return NEST_ERR_NOT_FOUND;
	if (!(rom = calloc(1, sizeof(*rom))))
		return NEST_ERR_OUT_OF_RAM;
	if (nest_ep_manage_object(&world.core.ep, &rom->object, world_rom_dispatch, 1, rom)) {
		free(rom);
		return NEST_ERR_OUT_OF_CAPS;
	}
	s->server = rom;
	s->object = &rom->object;
	return NEST_OK;
}

/* -- Timer: fires when the input says -- */

enum nest_error timer_serve_sigh(struct timer_server *t, struct nest_cap context)
{
	return nest_cap_replace(&t->sigh, context);
}

enum nest_error timer_serve_trigger_once(struct timer_server *t, uint64_t us)
{
	(void)us;
	t->armed    = true;
	t->periodic = false;
	return NEST_OK;
}

enum nest_error timer_serve_trigger_periodic(struct timer_server *t, uint64_t us)
{
	t->armed    = us != 0;
	t->periodic = true;
	return NEST_OK;
}

enum nest_error timer_serve_elapsed_ms(struct timer_server *t, uint64_t *ms)
{
	(void)t;
	*ms = 0;
	return NEST_OK;
}

enum nest_error timer_serve_elapsed_us(struct timer_server *t, uint64_t *us)
{
	(void)t;
	*us = 0;
	return NEST_OK;
}

void world_timer_fire(void)
{
	for (struct timer_server *t = world.timers; t; t = t->next) {
		if (t->armed)
			nest_signal_submit(t->sigh, 1);
		t->armed = t->armed && t->periodic;
	}
}

static enum nest_error fake_timer_create(struct world_session *s)
{
	struct timer_server *t = calloc(1, sizeof(*t));

	if (!t)
		return NEST_ERR_OUT_OF_RAM;
	if (nest_ep_manage(&world.core.ep, &t->object, timer, t)) {
		free(t);
		return NEST_ERR_OUT_OF_CAPS;
	}
	t->next = world.timers;
	world.timers = t;
	s->server = t;
	s->object = &t->object;
	return NEST_OK;
}

static void timer_destroy(struct timer_server *t)
{
	for (struct timer_server **link = &world.timers; *link; link = &(*link)->next)
		if (*link == t) {
			*link = t->next;
			break;
		}
	nest_ep_dissolve(&t->object);
	nest_cap_release(&t->sigh);
	free(t);
}

/* -- Report: every report init submits is its state, well-formed -- */

enum nest_error report_serve_dataspace(struct report_server *r, struct nest_cap *ds,
                                       uint64_t *size)
{
	*ds   = nest_cap_from_handle(r->buffer);
	*size = r->size;
	return NEST_OK;
}

enum nest_error report_serve_submit(struct report_server *r, uint64_t length)
{
	struct nest_xml_node root;
	struct nest_xml_error error;

	if (length > r->size)
		return NEST_ERR_INVALID_ARGS;
	if (!length)
		return NEST_OK;
	CHECKF(nest_xml_parse(r->content, length, &root, &error) == NEST_OK &&
	       nest_xml_has_type(&root, "state"),
	       "init's state report is no <state> node (%u:%u: %s): %.*s", error.line, error.column,
	       error.message, (int)length, (const char *)r->content);
	return NEST_OK;
}

enum nest_error report_serve_clear(struct report_server *r)
{
	(void)r;
	return NEST_OK;
}

/* core's PD service tells a client about a Report session's buffer */
bool report_session_buffer(void *server, uint64_t ident, uint64_t *size)
{
	struct report_server *r = server;
	uint64_t buffer_ident;

	if (plat_ident(r->buffer, &buffer_ident) || buffer_ident != ident)
		return false;
	*size = r->size;
	return true;
}

static void report_free(struct report_server *r)
{
	for (struct core_session **s = &world.core.sessions; *s; s = &(*s)->next)
		if (*s == &r->at_core) {
			*s = r->at_core.next;
			break;
		}
	if (r->content)
		plat_unmap(r->content, r->size);
	if (r->buffer >= 0)
		ram_memfd_revoke(r->buffer);
	free(r);
}

static enum nest_error report_create(const char *args, struct world_session *s)
{
	uint64_t page = plat_page_size(), buffer_size;
	struct report_server *r;
	enum nest_error err;

	if (nest_args_u64_or(args, "buffer_size", 4096, &buffer_size) || !buffer_size ||
	    buffer_size > REPORT_BUFFER_MAX)
		return NEST_ERR_INVALID_ARGS;
	if (s->ram < report_session_ram_quota(buffer_size))
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	if (s->caps < REPORT_SESSION_CAPS)
		return NEST_ERR_INSUFFICIENT_CAP_QUOTA;
	if (!(r = calloc(1, sizeof(*r))))
		return NEST_ERR_OUT_OF_RAM;
	r->buffer = -1;
	r->size   = (buffer_size + page - 1) / page * page;
	err = ram_memfd_create(r->size, &r->buffer);
	if (!err)
		err = plat_map(r->buffer, r->size, 0, false, false, &r->content);
	if (!err && nest_ep_manage(&world.core.ep, &r->object, report, r))
		err = NEST_ERR_OUT_OF_CAPS;
	if (err) {
		report_free(r);
		return err;
	}
	r->at_core = (struct core_session){ .service = SERVICE_REPORT, .server = r,
	                                    .next = world.core.sessions };
	world.core.sessions = &r->at_core;
	s->server = r;
	s->object = &r->object;
	return NEST_OK;
}

/* -- core's parent interface, as init sees it (core/parent.c) -- */

static enum nest_error create(struct world_session *s, const char *label, const char *args)
{
	switch (s->service) {
	case W_PD: {
		struct pd_server *pd = pd_create(&world.core, label, world.init_pd, 0, 1);
		if (!pd)
			return NEST_ERR_OUT_OF_CAPS;
		s->server = pd;
		s->object = &pd->object;
		return NEST_OK;
	}
	case W_ROM:    return rom_create(label, s);
	case W_LOG:    return log_session_create(&world.core, label, &s->server, &s->object);
	case W_TIMER:  return fake_timer_create(s);
	case W_REPORT: return report_create(args, s);
	case W_SERVICES: break;
	}
	return NEST_ERR_NOT_FOUND;
}

static void destroy(struct world_session *s)
{
	switch (s->service) {
	case W_PD:     pd_destroy(s->server); break;
	case W_ROM:
		nest_ep_dissolve(s->object);
		free(s->server);
		break;
	case W_LOG:    log_session_destroy(s->server); break;
	case W_TIMER:  timer_destroy(s->server); break;
	case W_REPORT:
		nest_ep_dissolve(s->object);
		report_free(s->server);
		break;
	case W_SERVICES: break;
	}
	pd_deposit(world.init_pd, s->ram, s->caps);
	free(s);
}

static struct world_session **session_find(struct nest_cap cap)
{
	struct nest_rpc_object *o = nest_ep_lookup(&world.core.ep, cap);
	for (struct world_session **s = &world.sessions; o && *s; s = &(*s)->next)
		if ((*s)->object == o)
			return s;
	return NULL;
}

enum nest_error world_parent_serve_session(struct world_parent_server *p, const char *service,
                                           const char *args, struct nest_cap *out)
{
	char label[LABEL_MAX] = "";
	uint64_t ram = 0, caps = 0;
	struct world_session *s;
	enum nest_error err;
	int kind = -1;
	(void)p;

	for (int i = 0; i < W_SERVICES; i++)
		if (!strcmp(service, world_services[i]))
			kind = i;
	if (kind < 0)
		return NEST_ERR_NOT_FOUND;
	if (!nest_text_printable(service) || !nest_text_printable(args)) {
		CHECKF(!world.expect_printable, "init passed on a request that is not printable: "
		       "\"%s\" \"%s\"", service, args);
		return NEST_ERR_INVALID_ARGS;        /* as core refuses it */
	}
	if (nest_args_label(args, label, sizeof(label)) || nest_args_quota(args, &ram, &caps) ||
	    nest_label_prepend(label, sizeof(label), "init", label))
		return NEST_ERR_INVALID_ARGS;
	if (ram < SESSION_RAM_MIN)
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	if (caps < SESSION_CAPS_MIN)
		return NEST_ERR_INSUFFICIENT_CAP_QUOTA;
	if (!(s = calloc(1, sizeof(*s))))
		return NEST_ERR_OUT_OF_RAM;
	s->service = (enum world_service)kind;
	if ((err = pd_withdraw(world.init_pd, ram, caps))) {
		free(s);
		return err;
	}
	s->ram  = ram;
	s->caps = caps;
	if ((err = create(s, label, args))) {
		pd_deposit(world.init_pd, ram, caps);
		free(s);
		return err;
	}
	s->next = world.sessions;
	world.sessions = s;
	*out = s->object->cap;
	return NEST_OK;
}

enum nest_error world_parent_serve_upgrade(struct world_parent_server *p, struct nest_cap session,
                                           const char *args)
{
	struct world_session **link = session_find(session);
	uint64_t ram = 0, caps = 0;
	enum nest_error err;
	(void)p;

	if (!link)
		return NEST_ERR_INVALID_CAP;
	if (nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	if ((err = pd_withdraw(world.init_pd, ram, caps)))
		return err;
	(*link)->ram  += ram;
	(*link)->caps += caps;
	return NEST_OK;
}

enum nest_error world_parent_serve_close(struct world_parent_server *p, struct nest_cap session)
{
	struct world_session **link = session_find(session), *s;
	(void)p;

	if (!link)
		return NEST_ERR_INVALID_CAP;
	s = *link;
	*link = s->next;
	destroy(s);
	return NEST_OK;
}

enum nest_error world_parent_serve_announce(struct world_parent_server *p, const char *service,
                                            struct nest_cap root, uint32_t more)
{
	(void)p; (void)more;
	CHECKF(!world.expect_printable || nest_text_printable(service),
	       "init announced an unprintable service");
	if (world.announced_count == MAX_ANNOUNCED)
		return NEST_ERR_OUT_OF_CAPS;
	return nest_cap_copy(root, &world.announced[world.announced_count++]);
}

enum nest_error world_parent_serve_exit(struct world_parent_server *p, int32_t code)
{
	(void)p; (void)code;
	world.init_exited = true;
	return NEST_OK;
}

enum nest_error world_parent_serve_resource_request(struct world_parent_server *p,
                                                    const char *args)
{
	(void)p; (void)args;
	return NEST_ERR_OUT_OF_RAM;
}

enum nest_error world_parent_serve_resource_avail_sigh(struct world_parent_server *p,
                                                       struct nest_cap context)
{
	(void)p; (void)context;
	return NEST_OK;
}

enum nest_error world_parent_serve_yield_sigh(struct world_parent_server *p,
                                              struct nest_cap context)
{
	(void)p; (void)context;
	return NEST_OK;
}

enum nest_error world_parent_serve_yield_request(struct world_parent_server *p, uint64_t *ram,
                                                 uint64_t *caps)
{
	(void)p;
	*ram = *caps = 0;
	return NEST_OK;
}

enum nest_error world_parent_serve_yield_response(struct world_parent_server *p)
{
	(void)p;
	return NEST_OK;
}

enum nest_error world_parent_serve_heartbeat_sigh(struct world_parent_server *p,
                                                  struct nest_cap context)
{
	(void)p; (void)context;
	return NEST_OK;
}

enum nest_error world_parent_serve_heartbeat_response(struct world_parent_server *p)
{
	(void)p;
	return NEST_OK;
}

bool world_announced(unsigned n, struct nest_cap *root)
{
	if (!world.announced_count)
		return false;
	*root = world.announced[n % world.announced_count];
	return true;
}

void world_expect_printable(bool printable)
{
	world.expect_printable = printable;
}

bool world_init_exited(void)
{
	return world.init_exited;
}

enum nest_error world_donate_to_init(uint64_t ram, uint64_t caps)
{
	return pd_serve_transfer_quota(world.client_pd, world.init_pd->object.cap, ram, caps);
}

enum nest_error world_take_back_from_init(uint64_t ram, uint64_t caps)
{
	return pd_serve_transfer_quota(world.init_pd, world.client_pd->object.cap, ram, caps);
}

/* -- servers of children -- */

static enum server_mode mode_of(int pid)
{
	for (unsigned i = 0; i < MAX_SERVERS; i++)
		if (world.modes[i].pid == pid)
			return world.modes[i].mode;
	return SERVER_ANSWERS;
}

void world_server_mode(int pid, enum server_mode mode)
{
	unsigned free_slot = MAX_SERVERS;

	for (unsigned i = 0; i < MAX_SERVERS; i++) {
		if (world.modes[i].pid == pid) {
			world.modes[i].mode = mode;
			return;
		}
		if (!world.modes[i].pid && free_slot == MAX_SERVERS)
			free_slot = i;
	}
	if (free_slot < MAX_SERVERS)
		world.modes[free_slot].pid = pid, world.modes[free_slot].mode = mode;
}

/* a session of a child's server: it serves its binary as a ROM, and
 * answers anything else with success */
static enum nest_error fake_session_dispatch(void *state, struct nest_msg *msg)
{
	(void)state;
	nest_msg_release_caps(msg);
	if (nest_rpc_is_interface(msg, "rom") && nest_rpc_opcode(msg) == rom_op_dataspace) {
		nest_msg_start(msg, NEST_OK);
		nest_msg_put_cap(msg, nest_cap_from_handle(world.binary.fd));
		nest_msg_put_u64(msg, world.binary.size);
		return NEST_OK;
	}
	nest_msg_start(msg, NEST_OK);
	return NEST_OK;
}

static enum nest_error fake_session_create(int pid, struct nest_cap *cap)
{
	struct fake_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	s->pid = pid;
	if (nest_ep_manage_object(&world.core.ep, &s->object, fake_session_dispatch, 1, s)) {
		free(s);
		return NEST_ERR_OUT_OF_CAPS;
	}
	s->next = world.fake_sessions;
	world.fake_sessions = s;
	*cap = s->object.cap;
	return NEST_OK;
}

static struct fake_session **fake_session_find(int pid, struct nest_cap cap)
{
	struct nest_rpc_object *o = nest_ep_lookup(&world.core.ep, cap);
	for (struct fake_session **s = &world.fake_sessions; o && *s; s = &(*s)->next)
		if (&(*s)->object == o && (*s)->pid == pid)
			return s;
	return NULL;
}

/* a server closes any session of its own, whichever of its roots is asked */
static enum nest_error fake_session_close(int pid, struct nest_cap cap)
{
	struct fake_session **link = fake_session_find(pid, cap), *s;

	if (!link)
		return NEST_ERR_INVALID_CAP;
	s = *link;
	*link = s->next;
	nest_ep_dissolve(&s->object);
	free(s);
	return NEST_OK;
}

/* keep the request for later, if the server defers and can (it is a call
 * through the entrypoint, not one that init waits for) */
static bool defer(struct fake_root_server *root, enum deferred_kind kind, struct nest_cap session)
{
	enum server_mode mode = mode_of(root->pid);
	struct deferred_call *d;

	if (mode != SERVER_DEFERS && mode != SERVER_HANGS)
		return false;
	if (!(d = calloc(1, sizeof(*d))))
		return false;
	if (nest_ep_defer(&world.core.ep, &d->reply) ||
	    (nest_cap_valid(session) && nest_cap_copy(session, &d->session))) {
		free(d);
		return false;
	}
	d->pid  = root->pid;
	d->kind = kind;
	d->next = world.deferred;
	world.deferred = d;
	return true;
}

enum nest_error fake_root_serve_session(struct fake_root_server *root, const char *args,
                                        struct nest_cap *session)
{
	CHECKF(!world.expect_printable || nest_text_printable(args),
	       "init passed unprintable arguments to a server: \"%s\"", args);
	if (mode_of(root->pid) == SERVER_REFUSES)
		return NEST_ERR_DENIED;
	if (defer(root, DEFERRED_CREATE, NEST_CAP_INVALID))
		return NEST_OK;
	return fake_session_create(root->pid, session);
}

enum nest_error fake_root_serve_upgrade(struct fake_root_server *root, struct nest_cap session,
                                        const char *args)
{
	CHECKF(!world.expect_printable || nest_text_printable(args),
	       "init passed unprintable arguments to a server: \"%s\"", args);
	if (defer(root, DEFERRED_UPGRADE, session))
		return NEST_OK;
	return fake_session_find(root->pid, session) ? NEST_OK : NEST_ERR_INVALID_CAP;
}

enum nest_error fake_root_serve_close(struct fake_root_server *root, struct nest_cap session)
{
	if (defer(root, DEFERRED_CLOSE, session))
		return NEST_OK;
	return fake_session_close(root->pid, session);
}

bool world_root_create(int pid, enum server_mode mode, struct nest_cap *cap)
{
	struct fake_root_server *root = calloc(1, sizeof(*root));

	if (!root)
		return false;
	root->pid = pid;
	if (nest_ep_manage(&world.core.ep, &root->object, fake_root, root)) {
		free(root);
		return false;
	}
	if (nest_cap_copy(root->object.cap, cap)) {
		nest_ep_dissolve(&root->object);
		free(root);
		return false;
	}
	world_server_mode(pid, mode);
	root->next = world.roots;
	world.roots = root;
	return true;
}

static void deferred_free(struct deferred_call **link)
{
	struct deferred_call *d = *link;
	*link = d->next;
	nest_cap_release(&d->session);
	free(d);
}

void world_root_answer(unsigned n, enum nest_error status)
{
	struct deferred_call **link = &world.deferred, *d;
	struct nest_cap cap = NEST_CAP_INVALID;
	unsigned count = 0;

	for (d = world.deferred; d; d = d->next)
		count += mode_of(d->pid) != SERVER_HANGS;
	if (!count)
		return;
	n %= count;
	for (; *link; link = &(*link)->next)
		if (mode_of((*link)->pid) != SERVER_HANGS && n-- == 0)
			break;
	d = *link;
	switch (d->kind) {
	case DEFERRED_CREATE:
		if (!status)
			status = fake_session_create(d->pid, &cap);
		fake_root_reply_session(&world.core.ep, &d->reply, status, cap);
		break;
	case DEFERRED_UPGRADE:
		fake_root_reply_upgrade(&world.core.ep, &d->reply, NEST_OK);
		break;
	case DEFERRED_CLOSE:
		fake_root_reply_close(&world.core.ep, &d->reply, fake_session_close(d->pid, d->session));
		break;
	}
	deferred_free(link);
}

void world_process_ended(int pid)
{
	for (struct fake_root_server **r = &world.roots; *r; ) {
		struct fake_root_server *root = *r;
		if (root->pid != pid) {
			r = &root->next;
			continue;
		}
		*r = root->next;
		nest_ep_dissolve(&root->object);     /* its channels close: callers learn it */
		free(root);
	}
	for (struct fake_session **s = &world.fake_sessions; *s; ) {
		struct fake_session *session = *s;
		if (session->pid != pid) {
			s = &session->next;
			continue;
		}
		*s = session->next;
		nest_ep_dissolve(&session->object);
		free(session);
	}
	for (struct deferred_call **d = &world.deferred; *d; )
		if ((*d)->pid == pid)
			deferred_free(d);
		else
			d = &(*d)->next;
	for (unsigned i = 0; i < MAX_SERVERS; i++)
		if (world.modes[i].pid == pid)
			world.modes[i].pid = 0;
}

bool world_answers(const struct nest_rpc_object *object)
{
	for (struct fake_root_server *r = world.roots; r; r = r->next)
		if (&r->object == object)
			return mode_of(r->pid) != SERVER_HANGS;
	for (struct fake_session *s = world.fake_sessions; s; s = s->next)
		if (&s->object == object)
			return mode_of(s->pid) != SERVER_HANGS && mode_of(s->pid) != SERVER_SESSIONS_HANG;
	return true;
}

/* -- the world's life -- */

void world_boot(uint64_t ram, uint64_t caps, struct nest_cap *parent, struct nest_cap *pd)
{
	memset(&world, 0, sizeof(world));
	snprintf(world.binary.name, sizeof(world.binary.name), "binary");
	world.binary.content = fake_process_binary(&world.binary.size);
	CHECK(rom_memfd_create(world.binary.content, world.binary.size, "binary",
	                       &world.binary.fd) == NEST_OK);
	world.core.modules      = &world.binary;
	world.core.module_count = 1;
	world.core.report_dir   = -1;
	CHECK(nest_ep_init(&world.core.ep) == NEST_OK &&
	      core_spawner_init(&world.core, &world.core.tracer) == NEST_OK);
	CHECK((world.init_pd = pd_create(&world.core, "init", NULL, 0, 1)));
	CHECK((world.client_pd = pd_create(&world.core, "parent's client", NULL, 0, 1)));
	/* as at a real core, all quota together fits 64 bits: no account can wrap */
	world.init_pd->account.ram_quota   = ram;
	world.init_pd->account.cap_quota   = caps;
	world.client_pd->account.ram_quota = ram < UINT64_MAX - CLIENT_RAM ? CLIENT_RAM
	                                                                   : UINT64_MAX - ram;
	world.client_pd->account.cap_quota = caps < UINT64_MAX - CLIENT_CAPS ? CLIENT_CAPS
	                                                                     : UINT64_MAX - caps;
	world.expect_printable = true;
	world.ram  = (unsigned __int128)ram + world.client_pd->account.ram_quota;
	world.caps = (unsigned __int128)caps + world.client_pd->account.cap_quota;
	CHECK(nest_ep_manage(&world.core.ep, &world.parent.object, world_parent, &world.parent) ==
	      NEST_OK);
	CHECK(nest_cap_copy(world.parent.object.cap, parent) == NEST_OK);
	CHECK(nest_cap_copy(world.init_pd->own.cap, pd) == NEST_OK);
}

void world_check(void)
{
	unsigned __int128 ram = 0, caps = 0;

	core_accounts_check(&world.core, &ram, &caps);
	for (struct world_session *s = world.sessions; s; s = s->next) {
		ram  += s->ram;
		caps += s->caps;
	}
	CHECKF(ram == world.ram && caps == world.caps,
	       "quota not conserved at core: ram %llu%s (of %llu%s), caps %llu (of %llu)",
	       (unsigned long long)ram, ram >> 64 ? " + 2^64" : "",
	       (unsigned long long)world.ram, world.ram >> 64 ? " + 2^64" : "",
	       (unsigned long long)caps, (unsigned long long)world.caps);
}

void world_init_account(struct world_account *account)
{
	const struct account *a = &world.init_pd->account;
	*account = (struct world_account){ a->ram_quota, a->ram_used, a->cap_quota, a->cap_used };
}

bool world_pd_account(struct nest_cap cap, struct world_account *account)
{
	struct pd_server *pd = pd_lookup(&world.core, cap);

	if (!pd)
		return false;
	*account = (struct world_account){ pd->account.ram_quota, pd->account.ram_used,
	                                   pd->account.cap_quota, pd->account.cap_used };
	return true;
}

unsigned world_pd_sessions(void)
{
	unsigned count = 0;
	for (struct pd_server *pd = world.core.pds; pd; pd = pd->next)
		count += pd != world.init_pd && pd != world.client_pd;
	return count;
}

unsigned world_parent_sessions(void)
{
	unsigned count = 0;
	for (struct world_session *s = world.sessions; s; s = s->next)
		count++;
	return count;
}

void world_shut_down(void)
{
	while (world.sessions) {
		struct world_session *s = world.sessions;
		world.sessions = s->next;
		destroy(s);
	}
	pd_destroy(world.init_pd);
	pd_destroy(world.client_pd);
	while (nest_ep_dispatch_one(&world.core.ep, 0) == NEST_OK)
		;                                 /* processes are reaped */
	CHECK(!world.core.pds);
	CHECKF(!world.core.zombies && fake_process_count() == 0, "a process was never reaped");
	CHECKF(!world.roots && !world.fake_sessions && !world.deferred,
	       "a server outlived its process");
	for (unsigned i = 0; i < world.announced_count; i++)
		nest_cap_release(&world.announced[i]);
	nest_ep_fini(&world.core.ep);
	sandbox_spawner_stop(&world.core.sandbox);
	plat_close(world.binary.fd);
	fake_process_reset();
}
