/*
 * \brief  Fake of core's process platform (core/linux/spawn.c, tracer.c) for fuzzing
 *
 * See fake_process.h. The fake checks what core must hand a process: its
 * binary (a sealed ROM memfd), a parent capability, its own PD capability,
 * an affinity within the CPUs there are, and limits the kernel could hold
 * it to.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "core/linux/sandbox.h"
#include "lib/base/linux/startup_handles.h"
#include "tests/fuzz/targets/fake_process.h"
#include "tests/fuzz/targets/fuzz_check.h"

enum { MAX_PROCESSES = 64, FIRST_PID = 1000 };

struct fake_process {
	int                pid;          /* 0: slot free */
	int                write_end;    /* of the pidfd pipe; -1 once ended */
	bool               reaped;
	unsigned           descriptors;  /* the kernel's limit */
	struct process_end end;
};

struct fake_process_hooks fake_process_hooks;

static struct fake_process processes[MAX_PROCESSES];
static int next_pid = FIRST_PID;

/* the record of pid, or with pid 0 a free one */
static struct fake_process *find(int pid)
{
	for (unsigned i = 0; i < MAX_PROCESSES; i++)
		if (processes[i].pid == pid)
			return &processes[i];
	return NULL;
}

unsigned sandbox_cpu_count(const struct sandbox *sb)
{
	(void)sb;
	return FAKE_CPU_COUNT;
}

/* an executable as core/linux/elf.c reads one: a writable segment of
 * FAKE_BINARY_DATA bytes, nothing to run */
const void *fake_process_binary(size_t *size)
{
	static struct { Elf64_Ehdr header; Elf64_Phdr data; } image;

	memcpy(image.header.e_ident, ELFMAG, SELFMAG);
	image.header.e_ident[EI_CLASS] = ELFCLASS64;
	image.header.e_type      = ET_EXEC;
	image.header.e_machine   = EM_X86_64;
	image.header.e_phoff     = offsetof(__typeof__(image), data);
	image.header.e_phentsize = sizeof(Elf64_Phdr);
	image.header.e_phnum     = 1;
	image.data = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
	                           .p_vaddr = 0x400000, .p_memsz = FAKE_BINARY_DATA };
	*size = sizeof(image);
	return &image;
}

/* starts end in the order they began, each told through a byte in a pipe,
 * as the spawner thread tells core's entrypoint */
struct spawn_job {
	void          *owner;          /* NULL: disowned */
	struct process process;
	int            error;
};

static struct spawn_job jobs[MAX_PROCESSES];
static unsigned job_first, job_count;
static int spawned[2] = { -1, -1 };

enum nest_error sandbox_spawner_start(struct sandbox *sb)
{
	(void)sb;
	CHECKF(spawned[0] < 0, "a second spawner");
	CHECK(pipe2(spawned, O_CLOEXEC | O_NONBLOCK) == 0);
	return NEST_OK;
}

int sandbox_spawner_fd(const struct sandbox *sb)
{
	(void)sb;
	return spawned[0];
}

void sandbox_spawner_stop(struct sandbox *sb)
{
	(void)sb;
	CHECKF(job_count == 0, "%u starts never ended", job_count);
	close(spawned[0]);
	close(spawned[1]);
	spawned[0] = spawned[1] = -1;
	job_first = 0;
}

enum nest_error sandbox_spawn(struct sandbox *sb, int binary, const char *name,
                              int parent_cap, int pd_cap, unsigned cpu_first,
                              unsigned cpu_count, const struct sandbox_limits *limits,
                              void *owner, struct spawn_job **started)
{
	struct fake_process *p = find(0);
	struct spawn_job *job = &jobs[(job_first + job_count) % MAX_PROCESSES];
	int ends[2], parent_copy, pd_copy;
	(void)sb;

	CHECKF(fcntl(binary, F_GET_SEALS) & F_SEAL_WRITE, "spawn of a binary that is no ROM");
	CHECKF(fd_is_open(parent_cap) && fd_is_open(pd_cap), "spawn without its capabilities");
	CHECKF(cpu_first < FAKE_CPU_COUNT && cpu_count >= 1 && cpu_count <= FAKE_CPU_COUNT,
	       "affinity %u+%u beyond the CPUs", cpu_first, cpu_count);
	CHECKF(limits->descriptors > STARTUP_PD && limits->descriptors <= STARTUP_BINARY &&
	       limits->threads > 0 && limits->data_bytes >= FAKE_BINARY_DATA,
	       "limits of %u descriptors, %u threads, %llu bytes of data", limits->descriptors,
	       limits->threads, (unsigned long long)limits->data_bytes);
	CHECKF(spawned[0] >= 0, "a start without the spawner");
	if (!p || job_count == MAX_PROCESSES)
		return NEST_ERR_OUT_OF_CAPS;
	CHECK(write(spawned[1], "", 1) == 1);
	job_count++;
	*started = job;
	*job = (struct spawn_job){ .owner = owner, .error = EAGAIN,
	                           .process = { .pid = 0, .pidfd = -1, .listener = -1,
	                                        .supply = -1, .settle_cpu = -1 } };
	if (fake_process_hooks.fail_spawn)   /* the host refused: it ends failed */
		return NEST_OK;
	CHECK(pipe2(ends, O_CLOEXEC) == 0);
	*p = (struct fake_process){ .pid = next_pid++, .write_end = ends[1],
	                            .descriptors = limits->descriptors };
	job->process.pid   = p->pid;
	job->process.pidfd = ends[0];
	/* the process inherits the capabilities: copies of its own */
	parent_copy = fcntl(parent_cap, F_DUPFD_CLOEXEC, 0);
	pd_copy     = fcntl(pd_cap, F_DUPFD_CLOEXEC, 0);
	CHECK(parent_copy >= 0 && pd_copy >= 0);
	if (fake_process_hooks.started) {
		fake_process_hooks.started(fake_process_hooks.state, p->pid, name, parent_copy,
		                           pd_copy);
	} else {
		close(parent_copy);
		close(pd_copy);
	}
	return NEST_OK;
}

bool sandbox_spawn_ended(struct sandbox *sb, void **owner, struct process *process, int *error)
{
	struct spawn_job *job = &jobs[job_first];
	char byte;
	(void)sb;

	if (read(spawned[0], &byte, 1) != 1)
		return false;
	CHECKF(job_count > 0, "a start ended that never began");
	*owner   = job->owner;
	*process = job->process;
	*error   = job->error;
	job_first = (job_first + 1) % MAX_PROCESSES;
	job_count--;
	return true;
}

void sandbox_spawn_disown(struct spawn_job *job)
{
	job->owner = NULL;
}

void fake_process_end(int pid, bool signalled, int code)
{
	struct fake_process *p = pid ? find(pid) : NULL;

	if (!p || p->write_end < 0)
		return;
	close(p->write_end);                 /* the pidfd is readable now */
	p->write_end = -1;
	p->end = (struct process_end){ .signalled = signalled, .code = code };
	if (fake_process_hooks.ended)
		fake_process_hooks.ended(fake_process_hooks.state, pid);
}

void sandbox_kill(struct process *process)
{
	if (process->pidfd >= 0)
		fake_process_end(process->pid, true, SIGNAL_KILL);
}

enum nest_error sandbox_reap(struct process *process, struct process_end *end)
{
	struct fake_process *p = process->pid ? find(process->pid) : NULL;

	if (!p || p->reaped)
		return NEST_ERR_IO;                /* as waitid on a process reaped before */
	if (p->write_end >= 0)
		return NEST_ERR_UNAVAILABLE;
	p->reaped = true;
	*end = p->end;
	return NEST_OK;
}

/* the limit only grows while the process runs */
enum nest_error sandbox_limit_descriptors(struct process *process, unsigned descriptors)
{
	struct fake_process *p = process->pid ? find(process->pid) : NULL;

	CHECKF(p, "a descriptor limit for a process core released");
	if (p->write_end < 0)
		return NEST_ERR_IO;                /* as prlimit on a process that ended */
	CHECKF(descriptors > p->descriptors && descriptors <= STARTUP_BINARY,
	       "the descriptor limit %u set to %u", p->descriptors, descriptors);
	p->descriptors = descriptors;
	return NEST_OK;
}

/* a fake process has no listener (-1): it never asks core to make anything */
void sandbox_serve_notification(struct sandbox *sb, struct process *process,
                                const struct host_handle_lookup *lookup)
{
	(void)sb; (void)process; (void)lookup;
	CHECKF(0, "a notification of a process without a listener");
}

unsigned sandbox_descriptors_open(const struct process *process)
{
	struct fake_process *p = process->pid ? find(process->pid) : NULL;
	CHECKF(p, "descriptors of a process core released");
	return 3;
}

/* nor a supply channel (-1) */
enum nest_error sandbox_serve_supply(const struct sandbox *sb, struct process *process)
{
	(void)sb; (void)process;
	CHECKF(0, "a supply request of a process without a supply channel");
	return NEST_ERR_INVALID_CAP;
}

void sandbox_release(struct sandbox *sb, struct process *process)
{
	struct fake_process *p = process->pid ? find(process->pid) : NULL;
	(void)sb;

	if (process->pidfd >= 0)
		close(process->pidfd);
	if (p) {
		if (p->write_end >= 0)
			close(p->write_end);
		p->pid = 0;
	}
	process->pidfd = -1;
	process->pid   = 0;
}

int fake_process_running(unsigned n)
{
	unsigned running = 0, i;

	for (i = 0; i < MAX_PROCESSES; i++)
		running += processes[i].pid && processes[i].write_end >= 0;
	if (!running)
		return 0;
	n %= running;
	for (i = 0; i < MAX_PROCESSES; i++)
		if (processes[i].pid && processes[i].write_end >= 0 && n-- == 0)
			return processes[i].pid;
	return 0;
}

unsigned fake_process_count(void)
{
	unsigned count = 0;
	for (unsigned i = 0; i < MAX_PROCESSES; i++)
		count += processes[i].pid != 0;
	return count;
}

void fake_process_reset(void)
{
	CHECKF(fake_process_count() == 0, "%u processes never released", fake_process_count());
	next_pid = FIRST_PID;
	fake_process_hooks.fail_spawn = false;
}

const char *signal_name(int signal)
{
	return signal == SIGNAL_KILL ? "SIGKILL" : "signal";
}

/* core learns of faults from the kernel's tracer: a fake process raises none */
enum nest_error tracer_init(int *fd)
{
	*fd = -1;
	return NEST_ERR_UNAVAILABLE;
}

void tracer_attach(struct process *process)
{
	(void)process;
}

void tracer_handle(int fd, struct process *(*lookup)(void *state, int pid), void *state)
{
	(void)fd; (void)lookup; (void)state;
}
