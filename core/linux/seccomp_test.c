/*
 * \brief  Unit tests of the components' seccomp filter, run in user space
 *
 * The filter's program is built as core installs it and run here, by a small
 * interpreter of the classic BPF it uses, for every system call number and
 * the argument cases each rule tells apart: a wrong jump in the search over
 * numbers would allow or refuse the wrong call, which the probes would find
 * only for the calls they try.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include "core/linux/sandbox.h"
#include "lib/base/linux/startup_handles.h"
#include "tests/unit.h"

enum { SELF = 4242, NR_MAX = 512, STEPS_MAX = 1000 };

#define DENIED  (SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_ (SECCOMP_RET_ERRNO | ENOSYS)

struct program { struct sock_filter insn[SANDBOX_FILTER_MAX]; unsigned len; };

static void build_profile(struct program *p, enum sandbox_profile profile, bool sanitized)
{
	p->len = sandbox_filter_build(SELF, profile, true, sanitized, p->insn);
}

static void build(struct program *p, bool sanitized)
{
	build_profile(p, SANDBOX_STRICT, sanitized);
}

/* the kernel's classic BPF, as much as the filter uses; ~0u: a malformed program */
static uint32_t run(const struct program *p, const struct seccomp_data *data)
{
	uint32_t a = 0, word;
	unsigned pc = 0;

	for (unsigned steps = 0; pc < p->len && steps < STEPS_MAX; steps++) {
		const struct sock_filter *i = &p->insn[pc++];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*data))
				return ~0u;
			memcpy(&word, (const char *)data + i->k, 4);
			a = word;
			break;
		case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
		case BPF_JMP | BPF_JA:          pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= i->k ? i->jt : i->jf; break;
		case BPF_RET | BPF_K:           return i->k;
		default:                        return ~0u;
		}
	}
	return ~0u;
}

static uint32_t decide(const struct program *p, uint32_t nr, const uint64_t args[6])
{
	struct seccomp_data data = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64 };
	if (args)
		memcpy(data.args, args, sizeof(data.args));
	return run(p, &data);
}

static bool in(uint32_t nr, const uint32_t *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == nr)
			return true;
	return false;
}

/* the calls allowed whatever their arguments */
static const uint32_t plain[] = {
	SYS_sendmsg, SYS_recvmsg, SYS_epoll_wait, SYS_read, SYS_write, SYS_fstat,
	SYS_newfstatat, SYS_lseek, SYS_mprotect, SYS_munmap, SYS_brk, SYS_madvise,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_sigaltstack, SYS_sendto,
	SYS_recvfrom, SYS_pwritev2, SYS_epoll_create1, SYS_epoll_ctl, SYS_epoll_pwait,
	SYS_epoll_pwait2, SYS_ppoll, SYS_poll, SYS_clock_gettime, SYS_clock_nanosleep,
	SYS_nanosleep, SYS_gettimeofday, SYS_getpid, SYS_gettid, SYS_getppid, SYS_getuid,
	SYS_getgid, SYS_geteuid, SYS_getegid, SYS_exit, SYS_exit_group, SYS_arch_prctl,
	SYS_set_tid_address, SYS_set_robust_list, SYS_rseq, SYS_getrandom, SYS_sched_yield,
	SYS_futex, SYS_uname,
};
/* the calls whose arguments decide */
static const uint32_t checked[] = {
	SYS_fcntl, SYS_mmap, SYS_prlimit64, SYS_clone, SYS_clone3, SYS_execveat, SYS_socketpair,
	SYS_pipe2, SYS_setsockopt, SYS_tgkill, SYS_close, SYS_ioctl,
};
/* what the driver profile adds, on host handles only */
static const uint32_t driver[] = {
	SYS_pread64, SYS_pwrite64, SYS_preadv, SYS_pwritev, SYS_fsync, SYS_fdatasync,
};
static const uint32_t sanitizer[] = {
	SYS_openat, SYS_open, SYS_pread64, SYS_access, SYS_readlink, SYS_sched_getaffinity,
};

UNIT_TEST(every_number_allowed_or_refused_as_listed)
{
	static struct program p;
	uint64_t args[6] = { 0 };

	build(&p, false);
	CHECK(p.len > 0);
	for (uint32_t nr = 0; nr < NR_MAX; nr++) {
		uint32_t got = decide(&p, nr, args);
		if (in(nr, plain, sizeof(plain) / sizeof(plain[0])))
			CHECK_EQ_INT(got, SECCOMP_RET_ALLOW);
		else if (!in(nr, checked, sizeof(checked) / sizeof(checked[0])))
			CHECK_EQ_INT(got, DENIED);
	}
}

UNIT_TEST(arguments_decide)
{
	static struct program p;
	const uint64_t none[6] = { 0 };

	build(&p, false);
	CHECK_EQ_INT(decide(&p, SYS_fcntl, (uint64_t[6]){ 3, F_GETFD }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_fcntl, (uint64_t[6]){ 3, F_DUPFD_CLOEXEC }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_fcntl, (uint64_t[6]){ 3, F_SETFL }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_mmap, (uint64_t[6]){ 0, 4096, 3, MAP_SHARED }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_mmap, (uint64_t[6]){ 0, 4096, 3, MAP_PRIVATE | MAP_ANONYMOUS }),
	             SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_mmap, (uint64_t[6]){ 0, 4096, 3, MAP_SHARED | MAP_ANONYMOUS }),
	             DENIED);
	CHECK_EQ_INT(decide(&p, SYS_mmap, (uint64_t[6]){ 0, 4096, 3,
	                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_prlimit64, (uint64_t[6]){ 0, RLIMIT_NOFILE, 0, 0x1000 }),
	             SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_prlimit64, (uint64_t[6]){ 0, RLIMIT_NOFILE, 0x1000, 0 }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_prlimit64, (uint64_t[6]){ 0, RLIMIT_NOFILE, 1ull << 32, 0 }),
	             DENIED);
	CHECK_EQ_INT(decide(&p, SYS_clone, (uint64_t[6]){ CLONE_THREAD | CLONE_VM | CLONE_SIGHAND |
	                                                  CLONE_FS | CLONE_FILES }),
	             SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_clone, (uint64_t[6]){ SIGCHLD }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_clone, (uint64_t[6]){ CLONE_THREAD | CLONE_VM | CLONE_SIGHAND |
	                                                  CLONE_NEWNET }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_clone3, none), ENOSYS_);
	CHECK_EQ_INT(decide(&p, SYS_execveat, (uint64_t[6]){ STARTUP_BINARY, 0, 0, 0, AT_EMPTY_PATH }),
	             SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_execveat, (uint64_t[6]){ 3, 0, 0, 0, AT_EMPTY_PATH }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_socketpair, (uint64_t[6]){ AF_UNIX, SOCK_SEQPACKET }),
	             SECCOMP_RET_USER_NOTIF);
	CHECK_EQ_INT(decide(&p, SYS_socketpair, (uint64_t[6]){ AF_INET, SOCK_STREAM }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_pipe2, none), SECCOMP_RET_USER_NOTIF);
	CHECK_EQ_INT(decide(&p, SYS_setsockopt, (uint64_t[6]){ 3, SOL_SOCKET, SO_RCVTIMEO }),
	             SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_setsockopt, (uint64_t[6]){ 3, SOL_SOCKET, SO_SNDBUF }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_tgkill, (uint64_t[6]){ SELF, SELF, 6 }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_tgkill, (uint64_t[6]){ 1, 1, 9 }), DENIED);
}

UNIT_TEST(other_architectures_and_x32_are_killed)
{
	static struct program p;
	struct seccomp_data i386 = { .nr = 1, .arch = AUDIT_ARCH_I386 };

	build(&p, false);
	CHECK_EQ_INT(run(&p, &i386), SECCOMP_RET_KILL_PROCESS);
	CHECK_EQ_INT(decide(&p, 0x40000000 | SYS_read, NULL), SECCOMP_RET_KILL_PROCESS);
	CHECK_EQ_INT(decide(&p, 0xffffffffu, NULL), SECCOMP_RET_KILL_PROCESS);
}

UNIT_TEST(sanitized_build_adds_the_runtime_loader_calls)
{
	static struct program plain_program, p;
	uint64_t read_only[6] = { 0, 0, O_RDONLY }, writing[6] = { 0, 0, O_RDWR };

	build(&plain_program, false);
	build(&p, true);
	CHECK(p.len > plain_program.len);
	for (size_t i = 0; i < sizeof(sanitizer) / sizeof(sanitizer[0]); i++)
		CHECK_EQ_INT(decide(&plain_program, sanitizer[i], read_only), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_openat, read_only), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_openat, writing), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_sched_getaffinity, NULL), SECCOMP_RET_ALLOW);
	for (uint32_t nr = 0; nr < NR_MAX; nr++)
		if (in(nr, plain, sizeof(plain) / sizeof(plain[0])))
			CHECK_EQ_INT(decide(&p, nr, NULL), SECCOMP_RET_ALLOW);
}

/* host handle slots hold their handle for good; the handle is core's to
 * give (a notification), in every profile */
UNIT_TEST(host_handles_stay_and_come_from_core)
{
	static struct program p;
	enum sandbox_profile profiles[] = { SANDBOX_STRICT, SANDBOX_DRIVER };

	for (unsigned i = 0; i < 2; i++) {
		build_profile(&p, profiles[i], false);
		CHECK(p.len > 0);
		for (uint64_t fd = 0; fd < 16; fd++) {
			bool slot = fd >= HOST_HANDLE_FIRST && fd < HOST_HANDLE_FIRST + HOST_HANDLE_COUNT;
			CHECK_EQ_INT(decide(&p, SYS_close, (uint64_t[6]){ fd }),
			             slot ? DENIED : SECCOMP_RET_ALLOW);
			CHECK_EQ_INT(decide(&p, SYS_ioctl, (uint64_t[6]){ fd, HOST_HANDLE_TAKE }),
			             SECCOMP_RET_USER_NOTIF);
		}
	}
}

/* a driver's extra calls work on its handles and nowhere else; the
 * strict profile has none of them */
UNIT_TEST(driver_calls_on_host_handles_only)
{
	static struct program strict, p;

	build_profile(&strict, SANDBOX_STRICT, false);
	build_profile(&p, SANDBOX_DRIVER, false);
	CHECK(p.len > 0);
	for (uint64_t fd = 0; fd < 16; fd++) {
		bool slot = fd >= HOST_HANDLE_FIRST && fd < HOST_HANDLE_FIRST + HOST_HANDLE_COUNT;
		for (size_t i = 0; i < sizeof(driver) / sizeof(driver[0]); i++) {
			CHECK_EQ_INT(decide(&p, driver[i], (uint64_t[6]){ fd }),
			             slot ? SECCOMP_RET_ALLOW : DENIED);
			CHECK_EQ_INT(decide(&strict, driver[i], (uint64_t[6]){ fd }), DENIED);
		}
		CHECK_EQ_INT(decide(&p, SYS_ioctl, (uint64_t[6]){ fd, TCGETS }),
		             slot ? SECCOMP_RET_ALLOW : DENIED);
		CHECK_EQ_INT(decide(&strict, SYS_ioctl, (uint64_t[6]){ fd, TCGETS }), DENIED);
		CHECK_EQ_INT(decide(&p, SYS_ioctl, (uint64_t[6]){ fd, TIOCSTI }), DENIED);
	}
	/* a handle number in the high word of the argument is not one */
	CHECK_EQ_INT(decide(&p, SYS_pread64, (uint64_t[6]){ 1ull << 32 }), DENIED);
}

/* a directory handle (Host_dir): calls relative to it, never O_PATH, never
 * stat by path; without Landlock none of them */
UNIT_TEST(driver_directory_calls_relative_to_handles_only)
{
	static struct program strict, p, unconfined;
	const uint64_t slot = HOST_HANDLE_FIRST, other = STARTUP_PD;

	build_profile(&strict, SANDBOX_STRICT, false);
	build_profile(&p, SANDBOX_DRIVER, false);
	unconfined.len = sandbox_filter_build(SELF, SANDBOX_DRIVER, false, false, unconfined.insn);
	CHECK(p.len > 0 && unconfined.len > 0);
	CHECK_EQ_INT(decide(&p, SYS_openat, (uint64_t[6]){ slot, 0, O_RDWR | O_CREAT }),
	             SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_openat, (uint64_t[6]){ slot, 0, O_PATH }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_openat, (uint64_t[6]){ other, 0, O_RDONLY }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_openat, (uint64_t[6]){ (uint32_t)AT_FDCWD, 0, O_RDONLY }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_mkdirat, (uint64_t[6]){ slot }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_unlinkat, (uint64_t[6]){ other }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_renameat2, (uint64_t[6]){ slot, 0, slot + 1 }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_renameat2, (uint64_t[6]){ slot, 0, other }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_renameat2, (uint64_t[6]){ other, 0, slot }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_getdents64, (uint64_t[6]){ 12 }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_newfstatat, (uint64_t[6]){ slot }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_linkat, (uint64_t[6]){ slot, 0, slot }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_symlinkat, (uint64_t[6]){ 0, slot }), DENIED);
	CHECK_EQ_INT(decide(&strict, SYS_openat, (uint64_t[6]){ slot, 0, O_RDONLY }), DENIED);
	CHECK_EQ_INT(decide(&strict, SYS_newfstatat, (uint64_t[6]){ slot }), SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&unconfined, SYS_openat, (uint64_t[6]){ slot, 0, O_RDONLY }), DENIED);
	CHECK_EQ_INT(decide(&unconfined, SYS_pread64, (uint64_t[6]){ slot }), SECCOMP_RET_ALLOW);
}

/* the trapping profile allows what the strict one does and raises SIGSYS
 * for everything the strict one refuses */
UNIT_TEST(trapping_profile_traps_every_refusal)
{
	static struct program strict, p;
	uint64_t args[6] = { 0 };

	build_profile(&strict, SANDBOX_STRICT, false);
	build_profile(&p, SANDBOX_TRAPPING, false);
	CHECK(p.len > 0);
	for (uint32_t nr = 0; nr < NR_MAX; nr++) {
		uint32_t s = decide(&strict, nr, args), t = decide(&p, nr, args);
		if (nr == SYS_prctl)
			continue;                        /* below */
		if (s == DENIED || s == ENOSYS_)
			CHECK_EQ_INT(t, SECCOMP_RET_TRAP);
		else
			CHECK_EQ_INT(t, s);
	}
	CHECK_EQ_INT(decide(&p, SYS_fcntl, (uint64_t[6]){ 3, F_SETFL }), SECCOMP_RET_TRAP);
	CHECK_EQ_INT(decide(&p, SYS_prctl, (uint64_t[6]){ 59 /* PR_SET_SYSCALL_USER_DISPATCH */ }),
	             SECCOMP_RET_ALLOW);
	CHECK_EQ_INT(decide(&p, SYS_prctl, (uint64_t[6]){ PR_SET_DUMPABLE }), SECCOMP_RET_TRAP);
	CHECK_EQ_INT(decide(&strict, SYS_prctl, (uint64_t[6]){ 59 }), DENIED);
	CHECK_EQ_INT(decide(&p, SYS_close, (uint64_t[6]){ HOST_HANDLE_FIRST }), SECCOMP_RET_TRAP);
	CHECK_EQ_INT(decide(&p, 0x40000000 | SYS_read, NULL), SECCOMP_RET_KILL_PROCESS);
}

UNIT_MAIN()
