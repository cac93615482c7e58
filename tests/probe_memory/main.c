/*
 * \brief  Sandbox probe: can a component get memory its PD did not grant?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly (libc and syscall(2)) instead of going through the platform
 * layer. Each attempt states how the sandbox refuses it (see
 * ../probe_common.h). Memory comes only from RAM dataspaces (memfds core
 * sized and sealed against growing); shared memory the component could
 * make itself is refused by the filter, private memory is bounded by
 * RLIMIT_DATA (the binary's data and bss and a little more, charged to the
 * RAM quota) and address space by RLIMIT_AS. A dataspace cannot
 * grow, with or without the sandbox (core's seals), and the filter keeps
 * its holder from shrinking or sealing it, which would fault the mappings
 * of everyone else who holds it or keep core from taking its memory back.
 *
 * Not tried, because the kernel refuses them, sandbox or not: mapping
 * descriptors the component does not hold, or holds but are no dataspaces
 * (sockets, pipes); a grows-down mapping of a dataspace (the anonymous one
 * is tried); an anonymous MAP_SHARED_VALIDATE mapping (MAP_SHARED is).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <nest/env.h>
#include "../probe_common.h"

enum {
	PAGE      = 4096,
	LARGE     = 64 << 20,       /* well above RLIMIT_DATA */
	DS_SIZE   = 4096,
};
#define HUGE_SIZE  (1LL << 30)
#define SPAN_SIZE  (16ULL << 30)      /* 4 x RLIMIT_AS: 8192 page tables to fill */
#define SPAN_STEP  (2ULL << 20)       /* what one page-table page covers */

/* mmap's result as a verdict's result; unmaps what it got */
static long mapped(void *addr, size_t size)
{
	if (addr == MAP_FAILED)
		return -1;
	munmap(addr, size);
	return 0;
}

/* shared memory made without core: not charged to any quota */
static void probe_shared(struct probe *p)
{
	void *addr;
	long id, r;

	r = syscall(SYS_memfd_create, "probe", 0);
	expect_refused_fd(p, "memfd_create", r, errno, BY_FILTER);
	addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	expect_refused(p, "mmap(MAP_SHARED|MAP_ANONYMOUS)", mapped(addr, PAGE), errno, BY_FILTER);
	id = syscall(SYS_shmget, IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
	expect_refused(p, "shmget(IPC_PRIVATE, 4096)", id, errno, BY_FILTER);
	r = syscall(SYS_shmat, id >= 0 ? id : 0, NULL, 0);
	expect_refused(p, "shmat", r, errno, BY_FILTER);
	/* without the sandbox, the segment would outlive the probe */
	if (r >= 0)
		syscall(SYS_shmdt, r);
	if (id >= 0)
		syscall(SYS_shmctl, id, IPC_RMID, NULL);
}

/* private memory beyond RLIMIT_DATA, by every road to it */
static void probe_private(struct probe *p)
{
	void *addr;
	long r;

	addr = mmap(NULL, LARGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_refused(p, "mmap(MAP_PRIVATE|MAP_ANONYMOUS, 64 MiB)", mapped(addr, LARGE), errno,
	               BY_DATA_LIMIT);

	/* address space alone is not data; making it writable is */
	addr = mmap(NULL, LARGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED) {
		nest_log(p->env, "probe: 64 MiB PROT_NONE mapping: broken (%s)", error_name(errno));
		p->wrong++;     /* the probe cannot judge what it cannot try */
	} else {
		r = mprotect(addr, LARGE, PROT_READ | PROT_WRITE);
		expect_refused(p, "mprotect(64 MiB PROT_NONE mapping, PROT_READ|PROT_WRITE)", r,
		               errno, BY_DATA_LIMIT);
		munmap(addr, LARGE);
	}

	/* a stack mapping is not counted as data; touch it to prove it is memory */
	addr = mmap(NULL, LARGE, PROT_READ | PROT_WRITE,
	            MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (addr != MAP_FAILED)
		memset(addr, 0x5a, LARGE);
	expect_refused(p, "mmap(MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN, 64 MiB) and write it",
	               mapped(addr, LARGE), errno, BY_FILTER);

	addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED) {
		nest_log(p->env, "probe: 4 KiB private mapping: broken (%s)", error_name(errno));
		p->wrong++;
	} else {
		void *grown = (void *)syscall(SYS_mremap, addr, PAGE, LARGE, MREMAP_MAYMOVE);
		expect_refused(p, "mremap(4 KiB private mapping, 64 MiB)", mapped(grown, LARGE),
		               errno, BY_FILTER);
		if (grown == MAP_FAILED)
			munmap(addr, PAGE);
	}

	/* reading a never-written page maps the zero page, but every 2 MiB
	 * touched costs a page-table page of kernel memory (32 MiB in all) */
	addr = mmap(NULL, SPAN_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	            -1, 0);
	if (addr != MAP_FAILED) {
		volatile const char *span = addr;
		for (unsigned long long off = 0; off < SPAN_SIZE; off += SPAN_STEP)
			(void)span[off];
	}
	expect_refused(p, "mmap(PROT_READ, 16 GiB) and read one byte per 2 MiB (page tables)",
	               mapped(addr, SPAN_SIZE), errno, BY_ADDRESS_SPACE_LIMIT);

	addr = sbrk(LARGE);
	expect_refused(p, "sbrk(64 MiB)", addr == (void *)-1 ? -1 : 0, errno, BY_DATA_LIMIT);
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
		p->wrong++;     /* the probe cannot judge what it cannot try */
		return;
	}
	memset(addr, 0x5a, DS_SIZE);
	nest_log(p->env, "probe: own dataspace: usable as intended");
	fd = nest_cap_handle(ds);

	/* growing it: the filter or a limit refuses, and the seals in any case */
	r = syscall(SYS_ftruncate, fd, HUGE_SIZE);
	expect_refused_always(p, "ftruncate(own dataspace, 1 GiB)", r, errno, BY_FILTER, BY_SEALS);
	r = syscall(SYS_fallocate, fd, 0, 0, HUGE_SIZE);
	expect_refused_always(p, "fallocate(own dataspace, 1 GiB)", r, errno, BY_FILTER, BY_SEALS);
	/* RLIMIT_FSIZE is 0, so the write raises SIGXFSZ: fatal unless the
	 * component happens to be PID 1 of its namespace */
	signal(SIGXFSZ, SIG_IGN);
	r = syscall(SYS_lseek, fd, HUGE_SIZE, SEEK_SET);
	if (r >= 0)
		r = syscall(SYS_write, fd, "x", 1);
	expect_refused_always(p, "lseek(own dataspace, 1 GiB) and write", r, errno,
	                      BY_FILE_SIZE_LIMIT, BY_SEALS);
	r = syscall(SYS_pwrite64, fd, "x", 1, HUGE_SIZE);
	expect_refused_always(p, "pwrite(own dataspace, offset 1 GiB)", r, errno, BY_FILTER,
	                      BY_SEALS);

	/* shrinking it would fault everyone else who maps it (the probe touches
	 * its mapping no more); sealing it against shrinking would keep core
	 * from taking its memory back when it is freed */
	r = syscall(SYS_ftruncate, fd, 0);
	expect_refused(p, "ftruncate(own dataspace, 0)", r, errno, BY_FILTER);
	r = syscall(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_SHRINK);
	expect_refused(p, "fcntl(own dataspace, F_ADD_SEALS, F_SEAL_SHRINK)", r, errno, BY_FILTER);
}

void component_construct(struct nest_env *env)
{
	static struct probe p;

	p.env = env;
	probe_shared(&p);
	probe_private(&p);
	probe_own_dataspace(&p);
	probe_finish(&p);
}
