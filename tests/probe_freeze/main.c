/*
 * \brief  Probe: can a child freeze core, init, the timer or a sibling server?
 *
 * Plays the attacker from under a nested init, as an ordinary child. Every
 * attack aims at a server's one event loop: requests whose replies are
 * never taken, requests taken back from a copy of the server's end after the
 * server was woken, a signal "context" that is a full, blocking socket for
 * the server to submit to (init's heartbeat, the timer's timeout, core's
 * region-map fault handler), and session arguments that make core loop
 * (affinity_width=4294967295 for a PD that is then started), and a storm
 * of signals at its own main thread, each of which core (its tracer) is
 * told of. After each
 * attack the probe shows that the victim still serves: each log line is
 * printed by core, routed through init, and the last ones need the timer,
 * init's routing and the sibling hello_server. On a system where any of
 * these waits on the attacker, the scenario never sees its last lines.
 * Like every probe, it calls Linux directly where it attacks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <nest/env.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include <nest/session/log.h>
#include <nest/session/rm.h>
#include <nest/session/rom.h>
#include <nest/session/timer.h>
#include "lib/base/rpc_wire.h"
#include "../probe_common.h"

NEST_RPC_DISPATCH(parent, PARENT_INTERFACE)

enum { FLOOD = 20000, STEAL_ROUNDS = 5000 };

/* a channel of the probe's own to the object of cap; the server's end is
 * kept in *server_end if that is not NULL */
static int bind_by_hand(struct nest_cap cap, int *server_end)
{
	uint32_t word = NEST_WIRE_BIND;
	int sv[2];
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &word, sizeof(word) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
	                      .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type  = SCM_RIGHTS;
	c->cmsg_len   = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
	if (sendmsg(nest_cap_handle(cap), &msg, MSG_NOSIGNAL) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (server_end)
		*server_end = sv[1];
	else
		close(sv[1]);
	return sv[0];
}

/* a request no interface knows: the server answers it with an error */
static const uint32_t junk = 0xffffffffu;

/* requests without end, none of whose replies is ever taken */
static void never_take_replies(struct probe *p, struct nest_cap cap, const char *victim)
{
	int channel = bind_by_hand(cap, NULL), sent = 0;

	while (channel >= 0 && sent < FLOOD &&
	       send(channel, &junk, sizeof(junk), MSG_NOSIGNAL) == sizeof(junk))
		sent++;
	nest_log(p->env, "probe: %s after requests whose replies were never taken (%s): serves",
	         victim, sent < FLOOD ? "the channel was dropped" : "all sent");
	close(channel);
}

struct thief { int server_end, mine; atomic_int stop; unsigned taken; };

/* takes each request back from the server's end, and each reply the
 * server sent before it lost the race */
static void take_back(void *arg)
{
	struct thief *t = arg;
	uint32_t word;
	while (!atomic_load(&t->stop)) {
		t->taken += recv(t->server_end, &word, sizeof(word), MSG_DONTWAIT) > 0;
		(void)!recv(t->mine, &word, sizeof(word), MSG_DONTWAIT);
	}
}

static void take_requests_back(struct probe *p, struct nest_cap cap, const char *victim)
{
	struct thief t = { .server_end = -1 };
	struct nest_thread thread;

	t.mine = bind_by_hand(cap, &t.server_end);
	atomic_init(&t.stop, 0);
	if (t.mine < 0 || nest_thread_start(p->env, &thread, "thief", 16 * 1024, take_back, &t)) {
		nest_log(p->env, "probe: cannot set up taking requests back from %s", victim);
		p->allowed++;
		return;
	}
	for (int i = 0; i < STEAL_ROUNDS; i++)
		if (send(t.mine, &junk, sizeof(junk), MSG_NOSIGNAL) != sizeof(junk))
			break;
	atomic_store(&t.stop, 1);
	nest_thread_join(p->env, &thread);
	nest_log(p->env, "probe: %s after requests were taken back (%s): serves", victim,
	         t.taken ? "some" : "none");
	close(t.mine);
	close(t.server_end);
}

/* a "signal context" that blocks whoever writes to it: a stream socket
 * whose peer's buffer is full, blocking for everyone but this probe */
static struct nest_cap full_context(void)
{
	static int sv[2] = { -1, -1 };
	char fill[4096] = { 0 };

	if (sv[0] < 0) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			return NEST_CAP_INVALID;
		while (send(sv[0], fill, sizeof(fill), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
			;
	}
	return nest_cap_from_handle(sv[0]);
}

static struct nest_cap session(struct probe *p, const char *service, const char *args)
{
	struct nest_cap cap = NEST_CAP_INVALID;
	enum nest_error err = nest_env_session(p->env, service, args, &cap);
	if (err) {
		nest_log(p->env, "probe: no %s session: %s", service, nest_error_name(err));
		p->allowed++;
	}
	return cap;
}

/* init pings the heartbeat context of every child with <heartbeat/> */
static void full_heartbeat_context(struct probe *p)
{
	enum nest_error err = parent_heartbeat_sigh(&p->env->parent, full_context());
	nest_log(p->env, "probe: init's heartbeat context is a full socket (%s)",
	         nest_error_name(err));
	plat_sleep_us(500 * 1000);        /* several heartbeat periods */
	nest_log(p->env, "probe: init after pinging a full heartbeat context: serves");
}

static void full_timeout_context(struct probe *p)
{
	struct timer_client timer, second;
	uint64_t ms = 0;

	timer_client_init(&timer, session(p, "Timer", "ram_quota=4K, cap_quota=2"));
	timer_sigh(&timer, full_context());
	timer_trigger_periodic(&timer, 1000);
	plat_sleep_us(100 * 1000);
	timer_client_init(&second, session(p, "Timer", "label=\"second\", ram_quota=4K, cap_quota=2"));
	if (timer_elapsed_ms(&second, &ms) == NEST_OK)
		nest_log(p->env, "probe: timer after timeouts to a full context: serves");
	nest_env_close(p->env, second.cap);
	timer_client_fini(&second);
	nest_env_close(p->env, timer.cap);
	timer_client_fini(&timer);
}

static void full_region_map_context(struct probe *p)
{
	struct rm_client rm;
	struct region_map_client map;
	struct nest_cap cap = NEST_CAP_INVALID, ds = NEST_CAP_INVALID;
	uint64_t at = 0;

	rm_client_init(&rm, session(p, "RM", "ram_quota=8K, cap_quota=2"));
	if (rm_create(&rm, 16 * 4096, &cap) || nest_env_alloc_ram(p->env, 4096, &ds)) {
		nest_log(p->env, "probe: cannot make a region map");
		p->allowed++;
		return;
	}
	region_map_client_init(&map, cap);
	region_map_sigh(&map, full_context());
	for (unsigned i = 0; i < 8; i++)
		region_map_attach(&map, ds, NEST_RM_ANYWHERE, 0, 0, 1, &at);
	nest_log(p->env, "probe: core after region-map changes signalled to a full context: serves");
	region_map_client_fini(&map);
	nest_env_close(p->env, rm.cap);
	rm_client_fini(&rm);
}

struct storm { int pid, tid; atomic_int stop; unsigned sent; };

static void count_signal(int signal) { (void)signal; }

/* SIGUSR1 at the probe's main thread, without end: core, which traces the
 * main thread, is told of each delivery */
static void raise_storm(void *arg)
{
	struct storm *s = arg;
	while (!atomic_load(&s->stop))
		s->sent += syscall(SYS_tgkill, s->pid, s->tid, SIGUSR1) == 0;
}

static void signal_storm(struct probe *p)
{
	struct storm s = { .pid = getpid(), .tid = (int)syscall(SYS_gettid) };
	struct nest_thread thread;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count_signal;
	sigaction(SIGUSR1, &sa, NULL);
	atomic_init(&s.stop, 0);
	if (nest_thread_start(p->env, &thread, "storm", 16 * 1024, raise_storm, &s)) {
		nest_log(p->env, "probe: cannot start the signal storm");
		p->allowed++;
		return;
	}
	for (unsigned i = 0; i < 100; i++)
		log_write(&p->env->log, "probe: a line during the signal storm");
	atomic_store(&s.stop, 1);
	nest_thread_join(p->env, &thread);
	nest_log(p->env, "probe: core after a storm of %s signals delivered: serves",
	         s.sent > 1000 ? "many" : "some");
}

/*
 * The probe as the parent of a child of its own, in a PD whose affinity
 * is absurd: the child only has to exit.
 */
struct parent_server { struct nest_rpc_object object; struct probe *probe; int exited; };

enum nest_error parent_serve_session(struct parent_server *s, const char *service,
                                     const char *args, struct nest_cap *out)
{
	(void)s; (void)service; (void)args; (void)out;
	return NEST_ERR_DENIED;
}
enum nest_error parent_serve_upgrade(struct parent_server *s, struct nest_cap c, const char *a)
{ (void)s; (void)c; (void)a; return NEST_ERR_DENIED; }
enum nest_error parent_serve_close(struct parent_server *s, struct nest_cap c)
{ (void)s; (void)c; return NEST_ERR_DENIED; }
enum nest_error parent_serve_announce(struct parent_server *s, const char *n, struct nest_cap r,
                                      uint32_t more)
{ (void)s; (void)n; (void)r; (void)more; return NEST_ERR_DENIED; }
enum nest_error parent_serve_exit(struct parent_server *s, int32_t code)
{ (void)code; s->exited = 1; return NEST_OK; }
enum nest_error parent_serve_resource_request(struct parent_server *s, const char *a)
{ (void)s; (void)a; return NEST_ERR_DENIED; }
enum nest_error parent_serve_resource_avail_sigh(struct parent_server *s, struct nest_cap c)
{ (void)s; (void)c; return NEST_OK; }
enum nest_error parent_serve_yield_sigh(struct parent_server *s, struct nest_cap c)
{ (void)s; (void)c; return NEST_OK; }
enum nest_error parent_serve_yield_request(struct parent_server *s, uint64_t *r, uint64_t *c)
{ (void)s; *r = *c = 0; return NEST_OK; }
enum nest_error parent_serve_yield_response(struct parent_server *s)
{ (void)s; return NEST_OK; }
enum nest_error parent_serve_heartbeat_sigh(struct parent_server *s, struct nest_cap c)
{ (void)s; (void)c; return NEST_OK; }
enum nest_error parent_serve_heartbeat_response(struct parent_server *s)
{ (void)s; return NEST_OK; }

static void absurd_affinity(struct probe *p)
{
	static struct parent_server parent;
	struct pd_client pd;
	struct rom_client rom;
	struct nest_cap binary = NEST_CAP_INVALID;
	uint64_t size = 0;
	enum nest_error err;

	parent.probe = p;
	pd_client_init(&pd, session(p, "PD", "label=\"absurd\", ram_quota=64K, cap_quota=20, "
	                                       "affinity_x=4294967295, affinity_width=4294967295"));
	rom_client_init(&rom, session(p, "ROM", "label=\"exiter\", ram_quota=4K, cap_quota=1"));
	err = nest_ep_manage(&p->env->ep, &parent.object, parent, &parent);
	if (!err)
		err = pd_transfer_quota(&p->env->pd, pd.cap, 512 * 1024, 20);
	if (!err)
		err = rom_dataspace(&rom, &binary, &size);
	if (!err)
		err = pd_start(&pd, binary, parent.object.cap, "exiter");
	while (!err && !parent.exited)
		err = nest_ep_dispatch_one(&p->env->ep, 5000);
	nest_log(p->env, "probe: core after a PD with affinity_width=4294967295: %s",
	         err ? nest_error_name(err) : "serves");
	nest_cap_release(&binary);
	nest_env_close(p->env, pd.cap);
	nest_env_close(p->env, rom.cap);
	pd_client_fini(&pd);
	rom_client_fini(&rom);
	nest_ep_dissolve(&parent.object);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	never_take_replies(&p, env->log.cap, "core");
	never_take_replies(&p, env->parent.cap, "init");
	take_requests_back(&p, env->log.cap, "core");
	take_requests_back(&p, env->parent.cap, "init");
	full_heartbeat_context(&p);
	full_timeout_context(&p);
	full_region_map_context(&p);
	absurd_affinity(&p);
	signal_storm(&p);
	probe_finish(&p);
}
