/*
 * \brief  Starting components as sandboxed Linux processes
 *
 * Namespaces are made once, by a short-lived helper that unshares user,
 * mount, network, IPC and UTS namespaces and pivots into an empty read-only
 * tmpfs; core keeps their descriptors, and every component joins them with
 * setns (a fresh network namespace per component would cost a millisecond
 * or more). Each component gets a PID namespace of its own, so it is PID 1
 * and can name no other process. The process is cloned with CLONE_VM and
 * CLONE_VFORK, which costs no copy of core's address space, and with
 * CLONE_FILES, which costs no copy of core's descriptor table (a thousand
 * descriptors with 60 components, copied and closed again by each start):
 * core puts the component's handles in descriptor slots it keeps for them,
 * and the new process takes a table of its own with just these
 * (CLOSE_RANGE_UNSHARE). Inside it, core drops to an unprivileged user,
 * sets resource limits, installs the seccomp filter and execs the binary
 * straight from its ROM memfd. The clone runs on core's spawner thread
 * (spawner.c): core's entrypoint prepares a start and finishes it, and
 * never waits for one.
 *
 * The limits are the kernel's part of a component's accounting: core
 * derives them from the component's quota (pd_session.c), and each
 * component runs as a host user of its own, so that the kernel's per-user
 * counts, threads above all, are per component.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nest/platform.h>
#include "core/linux/sandbox.h"
#include "core/linux/spawner.h"
#include "lib/base/linux/startup_handles.h"

enum {
	STACK_LIMIT     = 256 << 10,  /* start-up only: the entrypoint runs on a dataspace */
	/* bounds the page tables a component can make the host allocate by
	 * touching a huge read-only mapping; dataspaces must fit in it too */
	ADDRESS_SPACE_LIMIT = 4ul << 30,
	SPAWN_STACK     = 64 * 1024,
	/* core's descriptor slots for a new process's handles: the startup
	 * numbers, then the binary's, then a placeholder each slot holds
	 * between starts; the new process keeps the slots below PLACEHOLDER */
	SLOT_BINARY = STARTUP_OBJECTS + 1, SLOT_PLACEHOLDER = SLOT_BINARY + 1,
};

/* the slots must be core's before anything else takes their numbers */
enum nest_error sandbox_reserve_slots(void)
{
	int placeholder = open("/", O_PATH | O_CLOEXEC);

	if (placeholder < 0)
		return NEST_ERR_IO;
	if (placeholder != SLOT_PLACEHOLDER &&
	    (dup3(placeholder, SLOT_PLACEHOLDER, O_CLOEXEC) < 0 || close(placeholder)))
		return NEST_ERR_IO;
	for (int slot = STARTUP_PARENT; slot < SLOT_PLACEHOLDER; slot++)
		if (dup3(SLOT_PLACEHOLDER, slot, O_CLOEXEC) < 0)
			return NEST_ERR_IO;
	return NEST_OK;
}

/* a handle in a slot, or the placeholder again (handle -1) */
static int fill_slot(int slot, int handle)
{
	return dup3(handle >= 0 ? handle : SLOT_PLACEHOLDER, slot, O_CLOEXEC) < 0 ? -1 : 0;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0) { /* reported by the later setns */ }
		close(fd);
	}
}

/* the helper: new namespaces with an empty root, then wait to be released */
static void namespace_holder(const char *sanitized, int ready, int release)
{
	char c = 0;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS))
		_exit(1);
	if (write(ready, &c, 1) != 1 || read(release, &c, 1) != 1)   /* maps written */
		_exit(2);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("nest", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555") ||
	    (sanitized && sanitized_root_add(sanitized, "/tmp")) ||
	    chdir("/tmp") || syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) ||
	    chdir("/"))
		_exit(3);
	mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
	      NULL);
	sethostname("nest", 4);
	if (write(ready, &c, 1) != 1)
		_exit(4);
	if (read(release, &c, 1) < 0) { /* core is done with us */ }
	_exit(0);
}

/*
 * The affinity space is the CPUs core may use. As in Genode, a component
 * runs on the first CPU of its location unless its <affinity> is wider, and
 * core on the first of the space: a call and its reply then stay on one CPU,
 * where waking the other side costs a few microseconds instead of the
 * interprocessor interrupt a wake-up on another CPU takes (about 25 us on a
 * virtual machine). Components are spread over CPUs by their affinity.
 */
static void place_core(struct sandbox *sb)
{
	cpu_set_t allowed, first;

	sb->cpu_count = 0;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
		for (unsigned cpu = 0; cpu < CPU_SETSIZE && sb->cpu_count < SANDBOX_CPUS_MAX; cpu++)
			if (CPU_ISSET(cpu, &allowed))
				sb->cpus[sb->cpu_count++] = (uint16_t)cpu;
	if (!sb->cpu_count) {
		sb->cpus[0]   = 0;
		sb->cpu_count = 1;
		return;
	}
	CPU_ZERO(&first);
	CPU_SET(sb->cpus[0], &first);
	sched_setaffinity(0, sizeof(first), &first);   /* a placement, not a guarantee */
}

unsigned sandbox_cpu_count(const struct sandbox *sb)
{
	return sb->cpu_count;
}

enum nest_error sandbox_init(struct sandbox *sb)
{
	static const char *const ns[] = { "user", "mnt", "net", "ipc", "uts" };
	int *fds[] = { &sb->ns_user, &sb->ns_mnt, &sb->ns_net, &sb->ns_ipc, &sb->ns_uts };
	int ready[2], release[2], status;
	char path[64], c;
	pid_t pid;
	bool ok = true;

	place_core(sb);
	sb->namespaces = false;
	for (unsigned i = 0; i < 5; i++)
		*fds[i] = -1;
	if ((sb->ns_core_net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return NEST_ERR_IO;
	if (pipe2(ready, O_CLOEXEC) || pipe2(release, O_CLOEXEC))
		return NEST_ERR_IO;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(release[1]);
		namespace_holder(sb->sanitized, ready[1], release[0]);
	}
	close(ready[1]);
	close(release[0]);
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		ok = false;
	} else {
		char map[64];
		snprintf(map, sizeof(map), "0 0 1\n1 %u %u\n", COMPONENT_UID_BASE, SANDBOX_SLOTS);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
		write_file(path, map);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
		write_file(path, map);
		ok = write(release[1], &c, 1) == 1 && read(ready[0], &c, 1) == 1;
		for (unsigned i = 0; ok && i < 5; i++) {
			snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns[i]);
			*fds[i] = open(path, O_RDONLY | O_CLOEXEC);
			ok = *fds[i] >= 0;
		}
	}
	close(release[1]);
	close(ready[0]);
	if (pid > 0) {
		waitpid(pid, &status, 0);
		if (ok && (!WIFEXITED(status) || WEXITSTATUS(status)))
			ok = false;
		if (!ok)
			snprintf(sb->why_not, sizeof(sb->why_not),
			         "namespace helper failed (status %d)", status);
	} else {
		snprintf(sb->why_not, sizeof(sb->why_not), "fork: %s", strerror(errno));
	}
	if (!ok) {
		sandbox_fini(sb);
		return NEST_ERR_UNAVAILABLE;
	}
	sb->namespaces = true;
	return NEST_OK;
}

void sandbox_fini(struct sandbox *sb)
{
	int *fds[] = { &sb->ns_user, &sb->ns_mnt, &sb->ns_net, &sb->ns_ipc, &sb->ns_uts };
	for (unsigned i = 0; i < 5; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (sb->ns_core_net >= 0)
		close(sb->ns_core_net);
	sb->ns_core_net = -1;
	sb->namespaces  = false;
}

void sandbox_init_unconfined(struct sandbox *sb)
{
	*sb = (struct sandbox){ .unconfined = true, .ns_core_net = -1, .ns_user = -1, .ns_mnt = -1,
	                        .ns_net = -1, .ns_ipc = -1, .ns_uts = -1 };
	place_core(sb);
}

/*
 * A start: prepared by core's entrypoint (sandbox_spawn), run by the
 * spawner thread (spawner.c), finished by the entrypoint again
 * (sandbox_spawn_ended). The job owns copies of every handle it passes on.
 */
struct spawn_job {
	struct sandbox *sb;
	void           *owner;          /* the entrypoint's; NULL once disowned */
	char            name[64];
	struct sandbox_limits limits;
	int             binary, parent_cap, pd_cap;
	unsigned        slot;
	unsigned        uid;            /* as seen inside the namespaces */
	int             settle_cpu;
	int             supply[2];      /* object supply: core's end, the component's; the
	                                 * filter's listener comes over it before exec */
	cpu_set_t       cpus;           /* where it starts up */
	/* what the spawner made of it */
	int             pid, pidfd, listener;
	int             error;          /* errno of the failing step, seen by core */
	int             step;
};

static int fail(struct spawn_job *a, int step)
{
	a->step  = step;
	a->error = errno;
	return 127;
}

/* runs in the new process, sharing core's memory until exec (CLONE_VFORK) */
static int spawn_child(void *arg)
{
	struct spawn_job *a = arg;
	int root;
	bool landlocked;
	sigset_t none_blocked;
	char *argv[2] = { (char *)a->name, NULL };
	char *envp[1] = { NULL };
	struct rlimit files   = { a->limits.descriptors, STARTUP_BINARY };
	struct rlimit threads = { a->limits.threads, a->limits.threads };
	struct rlimit data    = { a->limits.data_bytes, a->limits.data_bytes };
	struct rlimit stack = { STACK_LIMIT, STACK_LIMIT };
	struct rlimit space = { ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT };
	struct rlimit none  = { 0, 0 };
	/* files do not grow; core raises the soft limit for a writable host file */
	struct rlimit fsize = { 0, RLIM_INFINITY };

	if (a->sb->sanitized)                     /* tests only: see sanitized.c */
		data = space = fsize = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	/* a driver reaches the host's files beneath its directory only, which
	 * is a handle of core's (before the table is the process's own);
	 * without Landlock, it gets no directory calls */
	landlocked = !a->sb->unconfined && a->limits.profile == SANDBOX_DRIVER &&
	             !sandbox_landlock(a->limits.beneath, a->limits.beneath_writeable,
	                               a->sb->sanitized);

	if (a->sb->unconfined) {
		/* core --no-sandbox: core's namespaces and user */
	} else if (a->sb->namespaces) {
		if (setns(a->sb->ns_user, CLONE_NEWUSER)) return fail(a, 1);
		if (setns(a->sb->ns_mnt, CLONE_NEWNS))    return fail(a, 2);
		if (setns(a->sb->ns_net, CLONE_NEWNET))   return fail(a, 3);
		if (setns(a->sb->ns_ipc, CLONE_NEWIPC))   return fail(a, 4);
		if (setns(a->sb->ns_uts, CLONE_NEWUTS))   return fail(a, 5);
		if (chdir("/"))                           return fail(a, 6);
		/* core has threads: glibc's wrappers would make the new
		 * process signal them, as if it were one of them */
		if (syscall(SYS_setgroups, 0, NULL))      return fail(a, 7);
	}
	/* in the namespaces, a table of its own with core's stdio and the
	 * slots only; the handles that outlive exec lose close-on-exec, the
	 * binary goes to its number */
	if (close_range(SLOT_PLACEHOLDER, ~0U, CLOSE_RANGE_UNSHARE))
		return fail(a, 10);
	if (fcntl(STARTUP_PARENT, F_SETFD, 0) || fcntl(STARTUP_PD, F_SETFD, 0) ||
	    fcntl(STARTUP_OBJECTS, F_SETFD, 0) ||
	    dup3(SLOT_BINARY, STARTUP_BINARY, O_CLOEXEC) < 0 || close(SLOT_BINARY))
		return fail(a, 11);
	if (!a->sb->unconfined && syscall(SYS_setresgid, a->uid, a->uid, a->uid)) return fail(a, 8);
	if (!a->sb->unconfined && syscall(SYS_setresuid, a->uid, a->uid, a->uid)) return fail(a, 9);
	/* the empty root's handle holds stdio and the host handle slots (it
	 * may have one of their numbers itself: it outlives exec) */
	if ((root = open("/", O_PATH)) < 0 ||
	    dup2(root, 0) < 0 || dup2(root, 1) < 0 ||
	    (!a->sb->sanitized && dup2(root, 2) < 0))       /* sanitized: reports to core's */
		return fail(a, 12);
	for (int slot = HOST_HANDLE_FIRST; slot < HOST_HANDLE_FIRST + HOST_HANDLE_COUNT; slot++)
		if (slot != root && dup2(root, slot) < 0)
			return fail(a, 12);
	if (close_range(HOST_HANDLE_FIRST + HOST_HANDLE_COUNT, STARTUP_BINARY - 1, 0) ||
	    close_range(STARTUP_BINARY + 1, ~0U, 0))
		return fail(a, 12);
	if (!a->sb->unconfined &&
	    (setrlimit(RLIMIT_NOFILE, &files) || setrlimit(RLIMIT_DATA, &data) ||
	    setrlimit(RLIMIT_NPROC, &threads) ||
	    setrlimit(RLIMIT_STACK, &stack) || setrlimit(RLIMIT_AS, &space) ||
	    setrlimit(RLIMIT_CORE, &none) ||
	    setrlimit(RLIMIT_FSIZE, &fsize) || setrlimit(RLIMIT_MEMLOCK, &none)))
		return fail(a, 13);
	setsid();
	sigemptyset(&none_blocked);            /* core blocks what its signalfds take */
	if (sigprocmask(SIG_SETMASK, &none_blocked, NULL))
		return fail(a, 18);
	if (sched_setaffinity(0, sizeof(a->cpus), &a->cpus))
		return fail(a, 17);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		return fail(a, 14);
	if (!a->sb->unconfined) {
		int listener = sandbox_install_filter((int)getpid(), a->limits.profile, landlocked,
		                                      a->sb->sanitized != NULL);
		if (listener < 0 || plat_send(STARTUP_OBJECTS, "", 1, &listener, 1))
			return fail(a, 15);
	}
	syscall(SYS_execveat, STARTUP_BINARY, "", argv, envp, AT_EMPTY_PATH);
	return fail(a, 16);
}

/* the new process sent it before exec, which core waited for */
static enum nest_error take_listener(int channel, int *listener)
{
	char byte;
	size_t len;
	unsigned count = 0;
	enum nest_error err = plat_recv_nonblocking(channel, &byte, 1, &len, listener, 1, &count);
	return err ? err : count == 1 ? NEST_OK : NEST_ERR_IO;
}

static bool slot_used(const struct sandbox *sb, unsigned slot)
{
	return sb->slots_used[slot / 8] & (1u << (slot % 8));
}

static void slot_mark(struct sandbox *sb, unsigned slot, bool used)
{
	if (used)
		sb->slots_used[slot / 8] |= (uint8_t)(1u << (slot % 8));
	else
		sb->slots_used[slot / 8] &= (uint8_t)~(1u << (slot % 8));
}

/* slots count from 1, so that 0 says "none" */
static unsigned slot_alloc(struct sandbox *sb)
{
	for (unsigned slot = 1; slot < SANDBOX_SLOTS; slot++)
		if (!slot_used(sb, slot)) {
			slot_mark(sb, slot, true);
			return slot;
		}
	return 0;
}

/* the object supply's channel (object_supply.c): its sockets are of the
 * components' namespace too */
static int make_supply(const struct sandbox *sb, int ends[2])
{
	int result = sandbox_enter_components_net(sb);
	if (result)
		return result;
	result = sandbox_make_socketpair(SOCK_SEQPACKET, 0, ends);
	sandbox_leave_components_net(sb);
	return result;
}

static void job_free(struct spawn_job *job)
{
	int *fds[] = { &job->binary, &job->parent_cap, &job->pd_cap, &job->supply[0],
	               &job->supply[1], &job->limits.beneath };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	free(job);
}

static int copy_handle(int handle)
{
	return handle >= 0 ? fcntl(handle, F_DUPFD_CLOEXEC, 0) : -1;
}

enum nest_error sandbox_spawn(struct sandbox *sb, int binary, const char *name,
                              int parent_cap, int pd_cap, unsigned cpu_first,
                              unsigned cpu_count, const struct sandbox_limits *limits,
                              void *owner, struct spawn_job **started)
{
	struct spawn_job *job = calloc(1, sizeof(*job));
	enum nest_error err = NEST_ERR_IO;

	if (!job)
		return NEST_ERR_OUT_OF_RAM;
	*job = (struct spawn_job){ .sb = sb, .owner = owner, .limits = *limits,
	                           .supply = { -1, -1 },
	                           .pid = 0, .pidfd = -1, .listener = -1 };
	snprintf(job->name, sizeof(job->name), "%s", name);
	job->binary     = copy_handle(binary);
	job->parent_cap = copy_handle(parent_cap);
	job->pd_cap     = copy_handle(pd_cap);
	job->limits.beneath = copy_handle(limits->beneath);
	if (!(job->slot = slot_alloc(sb))) {
		job_free(job);
		return NEST_ERR_OUT_OF_CAPS;
	}
	/* inside the namespaces slot n is user n; without them, the host's */
	job->uid = sb->namespaces ? job->slot : COMPONENT_UID_BASE + job->slot - 1;

	/* the place is the location's first CPU; the start-up runs beside it */
	CPU_ZERO(&job->cpus);
	job->settle_cpu = sb->cpus[cpu_first % sb->cpu_count];
	for (unsigned i = 1; i < cpu_count && i < sb->cpu_count; i++)
		CPU_SET(sb->cpus[(cpu_first + i) % sb->cpu_count], &job->cpus);
	if (!CPU_COUNT(&job->cpus)) {
		CPU_SET(job->settle_cpu, &job->cpus);
		job->settle_cpu = -1;
	}
	if (job->binary >= 0 && job->parent_cap >= 0 && job->pd_cap >= 0 &&
	    !make_supply(sb, job->supply))
		err = spawner_submit(sb, job);
	if (err) {
		slot_mark(sb, job->slot, false);
		job_free(job);
		return err;
	}
	*started = job;
	return NEST_OK;
}

/* on the spawner thread: the process is made and has left core's memory */
void spawn_job_run(struct spawn_job *a)
{
	static char stack[SPAWN_STACK] __attribute__((aligned(16)));
	int flags = CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_PIDFD | SIGCHLD |
	            (a->sb->namespaces ? CLONE_NEWPID : 0);
	int status;

	a->pid = -1;
	if (!fill_slot(STARTUP_PARENT, a->parent_cap) && !fill_slot(STARTUP_PD, a->pd_cap) &&
	    !fill_slot(STARTUP_OBJECTS, a->supply[1]) && !fill_slot(SLOT_BINARY, a->binary))
		a->pid = clone(spawn_child, stack + sizeof(stack), flags, a, &a->pidfd);
	if (a->pid < 0 && !a->step) {
		a->step  = 20;
		a->error = errno;
	}
	for (int slot = STARTUP_PARENT; slot < SLOT_PLACEHOLDER; slot++)
		fill_slot(slot, -1);
	/* the process's own now, or no one's */
	close(a->supply[1]);
	a->supply[1] = -1;
	/* the first message on the supply, sent before the binary ran */
	if (a->pid > 0 && !a->step && !a->sb->unconfined &&
	    take_listener(a->supply[0], &a->listener)) {
		a->step  = 19;
		a->error = EPROTO;
		kill(a->pid, SIGKILL);
	}
	if (a->pid > 0 && a->step) {
		waitpid(a->pid, &status, __WALL);
		close(a->pidfd);
		a->pidfd = -1;
	}
	if (a->step)
		a->pid = 0;
}

/* on core's entrypoint: the job came back from the spawner */
bool sandbox_spawn_ended(struct sandbox *sb, void **owner, struct process *process, int *error)
{
	struct spawn_job *job = spawner_take(sb);

	if (!job)
		return false;
	*owner = job->owner;
	*error = job->error;
	if (!job->pid) {
		slot_mark(sb, job->slot, false);
		*process = (struct process){ .pid = 0, .pidfd = -1, .listener = -1, .supply = -1,
		                             .settle_cpu = -1 };
	} else {
		*process = (struct process){ .pid = job->pid, .pidfd = job->pidfd, .slot = job->slot,
		                             .unconfined = sb->unconfined, .listener = job->listener,
		                             .supply = job->supply[0], .settle_cpu = job->settle_cpu };
		job->supply[0] = -1;
		tracer_attach(process);
	}
	job_free(job);
	return true;
}

void sandbox_spawn_disown(struct spawn_job *job)
{
	job->owner = NULL;
}

void sandbox_settle(struct process *process)
{
	cpu_set_t place;

	if (process->settle_cpu < 0)
		return;
	CPU_ZERO(&place);
	CPU_SET(process->settle_cpu, &place);
	sched_setaffinity(process->pid, sizeof(place), &place);   /* a placement, not a guarantee */
	process->settle_cpu = -1;
}

/* only the soft limit moves: raising a hard limit takes a capability core
 * may lack, and the component cannot change its limits (seccomp.c) */
enum nest_error sandbox_limit_descriptors(struct process *process, unsigned descriptors)
{
	struct rlimit files = { descriptors, STARTUP_BINARY };
	if (process->pidfd < 0)
		return NEST_ERR_INVALID_ARGS;
	if (process->unconfined)
		return NEST_OK;
	return prlimit(process->pid, RLIMIT_NOFILE, &files, NULL) ? NEST_ERR_IO : NEST_OK;
}

unsigned sandbox_descriptors_open(const struct process *process)
{
	char path[32];
	unsigned count = 0;
	struct dirent *entry;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", process->pid);
	if (process->pid <= 0 || !(dir = opendir(path)))
		return 0;
	while ((entry = readdir(dir)))
		count += entry->d_name[0] != '.';
	closedir(dir);
	return count;
}

void sandbox_kill(struct process *process)
{
	if (process->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, process->pidfd, SIGKILL, NULL, 0);
}

enum nest_error sandbox_reap(struct process *process, struct process_end *end)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	if (waitid(P_PIDFD, (id_t)process->pidfd, &info, WEXITED | WNOHANG) < 0)
		return NEST_ERR_IO;
	if (info.si_pid == 0)
		return NEST_ERR_UNAVAILABLE;
	end->signalled = info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED;
	end->code      = info.si_status;
	return NEST_OK;
}

void sandbox_release(struct sandbox *sb, struct process *process)
{
	if (process->pidfd >= 0)
		close(process->pidfd);
	if (process->listener >= 0)
		close(process->listener);
	if (process->supply >= 0)
		close(process->supply);
	process->listener = -1;
	process->supply   = -1;
	if (process->slot)
		slot_mark(sb, process->slot, false);
	process->pidfd = -1;
	process->pid   = 0;
	process->slot  = 0;
}

const char *signal_name(int signal)
{
	switch (signal) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS:  return "SIGBUS";
	case SIGILL:  return "SIGILL";
	case SIGFPE:  return "SIGFPE";
	case SIGABRT: return "SIGABRT";
	case SIGTRAP: return "SIGTRAP";
	case SIGSYS:  return "SIGSYS";
	case SIGKILL: return "SIGKILL";
	case SIGTERM: return "SIGTERM";
	default:      return "signal";
	}
}

void core_raise_fd_limit(void)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}
