/*
 * \brief  Sandbox probe: the remaining roads out of the sandbox
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (syscall(2)) instead of going through the platform layer. Each
 * attempt states how the sandbox refuses it (see ../probe_common.h): here
 * the seccomp filter refuses every one (EPERM). Arguments are valid
 * wherever that is possible, so that where there is no sandbox the attempt
 * succeeds, and so that a refusal comes from the sandbox, not from a
 * malformed call.
 *
 * Where there is no sandbox, nothing may harm the host: a name or a limit
 * is set to what it is already, a scheduling change is undone, files and
 * mounts are those of the test's scratch directory (its config's
 * "scratch"), the namespace joined is that of the test's victim process
 * ("victim"), pivot_root happens only inside a mount namespace of the
 * probe's own, and the namespaces come last, since leaving the host's user
 * namespace would take the probe's privileges for the rest.
 *
 * Not tried: iopl and ioperm (not in every kernel, this host's included),
 * finit_module (no module could be loaded harmlessly).
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
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <nest/env.h>
#include <nest/session/pd.h>
#include "../probe_common.h"

enum { FILE_HANDLE_MAX = 128, SYSLOG_ACTION_READ_ALL = 3, HOLDER_FD = 3 };

/* identity, privilege and terminals */
static void probe_privilege(struct probe *p)
{
	struct utsname own;
	char c = 'x';
	long tty, r;

	r = syscall(SYS_setuid, 0);
	expect_refused(p, "setuid(0)", r, errno, BY_FILTER);
	r = syscall(SYS_setresuid, 0, 0, 0);
	expect_refused(p, "setresuid(0, 0, 0)", r, errno, BY_FILTER);
	/* a component has no terminal; one it opens would do */
	tty = syscall(SYS_open, "/dev/ptmx", O_RDWR | O_NOCTTY);
	r = syscall(SYS_ioctl, tty >= 0 ? tty : 0, TIOCSTI, &c);
	expect_refused(p, "ioctl(a terminal, TIOCSTI)", r, errno, BY_FILTER);
	if (tty >= 0)
		close((int)tty);
	r = syscall(SYS_personality, ADDR_NO_RANDOMIZE);
	expect_refused(p, "personality(ADDR_NO_RANDOMIZE)", r, errno, BY_FILTER);
	if (syscall(SYS_uname, &own))
		snprintf(own.nodename, sizeof(own.nodename), "nest");
	r = syscall(SYS_sethostname, own.nodename, strlen(own.nodename));
	expect_refused(p, "sethostname(the name it has)", r, errno, BY_FILTER);
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
	expect_refused(p, "keyctl(KEYCTL_JOIN_SESSION_KEYRING)", r, errno, BY_FILTER);
	r = syscall(SYS_add_key, "user", "probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
	expect_refused(p, "add_key(user, probe)", r, errno, BY_FILTER);

	memset(&bpf_attr, 0, sizeof(bpf_attr));
	bpf_attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	bpf_attr.insn_cnt  = 2;
	bpf_attr.insns     = (unsigned long)prog;
	bpf_attr.license   = (unsigned long)"GPL";
	r = syscall(SYS_bpf, BPF_PROG_LOAD, &bpf_attr, sizeof(bpf_attr));
	expect_refused_fd(p, "bpf(BPF_PROG_LOAD, socket filter)", r, errno, BY_FILTER);

	memset(&perf, 0, sizeof(perf));
	perf.type   = PERF_TYPE_SOFTWARE;
	perf.size   = sizeof(perf);
	perf.config = PERF_COUNT_SW_CPU_CLOCK;
	perf.exclude_kernel = 1;
	r = syscall(SYS_perf_event_open, &perf, 0, -1, -1, 0);
	expect_refused_fd(p, "perf_event_open(software cpu clock, self)", r, errno, BY_FILTER);

	r = syscall(SYS_userfaultfd, O_CLOEXEC);
	expect_refused_fd(p, "userfaultfd(O_CLOEXEC)", r, errno, BY_FILTER);

	memset(&uring, 0, sizeof(uring));
	r = syscall(SYS_io_uring_setup, 8, &uring);
	expect_refused_fd(p, "io_uring_setup(8)", r, errno, BY_FILTER);

	r = syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, log, sizeof(log));
	expect_refused(p, "syslog(SYSLOG_ACTION_READ_ALL)", r, errno, BY_FILTER);
}

/* limits: reading is the runtime's business, changing them is nobody's */
static void probe_limits(struct probe *p)
{
	struct rlimit files = { 4096, 4096 };
	struct rlimit data  = { 1L << 40, 1L << 40 };
	struct sched_param fifo  = { .sched_priority = 1 };
	struct sched_param other = { .sched_priority = 0 };
	struct timespec now;
	long self = syscall(SYS_getpid), r;

	r = syscall(SYS_setrlimit, RLIMIT_NOFILE, &files);
	expect_refused(p, "setrlimit(RLIMIT_NOFILE, 4096)", r, errno, BY_FILTER);
	r = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &files, NULL);
	expect_refused(p, "prlimit64(0, RLIMIT_NOFILE, 4096)", r, errno, BY_FILTER);
	r = syscall(SYS_prlimit64, self, RLIMIT_NOFILE, &files, NULL);
	expect_refused(p, "prlimit64(getpid(), RLIMIT_NOFILE, 4096)", r, errno, BY_FILTER);
	r = syscall(SYS_prlimit64, self, RLIMIT_DATA, &data, NULL);
	expect_refused(p, "prlimit64(getpid(), RLIMIT_DATA, 1 TiB)", r, errno, BY_FILTER);

	r = syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &fifo);
	expect_refused(p, "sched_setscheduler(0, SCHED_FIFO)", r, errno, BY_FILTER);
	if (r == 0)
		syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &other);
	r = syscall(SYS_setpriority, PRIO_PROCESS, 0, -20);
	expect_refused(p, "setpriority(PRIO_PROCESS, 0, -20)", r, errno, BY_FILTER);
	if (r == 0)
		syscall(SYS_setpriority, PRIO_PROCESS, 0, 0);
	/* the clock set to what it reads: a step of microseconds at most */
	clock_gettime(CLOCK_REALTIME, &now);
	r = syscall(SYS_clock_settime, CLOCK_REALTIME, &now);
	expect_refused(p, "clock_settime(CLOCK_REALTIME, what it reads)", r, errno, BY_FILTER);
}

/* file handles bypass paths: with CAP_DAC_READ_SEARCH they open anything */
static void probe_file_handles(struct probe *p, const char *scratch)
{
	union {
		struct file_handle fh;
		char               space[sizeof(struct file_handle) + FILE_HANDLE_MAX];
	} handle;
	char path[TARGET_SIZE];
	int mount_id = 0;
	long mount_fd, r;

	memset(&handle, 0, sizeof(handle));
	handle.fh.handle_bytes = FILE_HANDLE_MAX;
	in_scratch(path, sizeof(path), scratch, "secret");
	r = syscall(SYS_name_to_handle_at, AT_FDCWD, path, &handle.fh, &mount_id, 0);
	expect_refused(p, "name_to_handle_at(AT_FDCWD, the test's file)", r, errno, BY_FILTER);
	if (r < 0) {              /* a root inode handle of ext4 or tmpfs, guessed */
		handle.fh.handle_bytes = 8;
		handle.fh.handle_type  = 1;
		handle.space[sizeof(struct file_handle)] = 2;
	}
	mount_fd = syscall(SYS_open, scratch, O_RDONLY | O_DIRECTORY);
	r = syscall(SYS_open_by_handle_at, mount_fd >= 0 ? mount_fd : HOLDER_FD, &handle.fh,
	            O_RDONLY);
	expect_refused_fd(p, "open_by_handle_at(its directory, handle, O_RDONLY)", r, errno,
	                  BY_FILTER);
	if (mount_fd >= 0)
		close((int)mount_fd);
}

/* the component's own PD capability concerns its RAM, not its life: it
 * cannot stop itself behind its parent's back, restart, or take the exit
 * signal away from its parent. Core refuses, sandbox or not. */
static void expect_denied_by_core(struct probe *p, const char *attempt, enum nest_error err)
{
	if (err == NEST_OK) {
		p->allowed++;
		nest_log(p->env, "probe: %s: ALLOWED", attempt);
	} else if (err == NEST_ERR_DENIED) {
		nest_log(p->env, "probe: %s: denied by core (%s)", attempt, nest_error_name(err));
	} else {
		p->wrong++;
		nest_log(p->env, "probe: %s: WRONG REFUSAL (got %s, core gives %s)", attempt,
		         nest_error_name(err), nest_error_name(NEST_ERR_DENIED));
	}
}

static void probe_own_pd(struct probe *p)
{
	struct nest_signal_handler h;
	uint32_t state = 0, signal = 0;
	int32_t code = 0;
	uint64_t addr = 0;

	nest_signal_handler_init(&p->env->ep, &h, NULL, NULL);
	expect_denied_by_core(p, "pd_exit_sigh(own PD)",
	                      pd_exit_sigh(&p->env->pd, nest_signal_cap(&h)));
	expect_denied_by_core(p, "pd_start(own PD)",
	                      pd_start(&p->env->pd, NEST_CAP_INVALID, NEST_CAP_INVALID, "again"));
	expect_denied_by_core(p, "pd_exit_state(own PD)",
	                      pd_exit_state(&p->env->pd, &state, &code, &signal, &addr));
	nest_signal_handler_fini(&h);
}

/* the file system and namespaces: last, see above */
static void probe_namespaces(struct probe *p, const char *scratch, long victim)
{
	char mnt[TARGET_SIZE], victim_net[64];
	long net, r;

	in_scratch(mnt, sizeof(mnt), scratch, "mnt");
	r = syscall(SYS_chroot, "/");
	expect_refused(p, "chroot(/)", r, errno, BY_FILTER);
	snprintf(victim_net, sizeof(victim_net), "/proc/%ld/ns/net", victim);
	net = syscall(SYS_open, victim_net, O_RDONLY);
	r = syscall(SYS_setns, net >= 0 ? net : HOLDER_FD, CLONE_NEWNET);
	expect_refused(p, "setns(network namespace of the victim)", r, errno, BY_FILTER);
	if (net >= 0)
		close((int)net);
	r = syscall(SYS_mount, "none", mnt, "tmpfs", 0, NULL);
	expect_refused(p, "mount(none, the test's directory, tmpfs)", r, errno, BY_FILTER);
	r = syscall(SYS_umount2, mnt, MNT_DETACH);
	expect_refused(p, "umount2(the test's directory, MNT_DETACH)", r, errno, BY_FILTER);

	r = syscall(SYS_unshare, CLONE_NEWNS);
	expect_refused(p, "unshare(CLONE_NEWNS)", r, errno, BY_FILTER);
	if (r == 0) {
		/* in a mount namespace of its own, where nothing reaches the host */
		syscall(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
		syscall(SYS_mount, "none", mnt, "tmpfs", 0, NULL);
	}
	r = syscall(SYS_pivot_root, mnt, mnt);
	expect_refused(p, "pivot_root(a tmpfs of its own mount namespace)", r, errno, BY_FILTER);
	/* the old root, now above the new one, goes, or the probe would count
	 * as chrooted, which may not make a user namespace */
	if (r == 0)
		syscall(SYS_umount2, "/", MNT_DETACH);
	r = syscall(SYS_unshare, CLONE_NEWUSER);
	expect_refused(p, "unshare(CLONE_NEWUSER)", r, errno, BY_FILTER);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;
	char scratch[TARGET_SIZE];
	long victim;

	p.env = env;
	if (!probe_target(&p, "scratch", scratch, sizeof(scratch)))
		probe_without_target(&p, "scratch");
	if (!probe_target_number(&p, "victim", &victim) || victim <= 1)
		probe_without_target(&p, "victim");
	probe_privilege(&p);
	probe_kernel_surfaces(&p);
	probe_limits(&p);
	probe_file_handles(&p, scratch);
	probe_own_pd(&p);
	probe_namespaces(&p, scratch, victim);
	probe_finish(&p);
}
