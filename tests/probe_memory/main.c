/*
 * \brief  Sandbox probe: can a component get memory its PD did not grant?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (libc and syscall(2)) instead of going through the platform
 * layer. Each attempt logs one line, "denied (<why>)" or "ALLOWED".
 * Memory comes only from RAM dataspaces (memfds core sized and sealed
 * against growing); shared memory the component could make itself is
 * refused, and private memory is bounded by RLIMIT_DATA (8 MiB).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <nest/env.h>
#include "../probe_common.h"

enum {
	FD_LAST   = 1022,
	PAGE      = 4096,
	LARGE     = 64 << 20,       /* well above RLIMIT_DATA */
	DS_SIZE   = 4096,
};
#define HUGE_SIZE  (1LL << 30)
#define SPAN_SIZE  (64ULL << 30)      /* address space: 32768 page tables to fill */
#define SPAN_STEP  (2ULL << 20)       /* what one page-table page covers */

/* mmap's result as a report value; unmaps what it got */
static long mapped(void *addr, size_t size)
{
	if (addr == MAP_FAILED)
		return -1;
	munmap(addr, size);
	return 0;
}

/* a regular file among the held descriptors is a dataspace (a memfd) */
static bool is_dataspace(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* every descriptor number, held or not, mapped as if it were a dataspace */
static void probe_foreign_fds(struct probe *p)
{
	long unheld_ok = 0, held_ok = 0;
	int unheld_error = EBADF, held_error = EBADF;
	void *addr;

	for (int fd = 0; fd <= FD_LAST; fd++) {
		bool held = fcntl(fd, F_GETFD) >= 0;
		if (held && is_dataspace(fd))
			continue;             /* the runtime's own RAM: legitimately mapped */
		addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (held) {
			held_ok   += mapped(addr, PAGE) == 0;
			held_error = errno;
		} else {
			unheld_ok   += mapped(addr, PAGE) == 0;
			unheld_error = errno;
		}
	}
	report(p, "mmap(MAP_SHARED) of each fd not held", unheld_ok ? 0 : -1, unheld_error);
	report(p, "mmap(MAP_SHARED) of each held fd that is no dataspace",
	       held_ok ? 0 : -1, held_error);
}

/* shared memory made without core: not charged to any quota */
static void probe_shared(struct probe *p)
{
	void *addr;
	long r;

	r = syscall(SYS_memfd_create, "probe", 0);
	report_fd(p, "memfd_create", r, errno);
	addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	report(p, "mmap(MAP_SHARED|MAP_ANONYMOUS)", mapped(addr, PAGE), errno);
	addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_ANONYMOUS,
	            -1, 0);
	report(p, "mmap(MAP_SHARED_VALIDATE|MAP_ANONYMOUS)", mapped(addr, PAGE), errno);
	r = syscall(SYS_shmget, IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
	report(p, "shmget(IPC_PRIVATE, 4096)", r, errno);
	r = syscall(SYS_shmat, r >= 0 ? r : 0, NULL, 0);
	report(p, "shmat", r == -1 ? -1 : 0, errno);
}

/* private memory beyond RLIMIT_DATA, by every road to it */
static void probe_private(struct probe *p)
{
	void *addr;
	long r;

	addr = mmap(NULL, LARGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	report(p, "mmap(MAP_PRIVATE|MAP_ANONYMOUS, 64 MiB)", mapped(addr, LARGE), errno);

	/* address space alone is not data; making it writable is */
	addr = mmap(NULL, LARGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED) {
		report(p, "mprotect(64 MiB PROT_NONE mapping, PROT_READ|PROT_WRITE)", -1, errno);
	} else {
		r = mprotect(addr, LARGE, PROT_READ | PROT_WRITE);
		report(p, "mprotect(64 MiB PROT_NONE mapping, PROT_READ|PROT_WRITE)", r, errno);
		munmap(addr, LARGE);
	}

	/* a stack mapping is not counted as data; touch it to prove it is memory */
	addr = mmap(NULL, LARGE, PROT_READ | PROT_WRITE,
	            MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (addr != MAP_FAILED)
		memset(addr, 0x5a, LARGE);
	report(p, "mmap(MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN, 64 MiB) and write it",
	       mapped(addr, LARGE), errno);

	addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED) {
		report(p, "mremap(4 KiB private mapping, 64 MiB)", -1, errno);
	} else {
		void *grown = (void *)syscall(SYS_mremap, addr, PAGE, LARGE, MREMAP_MAYMOVE);
		report(p, "mremap(4 KiB private mapping, 64 MiB)",
		       mapped(grown, LARGE), errno);
		if (grown == MAP_FAILED)
			munmap(addr, PAGE);
	}

	/* reading a never-written page maps the zero page, but every 2 MiB
	 * touched costs a page-table page of kernel memory (128 MiB in all) */
	addr = mmap(NULL, SPAN_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	            -1, 0);
	if (addr != MAP_FAILED) {
		volatile const char *span = addr;
		for (unsigned long long off = 0; off < SPAN_SIZE; off += SPAN_STEP)
			(void)span[off];
	}
	report(p, "mmap(PROT_READ, 64 GiB) and read one byte per 2 MiB (page tables)",
	       mapped(addr, SPAN_SIZE), errno);

	addr = sbrk(LARGE);
	report(p, "sbrk(64 MiB)", addr == (void *)-1 ? -1 : 0, errno);
	if (addr != (void *)-1)
		sbrk(-LARGE);
}

/* the component's own dataspace works, but its size is core's to decide */
static void probe_own_dataspace(struct probe *p)
{
	struct nest_cap ds;
	enum nest_error err;
	char *addr;
	int fd;
	long r;

	err = nest_env_alloc_ram(p->env, DS_SIZE, &ds);
	if (!err)
		err = nest_env_attach(p->env, ds, DS_SIZE, true, (void **)&addr);
	if (err) {
		nest_log(p->env, "probe: own dataspace: broken (%s)", nest_error_name(err));
		p->allowed++;     /* the probe cannot judge what it cannot try */
		return;
	}
	memset(addr, 0x5a, DS_SIZE);
	nest_log(p->env, "probe: own dataspace: usable as intended");

	fd = nest_cap_handle(ds);
	addr = mmap(NULL, DS_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_GROWSDOWN, fd, 0);
	report(p, "mmap(MAP_PRIVATE|MAP_GROWSDOWN) of own dataspace",
	       mapped(addr, DS_SIZE), errno);
	r = syscall(SYS_ftruncate, fd, HUGE_SIZE);
	report(p, "ftruncate(own dataspace, 1 GiB)", r, errno);
	r = syscall(SYS_fallocate, fd, 0, 0, HUGE_SIZE);
	report(p, "fallocate(own dataspace, 1 GiB)", r, errno);
	r = syscall(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_SHRINK);
	report(p, "fcntl(own dataspace, F_ADD_SEALS)", r, errno);
	/* RLIMIT_FSIZE is 0, so the write raises SIGXFSZ: fatal unless the
	 * component happens to be PID 1 of its namespace */
	signal(SIGXFSZ, SIG_IGN);
	r = syscall(SYS_lseek, fd, HUGE_SIZE, SEEK_SET);
	if (r >= 0)
		r = syscall(SYS_write, fd, "x", 1);
	report(p, "lseek(own dataspace, 1 GiB) and write", r, errno);
	r = syscall(SYS_pwrite64, fd, "x", 1, HUGE_SIZE);
	report(p, "pwrite(own dataspace, offset 1 GiB)", r, errno);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	probe_foreign_fds(&p);
	probe_shared(&p);
	probe_private(&p);
	probe_own_dataspace(&p);
	probe_finish(&p);
}
