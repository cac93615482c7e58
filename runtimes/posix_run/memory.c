/*
 * \brief  The program's memory: its image, program break, anonymous mappings and stack
 *
 * Every byte the program can use is a dataspace: the ROM of its text, or
 * RAM of the component's PD, charged to its quota. Private anonymous
 * memory of the kernel (which RLIMIT_DATA holds to a few KiB) is never
 * handed to it. So the program's brk and mmap are served from two areas
 * made before it starts, their sizes from the config:
 *   - the program break: RAM mapped right after the image, brk moves
 *     within it (what it gives back is zeroed, so growing again gives zeros);
 *   - the pool: RAM mapped anywhere, whose pages anonymous mmap hands out
 *     (zeroed), munmap takes back, inaccessible while free.
 * The areas are the program's regions; the handler reads and writes the
 * program's buffers only within them, and mprotect and munmap act only
 * within them, never on the supervisor's memory. No memory of the program
 * becomes executable but what its ROM says is code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include "runtimes/posix_run/posix.h"

void posix_region_add(struct posix *p, uintptr_t start, uintptr_t end, bool writable)
{
	if (p->region_count < POSIX_REGIONS)
		p->regions[p->region_count++] = (struct posix_region){ start, end, writable };
}

static const struct posix_region *region_of(const struct posix *p, uintptr_t addr, size_t len)
{
	for (unsigned i = 0; i < p->region_count; i++) {
		const struct posix_region *r = &p->regions[i];
		if (addr >= r->start && addr < r->end && len <= r->end - addr)
			return r;
	}
	return NULL;
}

bool posix_region_holds(const struct posix *p, uintptr_t addr, size_t len, bool writable)
{
	const struct posix_region *r = region_of(p, addr, len);
	return r && (r->writable || !writable);
}

enum nest_error posix_ram_at(struct posix *p, uintptr_t addr, size_t size)
{
	struct nest_cap ds;
	enum nest_error err;

	if ((err = nest_env_alloc_ram(p->env, size, &ds)))
		return err;
	if ((err = plat_map_at(nest_cap_handle(ds), size, 0, true, false, (void *)addr))) {
		pd_free_ram(&p->env->pd, ds);
		nest_cap_release(&ds);
		return err;
	}
	nest_cap_release(&ds);               /* the mapping keeps it, for good */
	posix_region_add(p, addr, addr + size, true);
	return NEST_OK;
}

enum nest_error posix_memory_init(struct posix *p)
{
	struct nest_cap ds;
	void *pool = NULL;
	enum nest_error err;

	p->brk_start = p->brk_cur = p->image_end;
	p->brk_end   = p->image_end + p->heap_size;
	if ((err = posix_ram_at(p, p->brk_start, p->heap_size))) {
		nest_log(p->env, "posix_run: no program break of %zu KiB after the image: %s",
		         p->heap_size >> 10, nest_error_name(err));
		return err;
	}
	p->pool.pages = p->mmap_size / POSIX_PAGE;
	if ((err = nest_env_alloc_ram(p->env, p->mmap_size, &ds)) ||
	    (err = nest_env_attach(p->env, ds, p->mmap_size, true, &pool)) ||
	    !(p->pool.used = calloc(p->pool.pages, 1)) ||
	    mprotect(pool, p->mmap_size, PROT_NONE)) {
		nest_log(p->env, "posix_run: no pool of %zu KiB for anonymous mappings: %s",
		         p->mmap_size >> 10, nest_error_name(err ? err : NEST_ERR_OUT_OF_RAM));
		return err ? err : NEST_ERR_OUT_OF_RAM;
	}
	nest_cap_release(&ds);
	p->pool.start = (uintptr_t)pool;
	posix_region_add(p, p->pool.start, p->pool.start + p->mmap_size, true);
	return NEST_OK;
}

long posix_brk(struct posix *p, uintptr_t want)
{
	if (want < p->brk_start || want > p->brk_end)
		return (long)p->brk_cur;         /* a query, or beyond: the break stays */
	if (want < p->brk_cur)
		memset((void *)want, 0, p->brk_cur - want);
	p->brk_cur = want;
	return (long)want;
}

/* pages [first, first + count) of the pool, or false if the range is not within it */
static bool pool_pages(const struct posix *p, uintptr_t addr, size_t len, size_t *first,
                       size_t *count)
{
	uintptr_t end = p->pool.start + p->pool.pages * POSIX_PAGE;

	if (addr % POSIX_PAGE || !len || addr < p->pool.start || addr >= end ||
	    posix_page_up(len) > end - addr)
		return false;
	*first = (addr - p->pool.start) / POSIX_PAGE;
	*count = posix_page_up(len) / POSIX_PAGE;
	return true;
}

static bool pages_free(const struct posix *p, size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++)
		if (p->pool.used[i])
			return false;
	return true;
}

long posix_mmap(struct posix *p, uintptr_t addr, size_t len, int prot, int flags)
{
	size_t first = 0, count = 0;
	void *start;

	if (!len || len > p->pool.pages * POSIX_PAGE)
		return len ? -ENOMEM : -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE))
		return -EACCES;                  /* code comes from the ROM only */
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!pool_pages(p, addr, len, &first, &count))
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !pages_free(p, first, count))
			return -EEXIST;
	} else {
		count = posix_page_up(len) / POSIX_PAGE;
		for (first = 0; first + count <= p->pool.pages; first++)
			if (pages_free(p, first, count))
				break;
		if (first + count > p->pool.pages)
			return -ENOMEM;
	}
	start = (void *)(p->pool.start + first * POSIX_PAGE);
	if (mprotect(start, count * POSIX_PAGE, PROT_READ | PROT_WRITE))
		return -errno;
	memset(start, 0, count * POSIX_PAGE);
	if (prot != (PROT_READ | PROT_WRITE) && mprotect(start, count * POSIX_PAGE, prot))
		return -errno;
	memset(p->pool.used + first, 1, count);
	return (long)start;
}

bool posix_pool_holds(const struct posix *p, uintptr_t addr, size_t len)
{
	size_t first, count;
	return pool_pages(p, addr, len, &first, &count);
}

long posix_munmap(struct posix *p, uintptr_t addr, size_t len)
{
	size_t first, count;

	if (!pool_pages(p, addr, len, &first, &count))
		return -EINVAL;
	if (mprotect((void *)addr, count * POSIX_PAGE, PROT_NONE))
		return -errno;
	memset(p->pool.used + first, 0, count);
	return 0;
}

long posix_mprotect(struct posix *p, uintptr_t addr, size_t len, int prot)
{
	const struct posix_region *r = region_of(p, addr, len);

	if (!r || addr % POSIX_PAGE)
		return r ? -EINVAL : -ENOMEM;
	if ((prot & PROT_EXEC) && (r->writable || (prot & PROT_WRITE)))
		return -EACCES;                  /* code comes from the ROM only */
	return mprotect((void *)addr, len, prot) ? -errno : 0;
}
