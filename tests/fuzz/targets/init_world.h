/*
 * \brief  The world around init in the init fuzz target: core below, servers beside
 *
 * Init talks to core (its parent) and to its children's servers, all of
 * which are other processes. In the fuzz target they live in init's process,
 * on an entrypoint of their own (init_world.c):
 *   - core's own PD and LOG services (core/pd_session.c, core/log_session.c),
 *     with processes faked by fake_process.c;
 *   - behind a parent interface that plays core's for init (core/parent.c
 *     cannot be linked beside init's own parent interface), with ROM modules,
 *     a Timer that fires when the input says, and a Report service that
 *     checks that every state report init submits is well-formed XML;
 *   - as init's parent, it keeps the services init announces and a client
 *     PD whose donations it moves to init and back, as a parent init would;
 *   - the servers of children: roots that answer a request at once, later,
 *     never, or refuse it, as the input says, and close what they are asked to.
 * This header shares no type with core or init, whose headers clash (each
 * has a struct sandbox).
 */
#ifndef NEST_FUZZ_INIT_WORLD_H
#define NEST_FUZZ_INIT_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <nest/entrypoint.h>

struct world_account { uint64_t ram_quota, ram_used, cap_quota, cap_used; };

/* a fresh world with init's PD of the quota given; init's capabilities:
 * its parent and its own PD */
void world_boot(uint64_t ram, uint64_t caps, struct nest_cap *parent, struct nest_cap *pd);
struct nest_entrypoint *world_ep(void);

/* quota is conserved, no PD uses more than it has (as core_fuzz.c checks) */
void world_check(void);
void world_init_account(struct world_account *account);
/* the account of the PD at core that cap names (its session's or its own
 * capability); false if it names none */
bool world_pd_account(struct nest_cap cap, struct world_account *account);
/* PD sessions open besides init's own PD and the parent's client's */
unsigned world_pd_sessions(void);
/* sessions init has open at its parent */
unsigned world_parent_sessions(void);
/* core ends: every session closed, every process reaped, every descriptor closed */
void world_shut_down(void);

/* does the object answer a synchronous call (not a server that hangs)? */
bool world_answers(const struct nest_rpc_object *object);

/* servers of children (the fake process pid): how their roots answer */
enum server_mode {
	SERVER_ANSWERS, SERVER_DEFERS, SERVER_REFUSES, SERVER_HANGS,
	SERVER_SESSIONS_HANG,                 /* its roots answer, its sessions never do */
	SERVER_MODES
};
/* a root of pid's; *cap is the process's own copy */
bool world_root_create(int pid, enum server_mode mode, struct nest_cap *cap);
void world_server_mode(int pid, enum server_mode mode);
/* the n-th request a deferring root keeps is answered (a session, or status) */
void world_root_answer(unsigned n, enum nest_error status);
/* the process ended: its roots and sessions are gone with it */
void world_process_ended(int pid);

/* the Timer's period ends: every session's context gets its signal */
void world_timer_fire(void);

/* init's parent: the n-th service init announced (modulo their number) */
bool world_announced(unsigned n, struct nest_cap *root);
/* a client of init's parent donates to init, as a parent moves a session's
 * donation to its server; and takes it back after the close */
enum nest_error world_donate_to_init(uint64_t ram, uint64_t caps);
enum nest_error world_take_back_from_init(uint64_t ram, uint64_t caps);
/* what init passes on of its children's requests is printable (unless its
 * config names a child unprintably: a config is its parent's word) */
void world_expect_printable(bool printable);
/* init exited through its parent (nest_env_exit) */
bool world_init_exited(void);

#endif
