/*
 * \brief  The seccomp filter every component runs under
 *
 * Installed by core in the new process before exec, so the sandbox never
 * depends on the component's cooperation. It allows only what the component
 * runtime needs: messages over the descriptors it holds, its wait set and
 * signal pipes, shared mappings of dataspaces, time, and leaving. No open,
 * socket (other than AF_UNIX pairs), connect, kill, ptrace, fork or memfd.
 * Socket pairs and pipes are made by core, with small buffers: the call
 * waits for core (a user notification, supervisor.c).
 * Nothing that changes a socket for its other holders: no shutdown (which
 * would revoke a shared capability for everyone), no socket options but a
 * receive timeout, no changing of file status flags. clone only makes
 * threads of the process itself; clone3, whose flags the filter cannot see,
 * answers ENOSYS so that libc falls back to clone. execveat is allowed once: for the binary at STARTUP_BINARY, a
 * descriptor number that cannot exist after exec. Anonymous shared memory is
 * refused, so memory outside dataspaces is bounded by RLIMIT_DATA.
 *
 * The filter finds a call's rule by binary search over the system call
 * numbers, not by trying each rule in turn: installing a filter makes the
 * kernel run it for every system call number (to cache which are always
 * allowed), so a chain of 70 rules cost each start 110 us, and every call
 * the cache does not answer ran through the chain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <linux/prctl.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include "core/linux/sandbox.h"
#include "lib/base/linux/startup_handles.h"

enum { MAX_INSNS = SANDBOX_FILTER_MAX, MAX_RULES = 96, LEAF_RULES = 3 };

/* rules by system call number, each a body of instructions that decides */
struct filter {
	struct sock_filter body[MAX_INSNS];     /* the bodies, one after another */
	unsigned           count;
	struct rule { unsigned nr, start; } rules[MAX_RULES];
	unsigned           rule_count;
	bool               overflow;
	uint32_t           refuse;              /* EPERM, or SIGSYS in the trapping profile */
	unsigned           allow_body;          /* 1 + where RET ALLOW is, 0: not yet */
};

#define RET(v)  BPF_STMT(BPF_RET | BPF_K, (v))
#define ALLOW   SECCOMP_RET_ALLOW
#define DENY    (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define REFUSE  RET(f->refuse)
#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#define ARG_HI(n) (offsetof(struct seccomp_data, args) + 8 * (n) + 4)

static void emit(struct filter *f, struct sock_filter insn)
{
	if (f->count < MAX_INSNS)
		f->body[f->count++] = insn;
	else
		f->overflow = true;
}

static void load(struct filter *f, unsigned offset)
{
	emit(f, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset));
}

/* the instructions that follow, up to the next rule, decide the calls of number nr */
static void rule(struct filter *f, unsigned nr)
{
	if (f->rule_count < MAX_RULES)
		f->rules[f->rule_count++] = (struct rule){ nr, f->count };
	else
		f->overflow = true;
}

/* allowed whatever the arguments: one body for all such calls */
static void allow(struct filter *f, unsigned nr)
{
	if (!f->allow_body) {
		f->allow_body = f->count + 1;
		emit(f, (struct sock_filter)RET(ALLOW));
	}
	if (f->rule_count < MAX_RULES)
		f->rules[f->rule_count++] = (struct rule){ nr, f->allow_body - 1 };
	else
		f->overflow = true;
}

/* allow nr if (arg & mask) == value, else deny */
static void allow_if(struct filter *f, unsigned nr, unsigned offset, unsigned mask,
                     unsigned value)
{
	rule(f, nr);
	load(f, offset);
	emit(f, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, mask));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1));
	emit(f, (struct sock_filter)RET(ALLOW));
	emit(f, (struct sock_filter)REFUSE);
}

/* allow fcntl only for descriptor flags and duplication: the file status
 * flags (O_NONBLOCK) of a socket are shared by every holder of it */
static void allow_fcntl(struct filter *f)
{
	static const unsigned cmds[] = { F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL };
	unsigned n = sizeof(cmds) / sizeof(cmds[0]);
	rule(f, SYS_fcntl);
	load(f, ARG_LO(1));
	for (unsigned i = 0; i < n; i++)
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, cmds[i], n - i, 0));
	emit(f, (struct sock_filter)REFUSE);
	emit(f, (struct sock_filter)RET(ALLOW));
}

/* allow nr if its argument at offset_a is a and that at offset_b is b */
static void allow_if_both(struct filter *f, unsigned nr, unsigned offset_a, unsigned a,
                          unsigned offset_b, unsigned b)
{
	rule(f, nr);
	load(f, offset_a);
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a, 0, 3));
	load(f, offset_b);
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, b, 0, 1));
	emit(f, (struct sock_filter)RET(ALLOW));
	emit(f, (struct sock_filter)REFUSE);
}

/* the one socket option a component sets: a receive timeout for its own
 * calls. Every other option (buffer sizes above all) would change the socket
 * for every holder of a shared capability end. */
static void allow_setsockopt_timeout(struct filter *f)
{
	allow_if_both(f, SYS_setsockopt, ARG_LO(1), SOL_SOCKET, ARG_LO(2), SO_RCVTIMEO);
}

static void allow_execveat_of_binary(struct filter *f)
{
	allow_if_both(f, SYS_execveat, ARG_LO(0), STARTUP_BINARY, ARG_LO(4), AT_EMPTY_PATH);
}

/* anonymous mappings only private and not grows-down (so RLIMIT_DATA
 * bounds them: the kernel counts a grows-down mapping as stack), never shared */
static void allow_mmap(struct filter *f)
{
	rule(f, SYS_mmap);
	load(f, ARG_LO(3));
	emit(f, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, MAP_ANONYMOUS));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0));
	load(f, ARG_LO(3));
	emit(f, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, MAP_TYPE | MAP_GROWSDOWN));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MAP_PRIVATE, 0, 1));
	emit(f, (struct sock_filter)RET(ALLOW));
	emit(f, (struct sock_filter)REFUSE);
}

/* clone for threads only: same memory, same signal handlers, no namespace */
static void allow_thread_clone(struct filter *f)
{
	unsigned mask = CLONE_THREAD | CLONE_VM | CLONE_SIGHAND | CLONE_NEWNS | CLONE_NEWCGROUP |
	                CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
	                CLONE_VFORK | CLONE_PARENT | CLONE_PTRACE | CLONE_UNTRACED;
	allow_if(f, SYS_clone, ARG_LO(0), mask, CLONE_THREAD | CLONE_VM | CLONE_SIGHAND);
	rule(f, SYS_clone3);
	emit(f, (struct sock_filter)RET(f->refuse == DENY ? SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)
	                                                  : f->refuse));
}

/* reading limits is fine, changing them is not: new_limit must be NULL */
static void allow_prlimit_read(struct filter *f)
{
	rule(f, SYS_prlimit64);
	load(f, ARG_LO(2));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3));
	load(f, ARG_HI(2));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1));
	emit(f, (struct sock_filter)RET(ALLOW));
	emit(f, (struct sock_filter)REFUSE);
}

/* the call waits for core, which makes the objects (supervisor.c) */
static void to_core(struct filter *f, unsigned nr)
{
	rule(f, nr);
	emit(f, (struct sock_filter)RET(SECCOMP_RET_USER_NOTIF));
}

/* as to_core, if its argument at offset is value; else it is refused */
static void to_core_if(struct filter *f, unsigned nr, unsigned offset, unsigned value)
{
	rule(f, nr);
	load(f, offset);
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1));
	emit(f, (struct sock_filter)RET(SECCOMP_RET_USER_NOTIF));
	emit(f, (struct sock_filter)REFUSE);
}

/* the slots of host handles hold a placeholder or their handle for the
 * life of the process: one cannot be closed, so that nothing else takes its
 * number (no call the filter allows chooses a number: dup2 and dup3 are
 * refused, F_DUPFD takes a free one) */
static void allow_close_but_handles(struct filter *f)
{
	rule(f, SYS_close);
	load(f, ARG_LO(0));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, HOST_HANDLE_FIRST, 0, 2));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	                                     HOST_HANDLE_FIRST + HOST_HANDLE_COUNT, 1, 0));
	emit(f, (struct sock_filter)REFUSE);
	emit(f, (struct sock_filter)RET(ALLOW));
}

/* the rest of a rule: allowed if the descriptor (argument 0) is a host handle */
static void emit_on_handles(struct filter *f)
{
	load(f, ARG_LO(0));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, HOST_HANDLE_FIRST, 0, 2));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	                                     HOST_HANDLE_FIRST + HOST_HANDLE_COUNT, 1, 0));
	emit(f, (struct sock_filter)RET(ALLOW));
	emit(f, (struct sock_filter)REFUSE);
}

/*
 * ioctl: HOST_HANDLE_TAKE goes to core (supervisor.c). A driver may also
 * use the requests its handles need, on its handles only: a block device's
 * size, a terminal's modes and window size.
 */
static void ioctl_rule(struct filter *f, bool driver)
{
	static const unsigned requests[] = {
		BLKGETSIZE64, BLKSSZGET, TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ,
	};
	unsigned n = driver ? sizeof(requests) / sizeof(requests[0]) : 0;

	rule(f, SYS_ioctl);
	load(f, ARG_LO(1));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, HOST_HANDLE_TAKE, 0, 1));
	emit(f, (struct sock_filter)RET(SECCOMP_RET_USER_NOTIF));
	for (unsigned i = 0; i < n; i++)
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, requests[i],
		                                     (uint8_t)(n - i), 0));
	emit(f, (struct sock_filter)REFUSE);
	if (driver)
		emit_on_handles(f);
}

/* allowed if each argument of the list is a host handle number */
static void allow_on_handle_args(struct filter *f, unsigned nr, const unsigned *args, unsigned m)
{
	rule(f, nr);
	for (unsigned i = 0; i < m; i++) {
		load(f, ARG_LO(args[i]));
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, HOST_HANDLE_FIRST, 0,
		                                     (uint8_t)(3 * (m - i) - 1)));
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
		                                     HOST_HANDLE_FIRST + HOST_HANDLE_COUNT,
		                                     (uint8_t)(3 * (m - i) - 2), 0));
	}
	emit(f, (struct sock_filter)RET(ALLOW));
	emit(f, (struct sock_filter)REFUSE);
}

/*
 * openat relative to a host handle (a Host_dir), never O_PATH (which
 * Landlock does not check: a handle outside the directory, if only for its
 * metadata); in the sanitized build also read-only anywhere (its loader).
 */
static void driver_openat(struct filter *f, bool sanitized)
{
	uint8_t to_other = sanitized ? 4 : 5;

	rule(f, SYS_openat);
	load(f, ARG_LO(0));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, HOST_HANDLE_FIRST, 0, to_other));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	                                     HOST_HANDLE_FIRST + HOST_HANDLE_COUNT, to_other - 1, 0));
	load(f, ARG_LO(2));
	emit(f, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, O_PATH));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, sanitized ? 3 : 0,
	                                     sanitized ? 4 : 1));
	if (sanitized) {
		load(f, ARG_LO(2));
		emit(f, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, O_ACCMODE));
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, O_RDONLY, 0, 1));
	}
	emit(f, (struct sock_filter)RET(ALLOW));
	emit(f, (struct sock_filter)REFUSE);
}

/* what a directory handle needs: files opened, made, removed and renamed
 * beneath it (Landlock keeps the paths inside, landlock.c), and listed */
static void allow_directory_calls(struct filter *f, bool sanitized)
{
	static const unsigned first[] = { 0 }, both[] = { 0, 2 };
	driver_openat(f, sanitized);
	allow_on_handle_args(f, SYS_mkdirat, first, 1);
	allow_on_handle_args(f, SYS_unlinkat, first, 1);
	allow_on_handle_args(f, SYS_renameat2, both, 2);
	allow(f, SYS_getdents64);
}

/* what a driver's handles need beyond the strict profile: I/O at an offset
 * and flushing, on its handles only (one body for all of them) */
static void allow_driver_calls(struct filter *f, bool sanitized)
{
	static const unsigned calls[] = {
		SYS_pread64, SYS_pwrite64, SYS_preadv, SYS_pwritev, SYS_fsync, SYS_fdatasync,
	};
	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!sanitized || calls[i] != SYS_pread64)  /* the sanitizer runtime's, on any descriptor */
			rule(f, calls[i]);
	emit_on_handles(f);
}

/* tests only (sanitized.c): the dynamic loader opens and reads the
 * sanitizer runtimes and the C library; the ASan runtime reads
 * /proc/self/maps and /proc/self/exe, and asks libc for each thread's stack,
 * which libc answers with the thread's CPU affinity too. Opening is
 * read-only, below a read-only root. */
static void allow_sanitizer_runtime(struct filter *f, bool driver)
{
	if (!driver)                         /* the driver's rule allows it too */
		allow_if(f, SYS_openat, ARG_LO(2), O_ACCMODE, O_RDONLY);
	allow_if(f, SYS_open, ARG_LO(1), O_ACCMODE, O_RDONLY);
	allow(f, SYS_pread64);
	allow(f, SYS_access);
	allow(f, SYS_readlink);
	allow(f, SYS_sched_getaffinity);
}

/* the instructions of the search over rules[lo, hi) */
static unsigned search_size(unsigned lo, unsigned hi)
{
	unsigned mid = lo + (hi - lo) / 2;
	if (hi - lo <= LEAF_RULES)
		return hi - lo + 1;          /* a comparison each, then a jump to the refusal */
	return 1 + search_size(lo, mid) + search_size(mid, hi);
}

/*
 * The search over rules[lo, hi) at out[at], with the number in the
 * accumulator: a comparison with the middle number splits it, and a leaf
 * compares each of its numbers and jumps to its body or to the refusal.
 * Every jump goes forward, and by less than 256 (the program is shorter).
 */
static void emit_search(const struct filter *f, unsigned lo, unsigned hi,
                        struct sock_filter *out, unsigned at, unsigned deny, unsigned bodies)
{
	unsigned mid = lo + (hi - lo) / 2;

	if (hi - lo <= LEAF_RULES) {
		for (unsigned i = lo; i < hi; i++, at++)
			out[at] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, f->rules[i].nr,
			                                       (uint8_t)(bodies + f->rules[i].start - at - 1), 0);
		out[at] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, deny - at - 1);
		return;
	}
	out[at] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, f->rules[mid].nr,
	                                       (uint8_t)search_size(lo, mid), 0);
	emit_search(f, lo, mid, out, at + 1, deny, bodies);
	emit_search(f, mid, hi, out, at + 1 + search_size(lo, mid), deny, bodies);
}

/* the check of the architecture, the search, the refusal, the bodies; the
 * number of instructions, 0 if they do not fit */
static unsigned assemble(struct filter *f, struct sock_filter *out)
{
	unsigned search, deny, total;

	/* sorted by number, each number once (insertion sort: this runs in a
	 * process that shares core's memory until exec, so nothing allocates) */
	for (unsigned i = 1; i < f->rule_count; i++)
		for (unsigned j = i; j > 0 && f->rules[j - 1].nr > f->rules[j].nr; j--) {
			struct rule r = f->rules[j];
			f->rules[j] = f->rules[j - 1];
			f->rules[j - 1] = r;
		}
	for (unsigned i = 1; i < f->rule_count; i++)
		if (f->rules[i].nr == f->rules[i - 1].nr)
			return 0;
	search = f->rule_count ? search_size(0, f->rule_count) : 0;
	deny   = 6 + search;
	total  = deny + 1 + f->count;
	if (f->overflow || total > MAX_INSNS)
		return 0;
	out[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                      offsetof(struct seccomp_data, arch));
	out[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	out[2] = (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS);
	out[3] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                      offsetof(struct seccomp_data, nr));
	out[4] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
	out[5] = (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS);     /* x32 ABI */
	if (f->rule_count)
		emit_search(f, 0, f->rule_count, out, 6, deny, deny + 1);
	out[deny] = (struct sock_filter)RET(f->refuse);
	for (unsigned i = 0; i < f->count; i++)
		out[deny + 1 + i] = f->body[i];
	return total;
}

unsigned sandbox_filter_build(int self_pid, enum sandbox_profile profile, bool directories,
                              bool sanitized, struct sock_filter *program)
{
	static const unsigned plain[] = {
		SYS_sendmsg, SYS_recvmsg, SYS_epoll_wait, SYS_read, SYS_write, SYS_fstat, SYS_newfstatat, SYS_lseek,
		SYS_mprotect, SYS_munmap, SYS_brk, SYS_madvise,
		SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_sigaltstack,
		SYS_sendto, SYS_recvfrom, SYS_pwritev2,
		SYS_epoll_create1, SYS_epoll_ctl, SYS_epoll_pwait, SYS_epoll_pwait2,
		SYS_ppoll, SYS_poll,
		SYS_clock_gettime, SYS_clock_nanosleep, SYS_nanosleep, SYS_gettimeofday,
		SYS_getpid, SYS_gettid, SYS_getppid, SYS_getuid, SYS_getgid, SYS_geteuid, SYS_getegid,
		SYS_exit, SYS_exit_group, SYS_arch_prctl, SYS_set_tid_address,
		SYS_set_robust_list, SYS_rseq, SYS_getrandom, SYS_sched_yield, SYS_futex,
		SYS_uname,
	};
	struct filter f = { .count = 0, .rule_count = 0, .overflow = false, .allow_body = 0,
	                    .refuse = profile == SANDBOX_TRAPPING ? SECCOMP_RET_TRAP : DENY };

	/* a driver's fstat is fstat: newfstatat with a path relative to a
	 * directory handle would tell of files outside it (the sanitized
	 * build's loader needs it) */
	for (unsigned i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (plain[i] != SYS_newfstatat || profile != SANDBOX_DRIVER || sanitized)
			allow(&f, plain[i]);
	allow_fcntl(&f);
	allow_mmap(&f);
	allow_prlimit_read(&f);
	allow_thread_clone(&f);
	allow_execveat_of_binary(&f);
	to_core_if(&f, SYS_socketpair, ARG_LO(0), AF_UNIX);
	to_core(&f, SYS_pipe2);
	allow_setsockopt_timeout(&f);
	allow_if(&f, SYS_tgkill, ARG_LO(0), 0xffffffff, (unsigned)self_pid);
	allow_close_but_handles(&f);
	ioctl_rule(&f, profile == SANDBOX_DRIVER);
	if (profile == SANDBOX_DRIVER) {
		allow_driver_calls(&f, sanitized);
		if (directories)
			allow_directory_calls(&f, sanitized);
	}
	/* the supervisor has the program's calls raise SIGSYS, from outside its
	 * own code (Syscall User Dispatch) */
	if (profile == SANDBOX_TRAPPING)
		allow_if(&f, SYS_prctl, ARG_LO(0), 0xffffffff, PR_SET_SYSCALL_USER_DISPATCH);
	if (sanitized)
		allow_sanitizer_runtime(&f, profile == SANDBOX_DRIVER && directories);
	return assemble(&f, program);
}

int sandbox_install_filter(int self_pid, enum sandbox_profile profile, bool directories,
                           bool sanitized)
{
	struct sock_filter program[SANDBOX_FILTER_MAX];
	struct sock_fprog prog;

	if (!(prog.len = (unsigned short)sandbox_filter_build(self_pid, profile, directories, sanitized,
	                                                         program))) {
		errno = E2BIG;                   /* core's log says why the start failed */
		return -1;
	}
	prog.filter = program;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
	                    &prog);
}
