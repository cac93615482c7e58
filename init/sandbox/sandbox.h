/*
 * \brief  The sandbox library: children, their sessions, and routing
 *
 * Init is a thin program around this library, so that nested runtimes
 * (a nested init, the loader) can host children with the same policy. The
 * library starts the children of a <config>, serves each child's parent
 * interface, routes every session request by the child's <route> and the
 * <default-route>, moves the donated quota from client to server, and, when
 * a child ends, closes its sessions newest first and reverts every
 * donation, so that its parent's quota is whole again. A new config is
 * applied to the running children: only what changed is restarted.
 */
#ifndef NEST_INIT_SANDBOX_H
#define NEST_INIT_SANDBOX_H

#include <nest/env.h>
#include <nest/xml.h>
#include <nest/session/report.h>
#include <nest/session/root.h>
#include <nest/session/timer.h>

enum {
	NAME_LEN      = 64,
	SERVICE_LEN   = 32,
	LABEL_LEN     = 160,
	ARGS_LEN      = 512,
	MAX_PROVIDES  = 8,
	MAX_PARENT_SERVICES = 16,
	MAX_FORWARDED_SERVICES = 8,
	/* init waits no longer for a server's root: a hung server must not
	 * hang init and with it every other child */
	ROOT_CALL_TIMEOUT_MS = 2000,
	/* what init donates for each environment session of a child */
	ENV_SESSION_RAM  = 4096,
	ENV_SESSION_CAPS = 1,
	/* what a child pays init for the record of each session it opens, so
	 * that no child can make init's memory grow at init's expense, nor
	 * make it hold descriptors (the session's capability, the call that
	 * creates it) that init's own cap quota would have to pay */
	SESSION_RECORD_RAM  = 1024,
	SESSION_RECORD_CAPS = 2,
};

struct sandbox;
struct child;
struct rom_server;

struct parent_server {                     /* the parent capability of one child */
	struct nest_rpc_object object;
	struct child          *child;
};

struct service {                           /* announced by a child */
	char            name[SERVICE_LEN];
	struct child   *server;
	struct root_client root;
	struct service *next;
};

/* ROUTE_LOCAL: served by the sandbox itself (a child's config ROM) */
enum route_kind { ROUTE_PARENT, ROUTE_CHILD, ROUTE_LOCAL };

struct route {
	enum route_kind kind;
	struct child   *server;                /* ROUTE_CHILD */
	char            label[LABEL_LEN];      /* as the server sees it */
};

/* a session's life as Genode's init reports it */
enum session_phase {
	SESSION_CREATE_REQUESTED, SESSION_CAP_HANDED_OUT, SESSION_UPGRADE_REQUESTED,
	SESSION_CLOSE_REQUESTED, SESSION_CLOSED,
	SESSION_SERVICE_DENIED        /* kept for the report only: it holds nothing */
};

struct session {                           /* requested by a child, routed by init */
	struct sandbox *sandbox;
	struct child   *client;                /* NULL: the client ended meanwhile */
	char            service[SERVICE_LEN];
	char            label[LABEL_LEN];      /* as requested, before any rewriting */
	struct route    route;
	struct nest_cap cap;                   /* init's copy, to close it */
	struct nest_rpc_object *local;         /* ROUTE_LOCAL: init's own object */
	uint64_t        ram, caps;             /* donated by the client */
	uint64_t        record_ram, record_caps;   /* paid by the client for this record */
	char           *args;                  /* as the server got them, for the report */
	int             env;                   /* opened by init for the child's start */
	enum session_phase phase;              /* CLOSED: its server ended, the record
	                                          stays for restarts */
	/* CREATE_, UPGRADE_ or CLOSE_REQUESTED at a child: init never waits for
	 * a server's root; a client's reply to a create waits for the server's */
	struct nest_async_call *call;
	struct nest_reply reply;
	int             close_reply;           /* the client waits for the close */
	int             upgrade_reply;         /* the client waits for the upgrade */
	struct session *next;                  /* in the client's list, newest first */
};

struct forward_root_server;

struct pending_request {                   /* waits for its server to announce */
	struct child   *client;                /* or NULL: */
	struct forward_root_server *root;      /* a request of init's parent (server.c) */
	char            service[SERVICE_LEN];
	char            args[ARGS_LEN];
	char            label[LABEL_LEN];      /* for the state report */
	struct nest_reply reply;
	struct pending_request *next;
};

/*
 * RUNNING:    its process runs (or starts)
 * INCOMPLETE: it could not be started (its binary or an environment session
 *             could not be had); a new config tries again
 * EXITED:     it exited or faulted; everything it had is given back, it
 *             stays in the state report until the config removes it or
 *             changes its version
 * ABANDONED:  to be destroyed by the config being applied
 */
enum child_state { CHILD_RUNNING, CHILD_INCOMPLETE, CHILD_EXITED, CHILD_ABANDONED };

struct child {
	struct sandbox        *sandbox;
	unsigned               id;             /* counts up, as in Genode's report */
	char                   name[NAME_LEN];
	char                   binary[NAME_LEN];
	char                   version[NAME_LEN];
	uint64_t               assigned_ram, assigned_caps; /* given to its PD so far */
	char                  *start_xml;      /* own copy of the start node */
	struct nest_xml_node   start;
	int                    exit_propagate;
	char                   provides[MAX_PROVIDES][SERVICE_LEN];
	unsigned               provides_count;
	struct parent_server   parent;
	struct pd_client       pd;             /* its PD session at core */
	struct nest_signal_handler exit_handler;
	struct session        *sessions;
	struct rom_server     *config_roms;    /* its config ROM sessions */
	unsigned               config_generation; /* counts changes of <config> */
	enum child_state       state;
	int                    exit_code;
	int                    restart;        /* a server it used went away */
	/* its LOG environment session, handed out when it asks for LOG */
	struct nest_cap        env_log;
	int                    awaits_server;  /* its environment waits for an announcement */
	int                    started;        /* its process was made */
	int                    just_created;   /* in the config apply under way */
	int                    retry;          /* incomplete: start again with the new config */
	/* what the child asked for and what init asked of it */
	struct nest_cap        resource_avail_sigh, yield_sigh, heartbeat_sigh;
	uint64_t               requested_ram, requested_caps;
	uint64_t               yield_ram, yield_caps;
	unsigned               outstanding_heartbeats;
	struct child          *next;
};

/* a <service> of the config: init announces it to its parent and forwards
 * each session request by <policy> to a child (server.c) */
struct forward_root_server {
	struct nest_rpc_object object;
	struct sandbox        *sandbox;
	char                   service[SERVICE_LEN];
};

struct forwarded_session {
	struct sandbox        *sandbox;
	struct child          *server;
	char                   service[SERVICE_LEN];
	char                   label[LABEL_LEN];  /* as the server sees it */
	char                   request_label[LABEL_LEN];  /* as init's parent asked */
	int                    revoked;           /* its policy went: init closes it */
	struct nest_cap        cap;
	uint64_t               ram, caps;         /* passed on to the server */
	/* the call at the server's root that the parent's reply waits for */
	enum session_phase     phase;             /* CREATE_, UPGRADE_, CLOSE_REQUESTED */
	struct nest_async_call *call;
	struct nest_reply      reply;
	struct forwarded_session *next;
};

struct report_detail {
	int enabled, ids, requested, provided, session_args, child_ram, child_caps, init_ram,
	    init_caps;
	uint64_t delay_ms, buffer;
};

struct state_reporter {
	struct report_detail       detail;
	char                       version[NAME_LEN];
	struct nest_cap            session;    /* Report "state" at the parent */
	struct report_client       report;
	void                      *buffer;
	uint64_t                   buffer_size;
	struct timer_client        timer;      /* rate limit and periodic refresh */
	struct nest_signal_handler timer_handler, immediate;
	int                        scheduled, timer_failed;
	uint64_t                   published_us;   /* when the last report was made */
	int                        cut;        /* the last report showed sessions in part */
	char                      *last;       /* the last report, to skip repeats */
};

struct heartbeat {
	struct timer_client        timer;
	struct nest_signal_handler handler;
	uint64_t                   rate_ms;
	int                        timer_failed;
};

struct sandbox {
	struct nest_env       *env;
	char                  *config_xml;     /* own copy of the config */
	struct nest_xml_node   config;
	char                   parent_provides[MAX_PARENT_SERVICES][SERVICE_LEN];
	unsigned               parent_provides_count;
	struct child          *children;       /* in the order of their start nodes */
	unsigned               child_count;    /* ids handed out */
	struct service        *services;
	struct pending_request *pending;
	struct session        *detached;       /* off their client's list, waiting for
	                                          their server: closes, and creates
	                                          whose client ended */
	uint64_t               record_ram, record_caps;   /* paid by clients for session
	                                          records, held in init's PD until returned */
	struct nest_signal_handler sweep;      /* releases exited children */
	struct nest_signal_handler retry;      /* serves pending requests after announces */
	uint64_t               preserved_ram, preserved_caps;
	int                    verbose;
	struct state_reporter  reporter;
	struct heartbeat       heartbeat;
	struct forward_root_server   *forward_roots[MAX_FORWARDED_SERVICES];
	unsigned               forward_root_count;
	struct forwarded_session *forwarded;
	/* optional: told after a child exited and was released */
	void                 (*child_exited)(void *state, const char *name, int exit_code);
	void                  *child_exited_state;
};

void sandbox_init(struct sandbox *sb, struct nest_env *env);
/* ends every child and releases what the sandbox holds: for a runtime that
 * ends, and for a test that starts one sandbox after another */
void sandbox_fini(struct sandbox *sb);
/* applies config to the running children; NEST_ERR_SYNTAX with a logged
 * message naming the line if it is not valid init configuration, in which
 * case the last good config stays in force */
enum nest_error sandbox_apply_config(struct sandbox *sb, const char *text, size_t len);

/* a Timer session at init's parent that signals handler, opened once */
enum nest_error sandbox_timer(struct sandbox *sb, struct timer_client *timer,
                              struct nest_signal_handler *handler);
void            sandbox_timer_close(struct sandbox *sb, struct timer_client *timer);

/* restarts the children marked so (and, in cascade, their clients), starts
 * those of the config that do not run, and deals their quota out */
void            sandbox_reconcile(struct sandbox *sb);

/* the RAM and caps a start node asks for (its attributes or <resource>) */
void            child_quota(struct sandbox *sb, const struct nest_xml_node *start,
                            uint64_t *ram, uint64_t *caps);
/* what init can still give away, keeping what it needs itself */
void            sandbox_available(struct sandbox *sb, uint64_t *ram, uint64_t *caps);

/* child life cycle (child.c) */
struct child   *child_create(struct sandbox *sb, const struct nest_xml_node *start);
void            child_destroy(struct child *child);
/* give back everything the child has, keep it as exited (or incomplete) */
void            child_release(struct child *child, enum child_state state);
/* a start node of the same name and version: take it over; the child is
 * marked for restart if it cannot run on unchanged */
void            child_update(struct child *child, const struct nest_xml_node *start);
/* does any session of the child route elsewhere now? */
int             child_routes_changed(struct child *child);
void            child_apply_downgrade(struct child *child);
void            child_apply_upgrade(struct child *child);
struct child   *child_by_name(struct sandbox *sb, const char *name);
int             child_provides(const struct child *child, const char *service);

/* the parent interface of a child (parent.c) */
enum nest_error parent_server_manage(struct child *child);
void            child_ended(struct child *child, int code);

/* routing (route.c) */
/* label: the full session label ("client -> ..."); route->label is the
 * label the server will see; quiet: a route re-evaluated, not requested,
 * is not worth a warning */
enum nest_error route_session(struct sandbox *sb, struct child *client, const char *service,
                              const char *label, int quiet, struct route *route);

/* the child's config ROM from its <config> node (config_rom.c) */
int             child_has_config(const struct child *child);
/* ram: the client's donation, which pays for the dataspace */
enum nest_error config_rom_create(struct child *child, uint64_t ram,
                                  struct nest_rpc_object **object);
void            config_rom_upgrade(struct nest_rpc_object *object, uint64_t ram);
void            config_rom_destroy(struct nest_rpc_object *object);
/* its <config> changed: each config ROM session gets a signal */
void            config_rom_changed(struct child *child);

/* calls at a child's root, whose caller's reply waits for them (session.c) */
struct nest_async_call *async_call_new(void (*done)(struct nest_async_call *), void *state);
/* the reply to defer: the one given, deferred before, or, inside the
 * caller's call, that call's, deferred now */
enum nest_error         reply_later(struct sandbox *sb, const struct nest_reply *deferred,
                                    struct nest_reply *reply);

/* sessions (session.c) */
/* NEST_OK with cap, or with *async set: the session is being created at
 * a child server and the client's reply (deferred, or given as deferred)
 * follows then; NEST_ERR_UNAVAILABLE: the server has not announced yet */
enum nest_error session_create(struct child *client, const char *service, const char *args,
                               const struct nest_reply *deferred, struct nest_cap *cap,
                               int *async);
/* an environment session of the child, paid by init */
/* an environment session of the child's start; one routed to a child's
 * server is asked for without waiting (*cap stays invalid): its answer
 * goes to child_environment_ready */
enum nest_error session_create_env(struct child *client, const char *service,
                                   const char *label, struct nest_cap *cap);
/* the capability of its environment session of service: UNAVAILABLE while
 * the server has not answered, NOT_FOUND if there is none (it failed) */
enum nest_error env_session_cap(struct child *client, const char *service,
                                struct nest_cap *cap);
/* every answer to an environment session: the child starts once it has all */
void            child_environment_ready(struct child *child);
/* a server announced: a child whose environment waited for one asks again */
void            child_retry_environment(struct child *child);
/* an incomplete child starts again, keeping its id (Genode's stuck child) */
void            child_retry_start(struct child *child);
/* 1: the server closes it asynchronously, s stays until then (its client
 * may defer its reply into s->reply, with close_reply set); 0: closed */
int             session_close(struct session *s);
/* tell the server of the quota the client added (already transferred);
 * the client may defer its reply into s->reply, with upgrade_reply set */
enum nest_error session_upgrade(struct session *s, const char *args);
void            sessions_retry_pending(struct sandbox *sb);
void            sessions_of_server_ended(struct child *server, int destroyed);
void            pending_requests_drop(struct child *client);
/* keep a request that waits for its server, its reply deferred: of a child
 * (service, args) or of init's parent for a <service> (root, args) */
enum nest_error pending_request_add(struct sandbox *sb, struct child *client,
                                    struct forward_root_server *root, const char *service,
                                    const char *args);
/* the client ends: what its detached sessions gave back goes to init */
void            sessions_detach_client(struct child *client);
/* the service a child announced by that name, if it did */
struct service *service_announced(struct sandbox *sb, struct child *server, const char *name);

/* the state report (state_report.c) */
void            state_report_init(struct sandbox *sb);
void            state_report_apply_config(struct sandbox *sb);
void            state_report_trigger(struct sandbox *sb);
void            state_report_trigger_immediate(struct sandbox *sb);
void            state_report_fini(struct sandbox *sb);

/* sessions of init's parent forwarded to children (server.c) */
void            server_apply_config(struct sandbox *sb);
/* a request of init's parent tried again: NEST_ERR_UNAVAILABLE while its
 * server has not announced, else it is answered (or will be) */
enum nest_error server_retry_request(struct pending_request *r);
/* the server ends: what was forwarded to it is given back */
void            server_child_released(struct child *child);
void            server_fini(struct sandbox *sb);

/* heartbeat monitoring (heartbeat.c) */
void            heartbeat_init(struct sandbox *sb);
void            heartbeat_apply_config(struct sandbox *sb);
void            heartbeat_fini(struct sandbox *sb);

#endif
