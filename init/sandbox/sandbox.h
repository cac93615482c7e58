/*
 * \brief  The sandbox library: children, their sessions, and routing
 *
 * Init is a thin program around this library, so that nested runtimes
 * (a nested init, the loader) can host children with the same policy. The
 * library starts the children of a <config>, serves each child's parent
 * interface, routes every session request by the child's <route> and the
 * <default-route>, moves the donated quota from client to server, and, when
 * a child ends, closes its sessions newest first and reverts every
 * donation, so that its parent's quota is whole again.
 */
#ifndef NEST_INIT_SANDBOX_H
#define NEST_INIT_SANDBOX_H

#include <nest/env.h>
#include <nest/xml.h>

enum {
	NAME_LEN      = 64,
	SERVICE_LEN   = 32,
	LABEL_LEN     = 160,
	ARGS_LEN      = 512,
	MAX_PROVIDES  = 8,
	MAX_PARENT_SERVICES = 16,
	/* init waits no longer for a server's root: a hung server must not
	 * hang init and with it every other child */
	ROOT_CALL_TIMEOUT_MS = 2000,
};

struct sandbox;
struct child;

struct parent_server {                     /* the parent capability of one child */
	struct nest_rpc_object object;
	struct child          *child;
};

struct service {                           /* announced by a child */
	char            name[SERVICE_LEN];
	struct child   *server;
	struct nest_client root;
	struct service *next;
};

/* ROUTE_LOCAL: served by the sandbox itself (a child's config ROM) */
enum route_kind { ROUTE_PARENT, ROUTE_CHILD, ROUTE_LOCAL };

struct route {
	enum route_kind kind;
	struct child   *server;                /* ROUTE_CHILD */
};

struct session {                           /* requested by a child, routed by init */
	struct child   *client;
	char            service[SERVICE_LEN];
	char            label[LABEL_LEN];
	struct route    route;
	struct nest_cap cap;                   /* init's copy, to close it */
	struct nest_rpc_object *local;         /* ROUTE_LOCAL: init's own object */
	uint64_t        ram, caps;             /* donated by the client */
	struct session *next;                  /* in the client's list, newest first */
};

struct pending_request {                   /* waits for its server to announce */
	struct child   *client;
	char            service[SERVICE_LEN];
	char            args[ARGS_LEN];
	struct nest_reply reply;
	struct pending_request *next;
};

enum child_state { CHILD_RUNNING, CHILD_EXITED, CHILD_DESTROYED };

struct child {
	struct sandbox        *sandbox;
	char                   name[NAME_LEN];
	char                   binary[NAME_LEN];
	uint64_t               ram, caps;      /* assigned by the config */
	char                  *start_xml;      /* own copy of the start node */
	struct nest_xml_node   start;
	int                    exit_propagate;
	char                   provides[MAX_PROVIDES][SERVICE_LEN];
	unsigned               provides_count;
	struct parent_server   parent;
	struct nest_client     pd;             /* its PD session at core */
	struct nest_cap        pd_session;     /* the same, to close it */
	struct nest_cap        binary_session; /* ROM session of its binary */
	uint64_t               env_ram, env_caps; /* donated for PD and ROM */
	struct nest_cap        config_ds;      /* its config ROM, made on first use */
	uint64_t               config_size;
	struct nest_signal_handler exit_handler;
	struct session        *sessions;
	enum child_state       state;
	int                    exit_code;
	struct child          *next;
};

struct sandbox {
	struct nest_env       *env;
	char                  *config_xml;     /* own copy of the config */
	struct nest_xml_node   config;
	char                   parent_provides[MAX_PARENT_SERVICES][SERVICE_LEN];
	unsigned               parent_provides_count;
	struct child          *children;
	struct service        *services;
	struct pending_request *pending;
	struct nest_signal_handler sweep;      /* destroys exited children */
	struct nest_signal_handler retry;      /* serves pending requests after announces */
	uint64_t               preserved_ram, preserved_caps;
	int                    verbose;
	/* optional: told after an exited child was destroyed */
	void                 (*child_destroyed)(void *state, const char *name, int exit_code);
	void                  *child_destroyed_state;
};

void sandbox_init(struct sandbox *sb, struct nest_env *env);
/* starts the children of config; NEST_ERR_SYNTAX with a logged message
 * naming the line if the config is not valid init configuration */
enum nest_error sandbox_apply_config(struct sandbox *sb, const char *text, size_t len);

/* the RAM and caps a start node asks for (its attributes or <resource>) */
void            child_quota(struct sandbox *sb, const struct nest_xml_node *start,
                            uint64_t *ram, uint64_t *caps);

/* child life cycle (child.c) */
struct child   *child_create(struct sandbox *sb, const struct nest_xml_node *start);
void            child_destroy(struct child *child);
struct child   *child_by_name(struct sandbox *sb, const char *name);
int             child_provides(const struct child *child, const char *service);

/* routing (route.c) */
/* label: the full session label ("client -> ..."); a target may replace it */
enum nest_error route_session(struct sandbox *sb, struct child *client, const char *service,
                              char *label, size_t label_size, struct route *route);

/* the child's config ROM from its <config> node (config_rom.c) */
int             child_has_config(const struct child *child);
enum nest_error config_rom_create(struct child *child, struct nest_rpc_object **object);
void            config_rom_destroy(struct nest_rpc_object *object);
void            config_rom_release(struct child *child);

/* sessions (session.c) */
enum nest_error session_create(struct child *client, const char *service, const char *args,
                               struct nest_cap *cap);
void            session_close(struct session *s);
void            sessions_retry_pending(struct sandbox *sb);
void            sessions_of_server_closed(struct child *server);

#endif
