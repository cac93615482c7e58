/*
 * \brief  Core's PD service: quota accounts, RAM dataspaces, processes
 *
 * A PD's RAM quota bounds the dataspaces it may allocate; each dataspace
 * also costs one capability, and so does each RPC object and signal context
 * the component makes (it says so with alloc_caps, as Genode's PD counts
 * them with alloc_rpc_cap and alloc_context). Quota moves only by transfer_quota, invoked by
 * the holder of the source PD's capability. When a PD's process ends, its
 * dataspaces are freed at once: the PD's whole quota is then available for
 * its parent to take back.
 *
 * What the kernel holds a PD's process to follows its quota: descriptors
 * from its cap quota (raised when a transfer raises it), threads as many as a
 * CPU session names, and private memory as much as its binary's data and
 * bss take, charged to its RAM quota while the process runs.
 *
 * A PD has two capabilities. The session capability (its parent's) offers
 * the whole interface. The component gets another one, which offers only
 * what concerns its own RAM: it cannot stop, restart or redirect the exit
 * signal of itself behind its parent's back.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include "core/core.h"

NEST_RPC_DISPATCH(pd, PD_INTERFACE)

enum {
	RAM_ALLOC_MAX        = 1u << 30,
	DESCRIPTORS_BASE     = 16,        /* standard, start-up and runtime handles */
	DESCRIPTORS_PER_CAP  = 4,         /* an object, its channels, what it holds */
	DATA_SLACK           = 16 << 10,  /* libc's start-up allocations: TLS */
};

static unsigned descriptor_limit(uint64_t cap_quota)
{
	uint64_t limit = DESCRIPTORS_BASE + cap_quota * DESCRIPTORS_PER_CAP;
	if (cap_quota > STARTUP_BINARY || limit > STARTUP_BINARY)
		return STARTUP_BINARY;
	return (unsigned)limit;
}

/*
 * The kernel's limit follows the largest cap quota the process has had: a
 * client that donates caps for a session still holds the session's
 * capability, so donating must not take away the descriptor it sits in.
 */
static void quota_changed(struct pd_server *pd)
{
	unsigned limit = descriptor_limit(pd->account.cap_quota);
	/* a process being made gets it once it is there (pd_spawned) */
	if (pd->state != NEST_PD_RUNNING || pd->spawning || limit <= pd->descriptor_limit)
		return;
	if (sandbox_limit_descriptors(&pd->process, limit))
		core_log("%s: cannot raise its descriptor limit", pd->label);
	else
		pd->descriptor_limit = limit;
}

/* the component's own PD capability: RAM and quota, nothing of its life */
static enum nest_error pd_own_dispatch(void *state, struct nest_msg *msg)
{
	switch (nest_rpc_opcode(msg)) {
	case pd_op_alloc_ram: case pd_op_free_ram: case pd_op_dataspace_info: case pd_op_seal_ram:
	case pd_op_transfer_quota: case pd_op_quota: case pd_op_alloc_caps: case pd_op_free_caps:
		return pd_dispatch(state, msg);
	default:
		nest_msg_release_caps(msg);
		nest_msg_start(msg, NEST_ERR_DENIED);
		return NEST_OK;
	}
}

enum nest_error pd_withdraw(struct pd_server *pd, uint64_t ram, uint64_t caps)
{
	struct account *a = &pd->account;
	if (a->ram_quota - a->ram_used < ram)
		return NEST_ERR_OUT_OF_RAM;
	if (a->cap_quota - a->cap_used < caps)
		return NEST_ERR_OUT_OF_CAPS;
	a->ram_quota -= ram;
	a->cap_quota -= caps;
	if (caps)
		quota_changed(pd);
	return NEST_OK;
}

void pd_deposit(struct pd_server *pd, uint64_t ram, uint64_t caps)
{
	pd->account.ram_quota += ram;
	pd->account.cap_quota += caps;
	if (caps)
		quota_changed(pd);
}

struct pd_server *pd_lookup(struct core *core, struct nest_cap cap)
{
	struct nest_rpc_object *o = nest_ep_lookup(&core->ep, cap);
	for (struct pd_server *pd = core->pds; o && pd; pd = pd->next)
		if (&pd->object == o || &pd->own == o)
			return pd;
	return NULL;
}

static struct dataspace **dataspace_find(struct pd_server *pd, struct nest_cap cap)
{
	uint64_t ident;
	if (nest_cap_ident(cap, &ident))
		return NULL;
	for (struct dataspace **d = &pd->dataspaces; *d; d = &(*d)->next)
		if ((*d)->ident == ident)
			return d;
	return NULL;
}

static void dataspace_free(struct pd_server *pd, struct dataspace **link)
{
	struct dataspace *ds = *link;
	*link = ds->next;
	ram_memfd_revoke(ds->fd);
	pd->account.ram_used -= ds->size;
	pd->account.cap_used -= 1;
	free(ds);
}

/* the process is gone: so is what it held */
static void free_all_ram(struct pd_server *pd)
{
	while (pd->dataspaces)
		dataspace_free(pd, &pd->dataspaces);
	pd->account.cap_used -= pd->object_caps;
	pd->object_caps = 0;
	pd->account.ram_used -= pd->data_charge;
	pd->data_charge = 0;
}

enum nest_error pd_serve_alloc_caps(struct pd_server *pd, uint32_t count)
{
	if (pd->account.cap_quota - pd->account.cap_used < count)
		return NEST_ERR_OUT_OF_CAPS;
	pd->account.cap_used += count;
	pd->object_caps      += count;
	return NEST_OK;
}

enum nest_error pd_serve_free_caps(struct pd_server *pd, uint32_t count)
{
	if (count > pd->object_caps)
		return NEST_ERR_INVALID_ARGS;
	pd->account.cap_used -= count;
	pd->object_caps      -= count;
	return NEST_OK;
}

enum nest_error pd_serve_alloc_ram(struct pd_server *pd, uint64_t size, struct nest_cap *out)
{
	uint64_t page = plat_page_size();
	struct dataspace *ds;
	struct account *a = &pd->account;
	enum nest_error err;

	if (size == 0 || size > RAM_ALLOC_MAX)
		return NEST_ERR_INVALID_ARGS;
	size = (size + page - 1) / page * page;
	if (a->ram_quota - a->ram_used < size)
		return NEST_ERR_OUT_OF_RAM;
	if (a->cap_quota - a->cap_used < 1)
		return NEST_ERR_OUT_OF_CAPS;
	if (!(ds = calloc(1, sizeof(*ds))))
		return NEST_ERR_OUT_OF_RAM;
	err = ram_memfd_create(size, &ds->fd);
	if (!err)
		err = plat_ident(ds->fd, &ds->ident);
	if (err) {
		if (ds->fd > 0) plat_close(ds->fd);
		free(ds);
		return err;
	}
	ds->size = size;
	ds->next = pd->dataspaces;
	pd->dataspaces = ds;
	a->ram_used += size;
	a->cap_used += 1;
	*out = nest_cap_from_handle(ds->fd);
	return NEST_OK;
}

enum nest_error pd_serve_free_ram(struct pd_server *pd, struct nest_cap cap)
{
	struct dataspace **link = dataspace_find(pd, cap);
	if (!link)
		return NEST_ERR_INVALID_CAP;
	dataspace_free(pd, link);
	return NEST_OK;
}

enum nest_error pd_serve_seal_ram(struct pd_server *pd, struct nest_cap cap)
{
	struct dataspace **link = dataspace_find(pd, cap);
	enum nest_error err;
	if (!link)
		return NEST_ERR_INVALID_CAP;
	err = ram_memfd_seal((*link)->fd);
	if (!err)
		(*link)->sealed = true;
	return err;
}

/* the RAM dataspace of any PD whose capability has identity ident */
static struct dataspace *ram_dataspace(struct core *core, uint64_t ident)
{
	for (struct pd_server *pd = core->pds; pd; pd = pd->next)
		for (struct dataspace *ds = pd->dataspaces; ds; ds = ds->next)
			if (ds->ident == ident)
				return ds;
	return NULL;
}

enum nest_error core_dataspace_facts(struct core *core, struct nest_cap cap,
                                    struct dataspace_facts *facts)
{
	const struct boot_module *m = core_module_by_cap(core, cap);
	struct dataspace *ds;
	uint64_t ident;

	if (m) {
		*facts = (struct dataspace_facts){ m->size, NEST_DATASPACE_ROM, false };
		return NEST_OK;
	}
	if (nest_cap_ident(cap, &ident))
		return NEST_ERR_INVALID_CAP;
	if ((ds = ram_dataspace(core, ident))) {
		*facts = (struct dataspace_facts){ ds->size, NEST_DATASPACE_RAM, !ds->sealed };
		return NEST_OK;
	}
	for (struct core_session *s = core->sessions; s; s = s->next)
		if (s->service == SERVICE_REPORT &&
		    report_session_buffer(s->server, ident, &facts->size)) {
			facts->kind     = NEST_DATASPACE_RAM;
			facts->writable = true;
			return NEST_OK;
		}
	return NEST_ERR_INVALID_CAP;
}

enum nest_error pd_serve_dataspace_info(struct pd_server *pd, struct nest_cap cap, uint64_t *size,
                                        uint32_t *kind, uint32_t *writable)
{
	struct dataspace_facts facts;
	enum nest_error err = core_dataspace_facts(pd->core, cap, &facts);
	if (err)
		return err;
	*size     = facts.size;
	*kind     = facts.kind;
	*writable = facts.writable;
	return NEST_OK;
}

static enum nest_error transfer(struct pd_server *from, struct pd_server *to,
                                uint64_t ram, uint64_t caps)
{
	enum nest_error err;
	if (to == from)
		return NEST_OK;
	if ((err = pd_withdraw(from, ram, caps)))
		return err;
	pd_deposit(to, ram, caps);
	return NEST_OK;
}

enum nest_error pd_serve_transfer_quota(struct pd_server *pd, struct nest_cap to_cap,
                                        uint64_t ram, uint64_t caps)
{
	struct pd_server *to = pd_lookup(pd->core, to_cap);
	return to ? transfer(pd, to, ram, caps) : NEST_ERR_INVALID_CAP;
}

enum nest_error pd_serve_transfer_quotas(struct pd_server *pd, struct nest_cap to_cap,
                                         uint64_t ram, uint64_t caps,
                                         struct nest_cap second_from_cap,
                                         struct nest_cap second_to_cap,
                                         uint64_t second_ram, uint64_t second_caps)
{
	struct pd_server *to = pd_lookup(pd->core, to_cap);
	struct pd_server *second_from = pd_lookup(pd->core, second_from_cap);
	struct pd_server *second_to   = pd_lookup(pd->core, second_to_cap);
	enum nest_error err;

	if (!to || !second_from || !second_to)
		return NEST_ERR_INVALID_CAP;
	if ((err = transfer(pd, to, ram, caps)))
		return err;
	/* undone, the first cannot fail: its recipient has just got it */
	if ((err = transfer(second_from, second_to, second_ram, second_caps)))
		transfer(to, pd, ram, caps);
	return err;
}

enum nest_error pd_serve_quota(struct pd_server *pd, uint64_t *ram_quota, uint64_t *ram_used,
                               uint64_t *cap_quota, uint64_t *cap_used)
{
	*ram_quota = pd->account.ram_quota;
	*ram_used  = pd->account.ram_used;
	*cap_quota = pd->account.cap_quota;
	*cap_used  = pd->account.cap_used;
	return NEST_OK;
}

enum nest_error pd_serve_descriptors(struct pd_server *pd, uint32_t *open, uint32_t *limit)
{
	bool running = pd->state == NEST_PD_RUNNING;
	*open  = running && !pd->spawning ? sandbox_descriptors_open(&pd->process) : 0;
	*limit = running ? pd->descriptor_limit : 0;
	return NEST_OK;
}

static void log_fault(struct pd_server *pd)
{
	const struct process_fault *f = &pd->fault;
	const char *name = signal_name(pd->signal);

	if (f->signal != pd->signal)
		core_log("%s: killed by %s (signal %d)", pd->label, name, pd->signal);
	else if (f->raised)
		core_log("%s: killed by %s (signal %d) it raised itself, ip 0x%llx",
		         pd->label, name, pd->signal, f->ip);
	else
		core_log("%s: killed by %s (signal %d), fault address 0x%llx, ip 0x%llx",
		         pd->label, name, pd->signal, f->addr, f->ip);
}

static int host_handle(void *state, uint64_t ident, uint64_t *grow_limit)
{
	return core_host_handle(state, ident, grow_limit);
}

static void serve_notification(void *state)
{
	struct pd_server *pd = state;
	const struct host_handle_lookup lookup = { host_handle, pd->core };
	sandbox_serve_notification(&pd->core->sandbox, &pd->process, &lookup);
}

static void serve_supply(void *state)
{
	struct pd_server *pd = state;
	if (sandbox_serve_supply(&pd->core->sandbox, &pd->process) == NEST_ERR_INVALID_CAP &&
	    pd->supply_watched) {
		nest_io_handler_fini(&pd->core->ep, &pd->supply_watch);
		pd->supply_watched = false;
	}
}

static void unwatch(struct pd_server *pd)
{
	nest_io_handler_fini(&pd->core->ep, &pd->end_watch);
	if (pd->process.listener >= 0)
		nest_io_handler_fini(&pd->core->ep, &pd->notify_watch);
	if (pd->supply_watched)
		nest_io_handler_fini(&pd->core->ep, &pd->supply_watch);
	pd->supply_watched = false;
}

/*
 * How the process ended is the kernel's word: its exit code, or the signal
 * that ended it. A fatal signal that core saw delivered (tracer.c), core
 * carried out with SIGKILL; the fault is that signal then.
 */
static void process_ended(void *state)
{
	struct pd_server *pd = state;
	struct process_end end;
	enum nest_error err = sandbox_reap(&pd->process, &end);

	if (err == NEST_ERR_UNAVAILABLE)
		return;
	if (err)
		end = (struct process_end){ .signalled = true, .code = SIGNAL_KILL };
	unwatch(pd);
	pd->fault = pd->process.fault;
	sandbox_release(&pd->core->sandbox, &pd->process);
	free_all_ram(pd);
	if (pd->state == NEST_PD_EXITED)       /* stopped by its parent: no fault */
		return;
	pd->exit_code = end.signalled ? 0 : end.code;
	pd->signal    = end.signalled ? end.code : 0;
	if (end.signalled && end.code == SIGNAL_KILL && pd->fault.signal)
		pd->signal = pd->fault.signal;
	pd->state = pd->signal ? NEST_PD_FAULTED : NEST_PD_EXITED;
	if (pd->state == NEST_PD_FAULTED)
		log_fault(pd);
	nest_signal_submit(pd->exit_sigh, 1);
	if (pd == pd->core->init_pd)
		nest_ep_stop(&pd->core->ep);
}

static enum nest_error start(struct pd_server *pd, const struct boot_module *m,
                             uint64_t binary_charge, struct nest_cap parent, const char *name)
{
	struct sandbox_limits limits = { .threads = CPU_THREADS_MAX + 1, .beneath = -1 };
	struct account *a = &pd->account;
	enum nest_error err;

	if (sandbox_binary_data_size(m->content, m->size, &limits.data_bytes)) {
		core_log("%s: cannot start '%s': not an executable", pd->label, m->name);
		return NEST_ERR_INVALID_ARGS;
	}
	limits.data_bytes += DATA_SLACK;
	if (a->ram_quota - a->ram_used < limits.data_bytes + binary_charge) {
		core_log("%s: cannot start '%s': its data%s %llu KiB, %llu KiB of RAM quota left",
		         pd->label, m->name, binary_charge ? " and binary take" : " takes",
		         (unsigned long long)(limits.data_bytes + binary_charge) >> 10,
		         (unsigned long long)(a->ram_quota - a->ram_used) >> 10);
		return NEST_ERR_OUT_OF_RAM;
	}
	limits.descriptors = descriptor_limit(a->cap_quota);
	limits.profile     = core_sandbox_profile(pd->core, pd->label);
	if (limits.profile != SANDBOX_STRICT)
		core_log("%s: %s profile", pd->label,
		         limits.profile == SANDBOX_DRIVER ? "driver" : "trapping");
	if (limits.profile == SANDBOX_DRIVER)
		core_driver_directory(pd->core, pd->label, &limits.beneath, &limits.beneath_writeable);
	err = sandbox_spawn(&pd->core->sandbox, m->fd, name, nest_cap_handle(parent),
	                    nest_cap_handle(pd->own.cap), pd->cpu_first, pd->cpu_count,
	                    &limits, pd, &pd->spawning);
	plat_close(limits.beneath);
	if (err) {
		core_log("%s: cannot start '%s': %s", pd->label, m->name, nest_error_name(err));
		return err;
	}
	pd->data_charge      = limits.data_bytes + binary_charge;
	pd->descriptor_limit = limits.descriptors;
	a->ram_used         += pd->data_charge;
	pd->state = NEST_PD_RUNNING;
	return NEST_OK;
}

/*
 * The binary is one of core's boot modules, or a RAM dataspace that its
 * owner sealed (a ROM a component serves). Of that, the process gets a copy
 * of core's own, charged to the PD while it runs: its owner may free it
 * afterwards, and the child cannot tell where its binary came from.
 */
enum nest_error pd_serve_start(struct pd_server *pd, struct nest_cap binary,
                               struct nest_cap parent, const char *name)
{
	const struct boot_module *m = core_module_by_cap(pd->core, binary);
	struct boot_module copy;
	struct dataspace *ds;
	uint64_t ident;
	enum nest_error err;

	if (pd->state != NEST_PD_IDLE)
		return NEST_ERR_EXISTS;
	if (!nest_cap_valid(parent))
		return NEST_ERR_INVALID_CAP;
	if (m)
		return start(pd, m, 0, parent, name);
	if (nest_cap_ident(binary, &ident) || !(ds = ram_dataspace(pd->core, ident)))
		return NEST_ERR_INVALID_CAP;
	if (!ds->sealed) {
		core_log("%s: cannot start '%s': its binary is writable", pd->label, name);
		return NEST_ERR_DENIED;
	}
	if ((err = boot_module_snapshot(ds->fd, ds->size, name, &copy)))
		return err;
	err = start(pd, &copy, ds->size, parent, name);
	boot_module_drop(&copy);
	return err;
}

/* the spawner thread made the process, or could not */
void pd_spawned(struct pd_server *pd, struct process *process, int error)
{
	enum nest_error err = NEST_OK;

	pd->spawning = NULL;
	pd->process  = *process;
	if (!process->pid) {
		core_log("%s: cannot start: %s", pd->label, strerror(error));
		if (pd->state != NEST_PD_RUNNING)
			return;
		free_all_ram(pd);
		pd->state     = NEST_PD_EXITED;
		pd->exit_code = 127;             /* as a shell says of a binary it cannot run */
		nest_signal_submit(pd->exit_sigh, 1);
		if (pd == pd->core->init_pd)
			nest_ep_stop(&pd->core->ep);
		return;
	}
	err = nest_io_handler_init(&pd->core->ep, &pd->end_watch, pd->process.pidfd,
	                           process_ended, pd);
	if (!err && pd->process.listener >= 0)
		err = nest_io_handler_init(&pd->core->ep, &pd->notify_watch, pd->process.listener,
		                           serve_notification, pd);
	if (!err && pd->process.supply >= 0 &&
	    !(err = nest_io_handler_init(&pd->core->ep, &pd->supply_watch, pd->process.supply,
	                                 serve_supply, pd)))
		pd->supply_watched = true;
	/* stopped while it was being made, or cannot be watched: it ends now */
	if (err || pd->state != NEST_PD_RUNNING) {
		sandbox_kill(&pd->process);
		return;
	}
	quota_changed(pd);                   /* raised meanwhile */
}

/*
 * The process is killed and its RAM freed at once, so that the parent can
 * take back the quota; core does not wait for the kernel to end it: the
 * process is reaped when its pidfd says so.
 */
enum nest_error pd_serve_stop(struct pd_server *pd)
{
	if (pd->state != NEST_PD_RUNNING)
		return NEST_OK;
	pd->state = NEST_PD_EXITED;          /* a kill by the parent is no fault */
	sandbox_kill(&pd->process);
	free_all_ram(pd);
	return NEST_OK;
}

enum nest_error pd_serve_exit_sigh(struct pd_server *pd, struct nest_cap context)
{
	return nest_cap_replace(&pd->exit_sigh, context);
}

enum nest_error pd_serve_exit_state(struct pd_server *pd, uint32_t *state, int32_t *exit_code,
                                    uint32_t *signal, uint64_t *fault_addr)
{
	*state      = pd->state;
	*exit_code  = pd->exit_code;
	*signal     = (uint32_t)pd->signal;
	*fault_addr = pd->fault.signal == pd->signal ? pd->fault.addr : 0;
	return NEST_OK;
}

struct pd_server *pd_create(struct core *core, const char *label, struct pd_server *ref,
                            unsigned cpu_first, unsigned cpu_count)
{
	struct pd_server *pd = calloc(1, sizeof(*pd));
	if (!pd)
		return NULL;
	pd->core = core;
	pd->ref  = ref;
	pd->cpu_first = cpu_first;
	pd->cpu_count = cpu_count;
	pd->process.pidfd    = -1;
	pd->process.listener = -1;
	pd->process.supply   = -1;
	snprintf(pd->label, sizeof(pd->label), "%s", label);
	if (nest_ep_manage(&core->ep, &pd->object, pd, pd)) {
		free(pd);
		return NULL;
	}
	if (nest_ep_manage_object(&core->ep, &pd->own, pd_own_dispatch, pd_request_caps, pd)) {
		nest_ep_dissolve(&pd->object);
		free(pd);
		return NULL;
	}
	pd->next  = core->pds;
	core->pds = pd;
	return pd;
}

void pd_destroy(struct pd_server *pd)
{
	pd_serve_stop(pd);
	if (pd->spawning)
		sandbox_spawn_disown(pd->spawning);
	if (pd->process.pidfd >= 0) {
		unwatch(pd);
		core_reap_later(pd->core, &pd->process);
	}
	free_all_ram(pd);
	if (pd->ref)
		pd_deposit(pd->ref, pd->account.ram_quota, pd->account.cap_quota);
	for (struct pd_server **p = &pd->core->pds; *p; p = &(*p)->next)
		if (*p == pd) {
			*p = pd->next;
			break;
		}
	nest_ep_dissolve(&pd->object);
	nest_ep_dissolve(&pd->own);
	nest_cap_release(&pd->exit_sigh);
	free(pd);
}
