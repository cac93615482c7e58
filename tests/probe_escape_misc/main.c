/*
 * \brief  Sandbox probe: the remaining roads out of the sandbox
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt logs one line, "denied (<why>)" or "ALLOWED". Arguments are
 * valid wherever that is possible, so that a refusal comes from the
 * seccomp filter or the missing privilege, not from a malformed call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <nest/env.h>
#include <nest/session/pd.h>
#include "../probe_common.h"

enum { FILE_HANDLE_MAX = 128, SYSLOG_ACTION_READ_ALL = 3 };

/* the file system and namespaces */
static void probe_namespaces(struct probe *p)
{
	long r;

	r = syscall(SYS_chroot, "/");
	report(p, "chroot(/)", r, errno);
	r = syscall(SYS_unshare, CLONE_NEWUSER);
	report(p, "unshare(CLONE_NEWUSER)", r, errno);
	r = syscall(SYS_unshare, CLONE_NEWNS);
	report(p, "unshare(CLONE_NEWNS)", r, errno);
	r = syscall(SYS_setns, 3, 0);
	report(p, "setns(3, 0)", r, errno);
	r = syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL);
	report(p, "mount(none, /, tmpfs)", r, errno);
	r = syscall(SYS_umount2, "/", MNT_DETACH);
	report(p, "umount2(/, MNT_DETACH)", r, errno);
	r = syscall(SYS_pivot_root, ".", ".");
	report(p, "pivot_root(., .)", r, errno);
}

/* file handles bypass paths: with CAP_DAC_READ_SEARCH they open anything */
static void probe_file_handles(struct probe *p)
{
	union {
		struct file_handle fh;
		char               space[sizeof(struct file_handle) + FILE_HANDLE_MAX];
	} handle;
	int mount_id = 0;
	long r;

	memset(&handle, 0, sizeof(handle));
	handle.fh.handle_bytes = FILE_HANDLE_MAX;
	r = syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &handle.fh, &mount_id, 0);
	report(p, "name_to_handle_at(AT_FDCWD, /)", r, errno);
	if (r < 0) {              /* a root inode handle of ext4 or tmpfs, guessed */
		handle.fh.handle_bytes = 8;
		handle.fh.handle_type  = 1;
		handle.space[sizeof(struct file_handle)] = 2;
	}
	r = syscall(SYS_open_by_handle_at, 3, &handle.fh, O_RDONLY);
	report_fd(p, "open_by_handle_at(3, handle, O_RDONLY)", r, errno);
}

/* identity, privilege and the controlling terminal */
static void probe_privilege(struct probe *p)
{
	char c = 'x';
	long r;

	r = syscall(SYS_setuid, 0);
	report(p, "setuid(0)", r, errno);
	r = syscall(SYS_setresuid, 0, 0, 0);
	report(p, "setresuid(0, 0, 0)", r, errno);
	r = syscall(SYS_ioctl, 3, TIOCSTI, &c);
	report(p, "ioctl(3, TIOCSTI)", r, errno);
	r = syscall(SYS_ioctl, 0, TIOCSTI, &c);
	report(p, "ioctl(0, TIOCSTI)", r, errno);
	r = syscall(SYS_personality, ADDR_NO_RANDOMIZE);
	report(p, "personality(ADDR_NO_RANDOMIZE)", r, errno);
	r = syscall(SYS_iopl, 3);
	report(p, "iopl(3)", r, errno);
	r = syscall(SYS_ioperm, 0x80, 1, 1);
	report(p, "ioperm(0x80, 1, 1)", r, errno);
	r = syscall(SYS_sethostname, "escaped", 7);
	report(p, "sethostname(escaped)", r, errno);
}

/* kernel facilities with a history of privilege escalations */
static void probe_kernel_surfaces(struct probe *p)
{
	struct bpf_insn prog[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr bpf_attr;
	struct perf_event_attr perf;
	struct io_uring_params uring;
	char log[64];
	long r;

	r = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	report(p, "keyctl(KEYCTL_JOIN_SESSION_KEYRING)", r, errno);
	r = syscall(SYS_add_key, "user", "probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
	report(p, "add_key(user, probe)", r, errno);

	memset(&bpf_attr, 0, sizeof(bpf_attr));
	bpf_attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	bpf_attr.insn_cnt  = 2;
	bpf_attr.insns     = (unsigned long)prog;
	bpf_attr.license   = (unsigned long)"GPL";
	r = syscall(SYS_bpf, BPF_PROG_LOAD, &bpf_attr, sizeof(bpf_attr));
	report_fd(p, "bpf(BPF_PROG_LOAD, socket filter)", r, errno);

	memset(&perf, 0, sizeof(perf));
	perf.type   = PERF_TYPE_SOFTWARE;
	perf.size   = sizeof(perf);
	perf.config = PERF_COUNT_SW_CPU_CLOCK;
	perf.exclude_kernel = 1;
	r = syscall(SYS_perf_event_open, &perf, 0, -1, -1, 0);
	report_fd(p, "perf_event_open(software cpu clock, self)", r, errno);

	r = syscall(SYS_userfaultfd, O_CLOEXEC);
	report_fd(p, "userfaultfd(O_CLOEXEC)", r, errno);

	memset(&uring, 0, sizeof(uring));
	r = syscall(SYS_io_uring_setup, 8, &uring);
	report_fd(p, "io_uring_setup(8)", r, errno);

	r = syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, log, sizeof(log));
	report(p, "syslog(SYSLOG_ACTION_READ_ALL)", r, errno);
	r = syscall(SYS_finit_module, 3, "", 0);
	report(p, "finit_module(3)", r, errno);
}

/* limits: reading is the runtime's business, raising is nobody's */
static void probe_limits(struct probe *p)
{
	struct rlimit raise_files = { 4096, 4096 };
	struct rlimit raise_data  = { 1L << 40, 1L << 40 };
	struct sched_param fifo   = { .sched_priority = 1 };
	struct timespec now       = { 0, 0 };
	long r;

	r = syscall(SYS_setrlimit, RLIMIT_NOFILE, &raise_files);
	report(p, "setrlimit(RLIMIT_NOFILE, 4096)", r, errno);
	r = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &raise_files, NULL);
	report(p, "prlimit64(0, RLIMIT_NOFILE, 4096)", r, errno);
	r = syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, &raise_files, NULL);
	report(p, "prlimit64(1, RLIMIT_NOFILE, 4096)", r, errno);
	r = syscall(SYS_prlimit64, 1, RLIMIT_DATA, &raise_data, NULL);
	report(p, "prlimit64(1, RLIMIT_DATA, 1 TiB)", r, errno);
	r = syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &fifo);
	report(p, "sched_setscheduler(0, SCHED_FIFO)", r, errno);
	r = syscall(SYS_setpriority, PRIO_PROCESS, 0, -20);
	report(p, "setpriority(PRIO_PROCESS, 0, -20)", r, errno);
	r = syscall(SYS_clock_settime, CLOCK_REALTIME, &now);
	report(p, "clock_settime(CLOCK_REALTIME)", r, errno);
}

/* the component's own PD capability concerns its RAM, not its life: it
 * cannot stop itself behind its parent's back, restart, or take the exit
 * signal away from its parent */
static void report_rpc(struct probe *p, const char *attempt, enum nest_error err)
{
	if (err == NEST_OK) {
		p->allowed++;
		nest_log(p->env, "probe: %s: ALLOWED", attempt);
	} else {
		nest_log(p->env, "probe: %s: denied (%s)", attempt, nest_error_name(err));
	}
}

static void probe_own_pd(struct probe *p)
{
	struct nest_signal_handler h;
	uint32_t state = 0, signal = 0;
	int32_t code = 0;
	uint64_t addr = 0;

	nest_signal_handler_init(&p->env->ep, &h, NULL, NULL);
	report_rpc(p, "pd_exit_sigh(own PD)", pd_exit_sigh(&p->env->pd, nest_signal_cap(&h)));
	report_rpc(p, "pd_start(own PD)", pd_start(&p->env->pd, NEST_CAP_INVALID,
	                                           NEST_CAP_INVALID, "again"));
	report_rpc(p, "pd_exit_state(own PD)",
	           pd_exit_state(&p->env->pd, &state, &code, &signal, &addr));
	nest_signal_handler_fini(&h);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	probe_namespaces(&p);
	probe_file_handles(&p);
	probe_privilege(&p);
	probe_kernel_surfaces(&p);
	probe_limits(&p);
	probe_own_pd(&p);
	probe_finish(&p);
}
