/*
 * \brief  Core's state: its services, the PDs, and the sessions it serves
 *
 * Core is the root of the component tree and the only process with ambient
 * authority. It offers PD, ROM, LOG, CPU and RM sessions to its one child, init,
 * and Report sessions if the operator gave it a directory for reports. It
 * contains no policy: it neither routes nor decides, it accounts.
 */
#ifndef NEST_CORE_H
#define NEST_CORE_H

#include <nest/entrypoint.h>
#include <nest/xml.h>
#include <nest/session/pd.h>
#include "core/linux/sandbox.h"
#include "lib/base/linux/startup_handles.h"

enum { LABEL_MAX = 160, SESSION_RAM_MIN = 4096, SESSION_CAPS_MIN = 1, CPU_THREADS_MAX = 64 };

struct account {
	uint64_t ram_quota, ram_used;
	uint64_t cap_quota, cap_used;
};

struct dataspace {
	uint64_t          ident;
	int               fd;
	size_t            size;
	bool              sealed;         /* read-only for every holder */
	struct dataspace *next;
};

struct core;

struct pd_server {
	struct nest_rpc_object object;          /* the parent's: the whole interface */
	struct nest_rpc_object own;             /* the component's own: its RAM only */
	struct core       *core;
	char               label[LABEL_MAX];
	struct account     account;
	struct pd_server  *ref;             /* receives the quota back on close */
	struct dataspace  *dataspaces;
	uint64_t           object_caps;       /* charged by its process: objects, contexts */
	uint64_t           data_charge;       /* its binary's data and bss, and core's copy of a
	                                        binary not a boot module, while it runs */
	unsigned           descriptor_limit;  /* the kernel's, from its largest cap quota */
	enum nest_pd_state state;
	struct process     process;
	struct spawn_job  *spawning;          /* its process is being made */
	struct nest_io_handler end_watch;   /* the process has ended */
	struct nest_io_handler notify_watch; /* it waits for core to make objects */
	struct nest_io_handler supply_watch; /* its runtime asks for a batch of them */
	bool                   supply_watched;
	int                exit_code, signal;
	struct process_fault fault;          /* what the kernel delivered, if fatal */
	struct nest_cap    exit_sigh;
	unsigned           cpu_first, cpu_count;   /* affinity: positions in core's space */
	struct pd_server  *next;
};

enum core_service {
	SERVICE_PD, SERVICE_ROM, SERVICE_LOG, SERVICE_CPU, SERVICE_RM, SERVICE_REPORT,
	SERVICE_HOST_FILE, SERVICE_HOST_TERMINAL, SERVICE_HOST_TAP, SERVICE_HOST_X11, SERVICE_HOST_DIR,
	SERVICE_COUNT
};

/* a session at core, requested by init through core's parent interface */
struct core_session {
	enum core_service    service;
	char                 label[LABEL_MAX];
	uint64_t             ram_donated, caps_donated;
	struct pd_server    *payer;
	struct nest_rpc_object *object;
	void                *server;        /* the service's own session state */
	struct core_session *next;
};

struct parent_server {
	struct nest_rpc_object object;
	struct core          *core;
};

struct core_tracer {                      /* the kernel's word on faults */
	struct core           *core;
	int                    fd;
	struct nest_io_handler handler;
	struct nest_io_handler spawned;       /* starts the spawner thread ended */
};

struct core_stats {                       /* SIGUSR1 prints core's resource use */
	struct core           *core;
	int                    fd;
	struct nest_io_handler handler;
};

struct boot_watch {                        /* rewritten boot modules become new versions */
	struct core           *core;
	int                    fd, dir_fd;
	struct nest_io_handler handler;
};

struct zombie;

struct core {
	struct nest_entrypoint ep;
	struct zombie       *zombies;         /* processes of closed PDs, not yet reaped */
	struct core_stats    stats;
	struct core_tracer   tracer;
	struct boot_watch    boot_watch;
	struct sandbox       sandbox;
	struct boot_module  *modules;
	unsigned             module_count;
	struct pd_server    *pds;
	struct pd_server    *init_pd;
	struct parent_server init_parent;
	struct core_session *sessions;
	int                  init_exit_code;
	int                  init_reported_exit;
	int                  report_dir;      /* --report-dir; -1: no Report service */
	uint64_t             report_submits;  /* reports written, for core's stats */
	char                *config_text;     /* --config: host resources and profiles by label */
	struct nest_xml_node config;          /* its top-level node, if config_text */
};

/* core's policy (policy.c): the <policy> for label of a host service, the
 * sandbox profile of a label, and the check of the config at boot */
bool                 core_service_policy(const struct core *core, const char *service,
                                         const char *label, struct nest_xml_node *policy);
enum sandbox_profile core_sandbox_profile(const struct core *core, const char *label);
bool                 core_config_check(const struct core *core, const char *path);

/* diagnostics of core itself, "[core] ..." */
void core_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void core_log_line(const char *label, const char *text);

/* a PD's account; the kernel's limits of its process follow */
enum nest_error pd_withdraw(struct pd_server *pd, uint64_t ram, uint64_t caps);
void            pd_deposit(struct pd_server *pd, uint64_t ram, uint64_t caps);

/* PD service */
struct pd_server *pd_create(struct core *core, const char *label, struct pd_server *ref,
                            unsigned cpu_first, unsigned cpu_count);
void              pd_destroy(struct pd_server *pd);
struct pd_server *pd_lookup(struct core *core, struct nest_cap cap);
const struct boot_module *core_module(struct core *core, const char *name);

/* what core knows of a dataspace it made: a PD's RAM or a boot module */
struct dataspace_facts { uint64_t size; uint32_t kind; bool writable; };
enum nest_error core_dataspace_facts(struct core *core, struct nest_cap cap,
                                    struct dataspace_facts *facts);
const struct boot_module *core_module_by_cap(struct core *core, struct nest_cap cap);

/* sessions of the other services; each returns its RPC object */
enum nest_error rom_session_create(struct core *core, const char *label, void **server,
                                   struct nest_rpc_object **object);
void            rom_session_destroy(void *server);
enum nest_error log_session_create(struct core *core, const char *label, void **server,
                                   struct nest_rpc_object **object);
void            log_session_destroy(void *server);
/* host-resource sessions (host_session.c) */
enum nest_error host_session_create(struct core *core, struct core_session *s,
                                    const char *service);
void            host_session_destroy(void *server);
bool            core_service_is_host(enum core_service service);
/* core's handle of the host-resource session whose capability has identity
 * ident, -1 if there is none; grow_limit: how large a file it may write */
int             core_host_handle(struct core *core, uint64_t ident, uint64_t *grow_limit);
void            core_driver_directory(struct core *core, const char *label, int *fd,
                                      bool *writeable);
enum nest_error cpu_session_create(struct core *core, const char *label, void **server,
                                   struct nest_rpc_object **object);
void            cpu_session_destroy(void *server);
enum nest_error rm_session_create(struct core *core, const char *label, void **server,
                                  struct nest_rpc_object **object);
void            rm_session_destroy(void *server);
/* takes the buffer size from args, and its cost from s's donation */
enum nest_error report_session_create(struct core *core, struct core_session *s,
                                      const char *args);
void            report_session_destroy(void *server);
/* true if ident names the session's buffer, a RAM dataspace of core's */
bool            report_session_buffer(void *server, uint64_t ident, uint64_t *size);

enum nest_error core_stats_init(struct core *core, struct core_stats *stats);
enum nest_error core_tracer_init(struct core *core, struct core_tracer *tracer);
/* the spawner thread, and the entrypoint's watch for the starts it ended */
enum nest_error core_spawner_init(struct core *core, struct core_tracer *tracer);
/* a start ended: process (pid 0 if it failed with errno error) is the PD's */
void            pd_spawned(struct pd_server *pd, struct process *process, int error);
enum nest_error boot_watch_init(struct core *core, struct boot_watch *watch, const char *dir);
void            boot_watch_fini(struct core *core, struct boot_watch *watch);
/* signal the ROM sessions of a module that has a new version */
void            rom_module_changed(struct core *core, const struct boot_module *m);

/* reap the process once the kernel has ended it; *process is cleared */
void            core_reap_later(struct core *core, struct process *process);

/* core's side of init's parent interface */
enum nest_error core_parent_init(struct core *core);
void            core_close_all_sessions(struct core *core);

#endif
