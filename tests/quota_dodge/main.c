/*
 * \brief  Attacker: make the host hold more than the quota pays for
 *
 * Each attack once held resources that nobody's quota paid for: raw threads
 * beyond what a CPU session names, descriptors (and with them socket
 * buffers of the host's default size) up to the process's fixed limit,
 * pipes of 64 KiB, 8 MiB of private memory, and
 * sessions opened with no caps donated, for which init held descriptors at
 * its own expense. The runtime's own channels come from core's object
 * supply, which must bound them alike and never hold more than one
 * answer for a component that asks without reading. The bound each attack must meet is computed from the
 * quota the component reads from its PD, never from the limits the kernel
 * reports, so a system that stopped enforcing them fails here. Like every
 * probe, it calls Linux directly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/futex.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include "lib/base/linux/object_supply.h"
#include "lib/base/linux/startup_handles.h"

enum {
	THREAD_TRIES     = 1000,
	THREADS_BOUND    = 64,         /* what one CPU session names */
	THREAD_STACK     = 4 << 10,
	DESCRIPTOR_TRIES = 1000,
	DESCRIPTORS_BASE = 16, DESCRIPTORS_PER_CAP = 4,   /* docs/guarantees.md */
	PRIVATE_CHUNK    = 64 << 10,
	PRIVATE_TRIES    = 8 << 20 >> 16,                 /* the old 8 MiB */
	PRIVATE_BOUND    = 1 << 20,    /* data, bss and libc's start-up share */
	SESSION_TRIES    = 1000,
	SESSION_RECORD_CAPS = 2,       /* what init charges per session */
	MESSAGE          = 4000,       /* as large as an RPC message */
	SOCKET_BUFFER    = 16 << 10,   /* what a socket may hold (docs/mechanisms.md) */
	PIPE_BUFFER      = 4096,       /* and a pipe */
	PIPES            = 8,
	SUPPLY_REQUESTS  = 1000,
	SUPPLY_WAIT_US   = 300 * 1000, /* ample for core to take every request */
};

struct dodge {
	struct nest_env *env;
	unsigned         failed;
	uint64_t         cap_quota;    /* at start, from the PD */
};

static void verdict(struct dodge *d, const char *attack, bool bounded, const char *fmt,
                    unsigned long long got, unsigned long long bound, int error)
{
	d->failed += !bounded;
	nest_log(d->env, "quota_dodge: %s: %s (%llu %s, bound %llu; then %s)", attack,
	         bounded ? "bounded" : "UNBOUNDED", got, fmt, bound,
	         error ? strerror(error) : "no refusal");
}

static int sleeper(void *word)
{
	for (;;)
		syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return 0;
}

/* threads made with clone() directly, past the CPU session */
static void raw_threads(struct dodge *d)
{
	static uint32_t word;
	unsigned started = 0;
	int error = 0;
	char *stacks = malloc((size_t)THREAD_TRIES * THREAD_STACK);

	for (unsigned i = 0; stacks && i < THREAD_TRIES; i++) {
		char *top = stacks + (size_t)(i + 1) * THREAD_STACK;
		if (clone(sleeper, top, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, &word) < 0) {
			error = errno;
			break;
		}
		started++;
	}
	/* the threads sleep until the component exits; their stacks stay */
	verdict(d, "raw threads", started <= THREADS_BOUND, "started", started, THREADS_BOUND,
	        error);
}

/* socket pairs as long as the kernel gives them, each one's buffer filled */
static void descriptors(struct dodge *d)
{
	static char message[MESSAGE];
	unsigned long long bound = DESCRIPTORS_BASE + DESCRIPTORS_PER_CAP * d->cap_quota;
	unsigned long long held = 0, queued = 0;
	int error = 0, pair[2];

	for (unsigned i = 0; i < DESCRIPTOR_TRIES; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
			error = errno;
			break;
		}
		held += 2;
		for (ssize_t sent; (sent = send(pair[0], message, sizeof(message), MSG_DONTWAIT)) > 0; )
			queued += (unsigned long long)sent;
	}
	verdict(d, "descriptors", held <= bound, "held", held, bound, error);
	verdict(d, "socket buffers", queued <= held / 2 * SOCKET_BUFFER, "bytes queued", queued,
	        held / 2 * SOCKET_BUFFER, 0);
}

/* the same through the runtime, whose pairs come from core's supply */
static void runtime_channels(struct dodge *d)
{
	static char message[MESSAGE];
	static int ends[DESCRIPTOR_TRIES][2];
	unsigned long long bound = DESCRIPTORS_BASE + DESCRIPTORS_PER_CAP * d->cap_quota;
	unsigned long long held = 0, queued = 0;
	enum nest_error err = NEST_OK;
	unsigned made = 0;

	while (made < DESCRIPTOR_TRIES && !(err = plat_channel_pair(&ends[made][0], &ends[made][1]))) {
		held += 2;
		for (ssize_t sent; (sent = send(ends[made][0], message, sizeof(message), MSG_DONTWAIT)) > 0; )
			queued += (unsigned long long)sent;
		made++;
	}
	verdict(d, "runtime channels", held <= bound && err == NEST_ERR_OUT_OF_CAPS, "held", held,
	        bound, err == NEST_ERR_OUT_OF_CAPS ? EMFILE : 0);
	verdict(d, "runtime channel buffers", queued <= held / 2 * SOCKET_BUFFER, "bytes queued",
	        queued, held / 2 * SOCKET_BUFFER, 0);
	for (unsigned i = 0; i < made; i++) {
		close(ends[i][0]);
		close(ends[i][1]);
	}
}

/* the answers of core's supply that arrived, their descriptors closed */
static unsigned supply_answers(unsigned *objects)
{
	struct object_answer answer;
	union {
		char buf[CMSG_SPACE(sizeof(int) * 2 * OBJECT_BATCH_MAX)];
		struct cmsghdr align;
	} control;
	unsigned answers = 0;

	for (;;) {
		struct iovec iov = { &answer, sizeof(answer) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
		                      .msg_controllen = sizeof(control.buf) };
		if (recvmsg(STARTUP_OBJECTS, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			return answers;
		answers++;
		*objects += answer.count;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			for (size_t i = 0; c->cmsg_type == SCM_RIGHTS &&
			                   i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
				close(((int *)CMSG_DATA(c))[i]);
	}
}

/* ask core's supply for far more than a batch, again and again, never reading */
static void supply_flood(struct dodge *d)
{
	struct object_request request = { OBJECT_CHANNEL_PAIR, 1000 };
	unsigned sent = 0, objects = 0, answers, later = 0;
	uint64_t until = plat_time_us() + SUPPLY_WAIT_US;

	while (sent < SUPPLY_REQUESTS && plat_time_us() < until) {
		if (send(STARTUP_OBJECTS, &request, sizeof(request), MSG_DONTWAIT) == sizeof(request))
			sent++;
		else
			plat_sleep_us(100);           /* core takes them as it goes */
	}
	plat_sleep_us(SUPPLY_WAIT_US);
	answers = supply_answers(&objects);
	verdict(d, "object requests", answers <= 1 && objects <= OBJECT_BATCH_MAX,
	        "answers in flight", answers, 1, 0);
	plat_sleep_us(SUPPLY_WAIT_US);           /* what came after: the runtime's next */
	supply_answers(&later);                  /* refill must find core's answer first */
}

/* pipes filled until a write would wait */
static void pipe_buffers(struct dodge *d)
{
	static char chunk[PIPE_BUFFER];
	unsigned long long most = 0;
	int error = 0, pipe[2];

	for (unsigned i = 0; i < PIPES; i++) {
		unsigned long long held = 0;
		if (pipe2(pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
			error = errno;
			break;
		}
		for (ssize_t n; (n = write(pipe[1], chunk, sizeof(chunk))) > 0; )
			held += (unsigned long long)n;
		if (held > most)
			most = held;
		close(pipe[0]);
		close(pipe[1]);
	}
	verdict(d, "pipe buffers", most <= PIPE_BUFFER && !error, "bytes in the fullest pipe",
	        most, PIPE_BUFFER, error);
}

/* anonymous private memory, which no dataspace accounts */
static void private_memory(struct dodge *d)
{
	unsigned long long got = 0;
	int error = 0;

	for (unsigned i = 0; i < PRIVATE_TRIES; i++) {
		void *m = mmap(NULL, PRIVATE_CHUNK, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			error = errno;
			break;
		}
		got += PRIVATE_CHUNK;
	}
	verdict(d, "private memory", got <= PRIVATE_BOUND, "bytes", got, PRIVATE_BOUND, error);
}

/* sessions with nothing donated: init keeps a record and the session's
 * capability for each, which the client pays for */
static void unpaid_sessions(struct dodge *d)
{
	static struct nest_cap sessions[SESSION_TRIES];
	unsigned opened = 0;
	unsigned long long bound = d->cap_quota / SESSION_RECORD_CAPS;
	enum nest_error err = NEST_OK;

	while (opened < SESSION_TRIES &&
	       !(err = nest_env_session(d->env, "Hello", "label=\"\", ram_quota=8K, cap_quota=0",
	                                &sessions[opened])))
		opened++;
	d->failed += opened > bound || err != NEST_ERR_OUT_OF_CAPS;
	nest_log(d->env, "quota_dodge: sessions donating no caps: %s (%u opened, bound %llu; "
	         "then %s)", opened <= bound && err == NEST_ERR_OUT_OF_CAPS ? "bounded" : "UNBOUNDED",
	         opened, bound, nest_error_name(err));
	for (unsigned i = 0; i < opened; i++)
		nest_env_close(d->env, sessions[i]);
	for (unsigned i = 0; i < opened; i++)
		nest_cap_release(&sessions[i]);
}

void component_construct(struct nest_env *env)
{
	static struct dodge d;
	uint64_t ram = 0, ram_used = 0, caps_used = 0;

	d.env = env;
	if (pd_quota(&env->pd, &ram, &ram_used, &d.cap_quota, &caps_used)) {
		nest_log(env, "quota_dodge: no quota from the PD");
		nest_env_exit(env, 1);
	}
	unpaid_sessions(&d);
	private_memory(&d);
	raw_threads(&d);
	pipe_buffers(&d);
	supply_flood(&d);
	runtime_channels(&d);
	descriptors(&d);
	nest_log(env, "quota_dodge: done");
	nest_env_exit(env, d.failed ? 1 : 0);
}
