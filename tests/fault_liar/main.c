/*
 * \brief  Probe: a child that lies about itself to core and init
 *
 * One binary under several names, as tests/crash. Each lies in a way that
 * once reached core's log or init's verdict:
 *   liar_exit   tells core (on the descriptor where an older core took fault
 *               reports) that it died of SIGSEGV at 0x41414141, with a
 *               descriptor attached, and exits with 0 (not telling init,
 *               which hears of it from core);
 *   liar_crash  tells core it did not fault, from a SIGSEGV handler of its
 *               own, and then crashes for real writing to 0x10;
 *   liar_label  asks for LOG and Hello sessions labelled with a line break
 *               and a terminal escape, and writes both to its LOG session;
 *   liar_flood  writes 20,000 lines as fast as it can, so that nobody else
 *               could be read on a shared terminal.
 * Core and init must say what the kernel says: exit value 0, and a
 * SIGSEGV at 0x10; no line of the log may start with what the liar forged.
 * Any other name (tests/leak.test starts it as "exiter") lies as liar_exit.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/hello.h>
#include <nest/session/log.h>

enum { OLD_FAULT_CHANNEL = 5 };

struct forged_report { int signal, code; unsigned long long addr, ip; };

static void send_report(int signal, unsigned long long addr, int attach)
{
	struct forged_report r = { signal, 1, addr, addr };
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &r, sizeof(r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (attach >= 0) {
		struct cmsghdr *c;
		msg.msg_control    = control;
		msg.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type  = SCM_RIGHTS;
		c->cmsg_len   = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &attach, sizeof(int));
	}
	sendmsg(OLD_FAULT_CHANNEL, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void deny_the_fault(int signal)
{
	(void)signal;
	send_report(0, 0, -1);
}

static void crash(void)
{
	struct sigaction sa;
	int *volatile bad = (int *)0x10;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = deny_the_fault;
	sa.sa_flags   = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	*bad = 1;
}

/* a session whose label carries raw control characters; if it is granted,
 * the label is put to use: core prints it before each LOG line, and
 * hello_server logs the label of each new session */
static void forged_label(struct nest_env *env, const char *service, const char *label,
                         const char *what)
{
	struct log_client client;
	struct nest_cap cap;
	char args[160];
	enum nest_error err;

	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=8K, cap_quota=2", label);
	err = nest_env_session(env, service, args, &cap);
	nest_log(env, "liar: %s session labelled with %s: %s", service, what,
	         err ? nest_error_name(err) : "ACCEPTED");
	if (err)
		return;
	log_client_init(&client, cap);
	if (!strcmp(service, "LOG"))
		log_write(&client, "written under the forged label");
	nest_env_close(env, cap);
	client.cap = NEST_CAP_INVALID;
	log_client_fini(&client);
}

static void forged_labels(struct nest_env *env)
{
	forged_label(env, "LOG", "x\nFORGED line of core", "a line break");
	forged_label(env, "LOG", "x\033[2J\033[31mred", "a terminal escape");
	forged_label(env, "Hello", "y\n[init] FORGED by a label", "a line break");
	log_write(&env->log, "one line\n[init] FORGED line");
	log_write(&env->log, "escape \033[2J\033]0;title\007 end");
	nest_log(env, "liar: done");
}

/* the liars start together; their lies come one after the other, so that
 * the scenario reads them in order (ample: each takes a millisecond) */
enum { ORDER_DELAY_US = 200 * 1000 };

void component_construct(struct nest_env *env)
{
	if (!strcmp(env->name, "liar_crash")) {
		plat_sleep_us(ORDER_DELAY_US);
		nest_log(env, "liar: about to crash, denying it");
		crash();
	}
	if (!strcmp(env->name, "liar_flood")) {
		plat_sleep_us(3 * ORDER_DELAY_US);
		for (unsigned i = 0; i < 20000; i++)
			log_write(&env->log, "flood");
		plat_sleep_us(2 * ORDER_DELAY_US);     /* core lets it write again */
		nest_log(env, "liar: flood done");
		nest_env_exit(env, 0);
	}
	if (!strcmp(env->name, "liar_label")) {
		plat_sleep_us(2 * ORDER_DELAY_US);
		forged_labels(env);
		nest_env_exit(env, 0);
	}
	/* an older core took the first report for the truth, and kept a
	 * descriptor sent with the next */
	send_report(SIGSEGV, 0x41414141, -1);
	send_report(SIGSEGV, 0x41414141, 3);           /* its parent capability */
	plat_exit(0);              /* not through the parent: core's verdict counts */
}
