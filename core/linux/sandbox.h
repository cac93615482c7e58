/*
 * \brief  Core's Linux platform: sandboxed processes, RAM and ROM memfds, report files
 *
 * Everything core needs from Linux beyond messages and wait sets is here,
 * so that core's services stay free of system calls.
 */
#ifndef NEST_CORE_LINUX_SANDBOX_H
#define NEST_CORE_LINUX_SANDBOX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nest/error.h>

/*
 * Every running component has a host user of its own, so that the kernel's
 * per-user counts (threads, descriptors in flight, pipe buffers, pending
 * signals) are per component. They come from a range far above any host's
 * users: slot n is user n inside the namespaces, COMPONENT_UID_BASE + n - 1
 * outside.
 */
enum { SANDBOX_SLOTS = 16384, COMPONENT_UID_BASE = 0x70000000 };

/* the CPUs core may use, in order: the affinity space components are placed in */
enum { SANDBOX_CPUS_MAX = 256 };

struct sandbox {
	bool    unconfined;            /* core --no-sandbox, for tests: no sandbox at all */
	bool    namespaces;            /* a shared set of empty namespaces exists */
	const char *sanitized;         /* tests only: sanitizer runtime directory (sanitized.c) */
	int     ns_user, ns_mnt, ns_net, ns_ipc, ns_uts;
	int     ns_core_net;           /* core's own, to return to (supervisor.c) */
	char    why_not[128];          /* why namespaces are unavailable */
	uint8_t slots_used[SANDBOX_SLOTS / 8];
	uint16_t cpus[SANDBOX_CPUS_MAX];  /* host CPU of each position of the space */
	unsigned cpu_count;               /* at least one */
	pthread_t spawner;                /* makes the processes (spawner.c) */
	int      spawn_requests[2], spawn_done[2];
};

/*
 * What a component may call: STRICT, every component's; DRIVER, besides,
 * I/O at an offset, flushing and a few ioctls on its host handles only;
 * TRAPPING, the strict calls, and every other call raises SIGSYS in the
 * component instead of failing (for a supervisor inside it that serves
 * programs written for POSIX).
 */
enum sandbox_profile { SANDBOX_STRICT, SANDBOX_DRIVER, SANDBOX_TRAPPING };

/* what the kernel holds a component to; core derives it from its quota */
struct sandbox_limits {
	unsigned descriptors;          /* open at once, at most STARTUP_BINARY */
	unsigned threads;              /* the process itself included */
	uint64_t data_bytes;           /* private writable memory: data, bss, brk */
	enum sandbox_profile profile;  /* its filter: by core's policy for its label */
	int  beneath;                  /* a driver's directory (Landlock); -1: none */
	bool beneath_writeable;
};

/* confine the calling process (a driver, before exec) to what is beneath
 * the directory handle beneath (-1: nothing) with Landlock; 0 or -1 */
int sandbox_landlock(int beneath, bool writeable, const char *sanitized);

/* a fatal signal the kernel delivered to a component (tracer.c) */
struct process_fault {
	int                signal;     /* 0: none */
	bool               raised;     /* sent by the component itself, not a fault */
	unsigned long long addr, ip;   /* addr only for a fault */
};

struct process {
	int  pid;
	int  pidfd;                    /* readable once the process has ended */
	bool traced;                   /* core sees its signals (tracer.c) */
	unsigned slot;                 /* its user; 0: none */
	bool unconfined;               /* started by core --no-sandbox: no limits */
	int  listener;                 /* its socketpair and pipe2 calls, for core; -1: none */
	int  supply;                   /* its runtime's requests for objects; -1: none */
	int  settle_cpu;               /* host CPU it moves to at its first request; -1: none */
	unsigned host_handles;         /* installed at HOST_HANDLE_FIRST on */
	struct process_fault fault;
};

enum { SIGNAL_KILL = 9 };

struct process_end {
	bool     signalled;
	int      code;                 /* exit code or signal number */
};

/* first thing in core: the descriptor numbers spawning needs (spawn.c) */
enum nest_error sandbox_reserve_slots(void);
enum nest_error sandbox_init(struct sandbox *sb);
void            sandbox_fini(struct sandbox *sb);
/* for tests only (core --no-sandbox): components are started without
 * namespaces, user, limits or filter, as core itself runs */
void            sandbox_init_unconfined(struct sandbox *sb);

/* the width of the affinity space: the CPUs core was allowed when it started */
unsigned        sandbox_cpu_count(const struct sandbox *sb);

/*
 * Start binary (a ROM memfd) sandboxed, with its parent and PD capabilities,
 * in the location cpu_first..cpu_first+cpu_count-1 of the space (modulo its
 * width). Its place is the first CPU of the location; a process whose
 * location has more CPUs starts up (exec, the C library's initialization)
 * on the others and settles on its place at its first request for objects.
 *
 * Starting runs on core's spawner thread (spawner.c), so that core's
 * entrypoint never waits for a process to be made: sandbox_spawn prepares
 * the start and hands it over; once sandbox_spawner_fd is readable,
 * sandbox_spawn_ended gives back each start that ended, with the owner it
 * was begun for and its process (pid 0 if it failed, error the errno).
 * A start whose owner went away is disowned: it comes back with owner NULL.
 */
struct spawn_job;
enum nest_error sandbox_spawner_start(struct sandbox *sb);
/* starts the entrypoint did not take back are lost: take them first */
void            sandbox_spawner_stop(struct sandbox *sb);
int             sandbox_spawner_fd(const struct sandbox *sb);
enum nest_error sandbox_spawn(struct sandbox *sb, int binary, const char *name,
                              int parent_cap, int pd_cap, unsigned cpu_first,
                              unsigned cpu_count, const struct sandbox_limits *limits,
                              void *owner, struct spawn_job **job);
bool            sandbox_spawn_ended(struct sandbox *sb, void **owner, struct process *process,
                                    int *error);
void            sandbox_spawn_disown(struct spawn_job *job);
/* the start-up is over once the process first asks core for objects (by its
 * runtime's supply or a system call the filter hands to core): it moves to
 * its place; one that never asks stays on the other CPUs of its location */
void            sandbox_settle(struct process *process);
/*
 * Socket pairs and pipes a component asks for are made by core, with these
 * buffers (supervisor.c): a socket holds at most SANDBOX_SOCKET_BUFFER of
 * messages it sent and not yet taken, a pipe SANDBOX_PIPE_BUFFER.
 */
enum { SANDBOX_SOCKET_BUFFER = 16 << 10, SANDBOX_PIPE_BUFFER = 4096 };

/* a call of the component waits for core: make what it asked for */
/* core's handle of the host-resource session whose capability has identity
 * ident, -1 if none */
struct host_handle_lookup {
	int (*handle)(void *state, uint64_t ident, uint64_t *grow_limit);
	void *state;
};
void            sandbox_serve_notification(struct sandbox *sb, struct process *process,
                                           const struct host_handle_lookup *lookup);
/* its runtime asks for a batch of them (object_supply.c);
 * NEST_ERR_INVALID_CAP: it closed its end, stop watching */
enum nest_error sandbox_serve_supply(const struct sandbox *sb, struct process *process);
/* how core makes them (supervisor.c): sockets in the components' network
 * namespace, entered and left around making them; 0 or a negative errno */
int             sandbox_enter_components_net(const struct sandbox *sb);
void            sandbox_leave_components_net(const struct sandbox *sb);
int             sandbox_make_socketpair(int type, int protocol, int pair[2]);
int             sandbox_make_pipe(int flags, int pair[2]);

/* how many descriptors the process holds now (0 if that cannot be read) */
unsigned        sandbox_descriptors_open(const struct process *process);
/* a new quota: descriptors beyond the new limit stay, no new one is made */
enum nest_error sandbox_limit_descriptors(struct process *process, unsigned descriptors);
void            sandbox_kill(struct process *process);
/* NEST_ERR_UNAVAILABLE while the process still runs */
enum nest_error sandbox_reap(struct process *process, struct process_end *end);
/* the process is reaped (or given up): its pidfd and its user go */
void            sandbox_release(struct sandbox *sb, struct process *process);

/* the private writable memory an ELF executable's segments take when
 * loaded; NEST_ERR_INVALID_ARGS if it is no executable for this host */
enum nest_error sandbox_binary_data_size(const void *image, size_t size, uint64_t *bytes);

/* installed in the new process before exec; sanitized: with what the
 * loader and sanitizer runtimes of the sanitized build need (sanitized.c);
 * returns the listener of the calls it hands to core, -1 on failure */
/* directories: the driver was confined with Landlock (landlock.c), so it may
 * open, make, remove and rename files relative to its host handles */
int sandbox_install_filter(int self_pid, enum sandbox_profile profile, bool directories,
                           bool sanitized);
/* the filter's program, as installed: its length (0: it does not fit) */
enum { SANDBOX_FILTER_MAX = 256 };
struct sock_filter;
unsigned sandbox_filter_build(int self_pid, enum sandbox_profile profile, bool directories,
                              bool sanitized, struct sock_filter *program);

/* tests only: dir (absolute) and /proc read-only at their own paths below root */
int sanitized_root_add(const char *dir, const char *root);

/* the kernel tells core of signals delivered to its components: *fd is
 * readable when one was; tracer_handle records each fatal one in the
 * process that lookup finds for a pid, and lets every signal go on */
enum nest_error tracer_init(int *fd);
void            tracer_attach(struct process *process);
void            tracer_handle(int fd, struct process *(*lookup)(void *state, int pid),
                              void *state);

/* RAM: a memfd that cannot grow; truncated on free so no mapping outlives it */
enum nest_error ram_memfd_create(size_t size, int *fd);
void            ram_memfd_revoke(int fd);
/* no more writes by anyone; NEST_ERR_DENIED while a writable mapping exists */
enum nest_error ram_memfd_seal(int fd);
/* ROM: a memfd with the content, sealed against writes and resizing */
enum nest_error rom_memfd_create(const void *content, size_t size, const char *name, int *fd);

/* reports: files of a host directory, each replaced atomically on write;
 * a name must not contain '/' */
enum nest_error report_dir_open(const char *path, int *dir);
enum nest_error report_file_write(int dir, const char *name, const void *content, size_t len);
void            report_file_remove(int dir, const char *name);

/* boot modules: every regular file of a directory; version counts the
 * updates of a module that was rewritten while core runs */
struct boot_module { char name[64]; int fd; size_t size; const char *content; unsigned version; };
enum nest_error boot_modules_load(const char *dir, struct boot_module **modules,
                                  unsigned *count, char *error, size_t error_size);
/* a sealed copy of size bytes of the memfd source_fd, named name, read as a
 * module (core starts processes from it); boot_module_drop frees it */
enum nest_error boot_module_snapshot(int source_fd, size_t size, const char *name,
                                     struct boot_module *m);
void            boot_module_drop(struct boot_module *m);
/* the module's file again, in place of its current content */
enum nest_error boot_module_reload(int dir_fd, struct boot_module *m, char *error,
                                   size_t error_size);

/* host resources (host_resource.c): core's config, and what core's policy
 * names for a component: a file or block device, core's terminal, a TAP
 * device ("A.B.C.D/LEN" or ""), an X display (":N") */
enum nest_error host_text_read(const char *path, char **text, size_t *size, char *error,
                               size_t error_size);
enum nest_error host_file_open(const char *path, bool writeable, int *fd, uint64_t *size);
enum nest_error host_terminal_open(int *fd);
enum nest_error host_tap_create(const char *name, const char *address, int *fd);
enum nest_error host_x11_connect(const char *display, int *fd);
enum nest_error host_dir_open(const char *path, int *fd);

/* signal names for fault reports */
const char *signal_name(int signal);

/* raise the descriptor limit of core itself */
void core_raise_fd_limit(void);

#endif
