/*
 * \brief  Faults as the kernel sees them: core traces each component
 *
 * Whether a component faulted, by which signal, at which address and
 * instruction, must not be the component's own word. Core therefore seizes
 * every component with ptrace right after it is started (PTRACE_SEIZE stops
 * nothing by itself), and every thread it makes with it (PTRACE_O_TRACECLONE:
 * a signal to an untraced thread the kernel would drop, the first process of
 * a PID namespace being unkillable from within). When a signal is about to
 * be delivered to one of its threads, the kernel stops it and tells core (SIGCHLD,
 * taken through a signalfd in core's entrypoint); core reads the signal,
 * its fault address and the instruction pointer from the kernel and lets
 * the signal go on. A fatal signal the component does not catch is recorded
 * and carried out by core (SIGKILL): the kernel would not, for the first
 * process of a PID namespace, which every component is, once it is traced.
 * A signal the component catches goes to its handler, one it ignores is
 * ignored. A stopped component waits only for core, which handles each stop
 * at once and never waits for a component.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/linux/sandbox.h"

enum nest_error tracer_init(int *fd)
{
	sigset_t mask;

	/* a signal submitted to a context whose receiver is gone is an error */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return NEST_ERR_IO;
	*fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return *fd < 0 ? NEST_ERR_IO : NEST_OK;
}

void tracer_attach(struct process *process)
{
	process->traced = ptrace(PTRACE_SEIZE, process->pid, 0,
	                         PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE) == 0;
}

static bool fatal_by_default(int signal)
{
	switch (signal) {
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP: case SIGSYS:
	case SIGABRT: case SIGQUIT: case SIGXCPU: case SIGXFSZ:
	case SIGHUP: case SIGINT: case SIGPIPE: case SIGALRM: case SIGTERM:
	case SIGUSR1: case SIGUSR2: case SIGPROF: case SIGVTALRM: case SIGIO: case SIGPWR:
		return true;
	default:
		return false;
	}
}

/* whether the process handles or ignores signal (SigCgt, SigIgn of its
 * status): the kernel stops a traced process even for an ignored one */
static bool handled(int pid, int signal)
{
	char path[48], line[128];
	unsigned long long mask = 0, any = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!(f = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigCgt: %llx", &mask) == 1 || sscanf(line, "SigIgn: %llx", &mask) == 1)
			any |= mask;
	fclose(f);
	return (any >> (signal - 1)) & 1;
}

/* the process a thread belongs to (Tgid of its status), 0 if gone */
static int thread_group(int tid)
{
	char path[48], line[128];
	int tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f) && sscanf(line, "Tgid: %d", &tgid) != 1)
		;
	fclose(f);
	return tgid;
}

/* thread tid of the component stopped at the delivery of a signal: record, go on */
static void signal_stop(struct process *process, int tid)
{
	siginfo_t info;
	struct user_regs_struct regs;
	int signal;

	if (ptrace(PTRACE_GETSIGINFO, tid, 0, &info) < 0) {
		ptrace(PTRACE_CONT, tid, 0, 0);      /* not a signal: a group stop */
		return;
	}
	signal = info.si_signo;
	if (fatal_by_default(signal) && !handled(process->pid, signal) && !process->fault.signal) {
		memset(&regs, 0, sizeof(regs));
		ptrace(PTRACE_GETREGS, tid, 0, &regs);
		process->fault.signal = signal;
		process->fault.raised = info.si_code <= 0;
		process->fault.addr   = info.si_code > 0 ? (unsigned long long)info.si_addr : 0;
		process->fault.ip     = regs.rip;
		sandbox_kill(process);
	}
	ptrace(PTRACE_CONT, tid, 0, signal);
}

/*
 * A component that signals itself without end stops again as soon as it
 * goes on: core takes at most STOPS_AT_ONCE stops per event, and raises
 * SIGCHLD at itself for the rest, which its entrypoint takes after the
 * events of everyone else.
 */
enum { STOPS_AT_ONCE = 64 };

static bool exited(const siginfo_t *info)
{
	return info->si_code == CLD_EXITED || info->si_code == CLD_KILLED ||
	       info->si_code == CLD_DUMPED;
}

void tracer_handle(int fd, struct process *(*lookup)(void *state, int pid), void *state)
{
	struct signalfd_siginfo pending;
	siginfo_t info;

	while (read(fd, &pending, sizeof(pending)) == sizeof(pending))
		;
	for (unsigned events = 0; events < STOPS_AT_ONCE; events++) {
		struct process *process;
		int tid;

		/* look first: a process that ended is reaped through its pidfd;
		 * only at what this thread traces (__WNOTHREAD): a start that
		 * failed before it was traced is the spawner thread's to reap */
		memset(&info, 0, sizeof(info));
		if (waitid(P_ALL, 0, &info, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL |
		           __WNOTHREAD) < 0 || info.si_pid == 0)
			return;
		tid = info.si_pid;
		if (exited(&info) && lookup(state, tid))
			break;
		/* a thread that ended is its tracer's to reap */
		if (waitid(P_PID, (id_t)tid, &info, WEXITED | WSTOPPED | WNOHANG | __WALL |
		           __WNOTHREAD) < 0 || exited(&info))
			continue;
		/* an event (a thread made, a new thread's first stop, a group
		 * stop) delivers no signal: it goes on */
		if (info.si_status >> 8) {
			ptrace(PTRACE_CONT, tid, 0, 0);
			continue;
		}
		if (!(process = lookup(state, tid)))
			process = lookup(state, thread_group(tid));
		if (process && process->traced)
			signal_stop(process, tid);
		else
			ptrace(PTRACE_CONT, tid, 0, 0);
	}
	raise(SIGCHLD);
}
