/*
 * \brief  The environment of a component: what it holds when it starts
 *
 * A component is a program that defines component_construct(). The runtime
 * calls it with the environment, then serves the entrypoint until the
 * component exits. Everything the component can reach comes through env:
 * its parent, its PD (RAM), its LOG, and what its parent routes to it.
 */
#ifndef NEST_ENV_H
#define NEST_ENV_H

#include <stdarg.h>
#include <nest/entrypoint.h>
#include <nest/lock.h>
#include <nest/session/cpu.h>
#include <nest/session/log.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/rm.h>

enum { NEST_MAX_ANNOUNCE = 8 };

struct nest_env {
	struct nest_entrypoint ep;
	struct parent_client   parent;
	struct pd_client       pd;        /* the component's own PD session */
	struct log_client      log;       /* its LOG session, opened at start */
	struct cpu_client      cpu;       /* its CPU session, opened with the first thread */
	struct nest_lock       lock;      /* LOG and CPU sessions are shared by threads */
	const char            *name;      /* as given by the parent, for diagnostics */
	/* services announced during component_construct: the parent learns of
	 * them together, once the entrypoint is ready to serve them */
	struct { char service[32]; struct nest_cap root; } announce[NEST_MAX_ANNOUNCE];
	unsigned               announce_count;
	int                    serving;
	/* answers the parent's heartbeat while the entrypoint dispatches */
	struct nest_signal_handler heartbeat;
	/* the parent's answer to a resource request: a context and a wait set
	 * of its own, so that waiting for it dispatches nothing else */
	int                    resource_avail, resource_avail_sender, resource_waitset;
	/* caps charged at core and not yet taken by an object (component.c) */
	unsigned               caps_spare;
	struct nest_lock       caps_lock;
};

/* defined by every component */
void component_construct(struct nest_env *env);

/* one line (or several, split at '\n') to the component's LOG session */
void nest_log(struct nest_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nest_vlog(struct nest_env *env, const char *fmt, va_list args);

/* sessions through the parent; args as "label=\"x\", ram_quota=8K, cap_quota=2" */
enum nest_error nest_env_session(struct nest_env *env, const char *service,
                                 const char *args, struct nest_cap *session);
enum nest_error nest_env_close(struct nest_env *env, struct nest_cap session);
enum nest_error nest_env_announce(struct nest_env *env, const char *service,
                                  struct nest_cap root);

/* the component serves its entrypoint from now on: services announced so far
 * reach the parent together. The runtime calls it when component_construct
 * returns; a component that runs a loop of its own calls it first. */
void nest_env_ready(struct nest_env *env);

/* RAM from the component's own PD, charged to its quota */
enum nest_error nest_env_alloc_ram(struct nest_env *env, size_t size, struct nest_cap *ds);
/* map size bytes (0: all) of a dataspace core made; core says how large it
 * is and whether it may be written: INVALID_ARGS for a size beyond it,
 * DENIED for a writable mapping of a ROM or sealed dataspace */
enum nest_error nest_env_attach(struct nest_env *env, struct nest_cap ds, size_t size,
                                bool writable, void **addr);

/* a region map (RM session) attached as one range: a managed dataspace */
enum nest_error nest_region_map_attach(struct region_map_client *region_map, void **addr,
                                       size_t *size);
enum nest_error nest_region_map_sync(struct region_map_client *region_map, void *addr, size_t size);
void            nest_region_map_detach(void *addr, size_t size);

/* threads: each runs on a stack that is a dataspace of the PD and is named
 * in the component's CPU session at core. The entrypoint stays the only
 * thread that serves RPCs; a thread uses RPC clients of its own. */
struct nest_thread {
	void           *handle;
	uint32_t        cpu_thread;
	struct nest_cap stack;
	void           *stack_base;
	size_t          stack_size;
	void          (*entry)(void *);
	void           *arg;
};

enum nest_error nest_thread_start(struct nest_env *env, struct nest_thread *thread,
                                  const char *name, size_t stack_size,
                                  void (*entry)(void *), void *arg);
void            nest_thread_join(struct nest_env *env, struct nest_thread *thread);

/* tell the parent and leave; never returns */
_Noreturn void nest_env_exit(struct nest_env *env, int code);

/* asks the parent for more quota and waits until it signals that it gave
 * some; as in Genode, the wait lasts until the parent's config grants more */
enum nest_error nest_env_request_resources(struct nest_env *env, uint64_t ram, uint64_t caps);

/* startup of the runtime, implemented by the platform part of lib/component */
struct nest_startup { struct nest_cap parent, pd; const char *name; };
enum nest_error nest_platform_startup(struct nest_startup *startup, int argc, char **argv);

/* the heap (malloc and friends) over dataspaces of the PD */
void nest_heap_init(struct pd_client *pd);

/* stacks are dataspaces of the PD too, with a guard page below them */
enum { NEST_EP_STACK_SIZE = 32 * 1024 };
enum nest_error nest_stack_alloc(struct pd_client *pd, size_t size, void **top);
/* the same, keeping the dataspace so that the stack can be freed */
enum nest_error nest_stack_alloc_freeable(struct pd_client *pd, size_t size,
                                          struct nest_cap *ds, void **base);
void            nest_stack_free(struct pd_client *pd, struct nest_cap *ds, void *base,
                                size_t size);
/* fn(arg) on the stack of size bytes below top */
void            nest_run_on_stack(void (*fn)(void *), void *arg, void *top, size_t size);

#endif
