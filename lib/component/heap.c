/*
 * \brief  The component heap: malloc and friends over RAM dataspaces
 *
 * Every byte a component allocates comes from a dataspace of its own PD,
 * charged to its RAM quota by core. When the quota is exhausted, malloc
 * returns NULL; the component never gets memory its parent did not grant.
 * A lock makes it safe for the component's threads.
 * Small blocks come from size classes (powers of two and the halfway steps
 * between them, so a block wastes at most a third) carved out of 256 KiB
 * chunks; blocks
 * larger than the largest class get a dataspace of their own, returned to
 * core on free. Components are single-threaded, so no locking is needed.
 *
 * In the sanitized build (build/san), AddressSanitizer sees exactly the
 * bytes that were asked for: headers, the unused tail of a block, a freed
 * block and the unused part of a chunk are poisoned, so reaching into them
 * is reported. The allocator itself reads headers and free lists inside
 * poisoned memory, so its functions are not instrumented (ALLOCATOR). Before
 * main, the ASan runtime calls malloc (through the loader) while its shadow
 * memory does not exist yet: until the PD is known, nothing is poisoned and
 * nothing locked.
 * Elsewhere the annotations compile to nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include <nest/env.h>
#include <nest/lock.h>
#include <nest/platform.h>
#include <nest/session/pd.h>

enum {
	HEADER      = 16,
	CLASSES     = 23,                /* 32, 48, 64, 96, ... 64 KiB */
	MAX_SMALL   = 64 * 1024,
	CHUNK_SIZE  = 256 * 1024,
	BOOT_SIZE   = 32 * 1024,         /* before the PD session is known */
	MAGIC_SMALL = 0x4e455354,        /* "NEST" */
	MAGIC_LARGE = 0x4c415247,        /* "LARG" */
	MAGIC_ALIGN = 0x414c4e47,        /* "ALNG": points back to the real block */
};

struct block {                           /* precedes every allocation */
	uint32_t magic;
	uint32_t class_or_slot;          /* size class, or capability slot of a large block */
	uint64_t size;                   /* usable size; offset back for MAGIC_ALIGN */
};

struct free_block { struct free_block *next; };

struct heap {
	struct pd_client *pd;
	struct free_block  *free[CLASSES];
	unsigned char      *chunk_pos, *chunk_end;
	unsigned char       boot[BOOT_SIZE] __attribute__((aligned(16)));
	int                 boot_used;
	struct nest_lock    lock;
};

static struct heap heap = { .lock = NEST_LOCK_INIT };

#define ALLOCATOR __attribute__((no_sanitize_address))

/* for ASan: of usable bytes at ptr, only the first size may be used */
ALLOCATOR static void mark_used(void *ptr, size_t size, size_t usable)
{
	if (!heap.pd)
		return;
	ASAN_POISON_MEMORY_REGION(ptr, usable);
	ASAN_UNPOISON_MEMORY_REGION(ptr, size);
}

ALLOCATOR static void mark_unused(void *ptr, size_t size)
{
	if (heap.pd)
		ASAN_POISON_MEMORY_REGION(ptr, size);
}

/* before main (where the PD becomes known) there is one thread */
ALLOCATOR static void heap_lock(void)
{
	if (heap.pd)
		nest_lock_acquire(&heap.lock);
}

ALLOCATOR static void heap_unlock(void)
{
	if (heap.pd)
		nest_lock_release(&heap.lock);
}

ALLOCATOR void nest_heap_init(struct pd_client *pd)
{
	heap.pd = pd;
	mark_unused(heap.chunk_pos, (size_t)(heap.chunk_end - heap.chunk_pos));   /* boot chunk */
}

ALLOCATOR static enum nest_error map_dataspace(size_t size, struct nest_cap *ds, void **addr)
{
	enum nest_error err;
	if (!heap.pd)
		return NEST_ERR_OUT_OF_RAM;
	err = pd_alloc_ram(heap.pd, size, ds);
	if (err)
		return err;
	err = plat_map(nest_cap_handle(*ds), size, 0, true, false, addr);
	if (err) {
		pd_free_ram(heap.pd, *ds);
		nest_cap_release(ds);
	}
	return err;
}

/* bytes of a block of class c, header included */
ALLOCATOR static size_t class_bytes(int c)
{
	size_t power = (size_t)32 << (c / 2);
	return c % 2 ? power + power / 2 : power;
}

/* the smallest class that fits size, CLASSES if none does */
ALLOCATOR static int size_class(size_t size)
{
	int c = 0;
	if (size > MAX_SMALL - HEADER)
		return CLASSES;
	while (class_bytes(c) < size + HEADER)
		c++;
	return c;
}

ALLOCATOR static void *refill(size_t bytes)
{
	if (!heap.boot_used && bytes <= BOOT_SIZE && !heap.pd) {
		heap.boot_used = 1;
		heap.chunk_pos = heap.boot;
		heap.chunk_end = heap.boot + BOOT_SIZE;
	} else {
		/* near the end of the quota, a chunk just big enough will do */
		size_t page = plat_page_size(), size = CHUNK_SIZE;
		struct nest_cap ds;
		void *addr;
		while (map_dataspace(size, &ds, &addr)) {
			if (size == (bytes + page - 1) / page * page)
				return NULL;
			size = size / 2 >= bytes ? size / 2 : (bytes + page - 1) / page * page;
		}
		nest_cap_release(&ds);   /* chunks stay for the component's lifetime */
		heap.chunk_pos = addr;
		heap.chunk_end = (unsigned char *)addr + size;
		mark_unused(addr, size);
	}
	return heap.chunk_pos;
}

ALLOCATOR static void *alloc_small(int c)
{
	size_t bytes = class_bytes(c);
	struct free_block *f = heap.free[c];
	struct block *b;

	if (f) {
		heap.free[c] = f->next;
		b = (struct block *)f;
	} else {
		if ((size_t)(heap.chunk_end - heap.chunk_pos) < bytes && !refill(bytes))
			return NULL;
		b = (struct block *)heap.chunk_pos;
		heap.chunk_pos += bytes;
	}
	b->magic         = MAGIC_SMALL;
	b->class_or_slot = (uint32_t)c;
	b->size          = bytes - HEADER;
	return (unsigned char *)b + HEADER;
}

ALLOCATOR static void *alloc_large(size_t size)
{
	size_t page = plat_page_size();
	size_t bytes = (size + HEADER + page - 1) / page * page;
	struct nest_cap ds;
	struct block *b;

	if (size > SIZE_MAX / 2 || map_dataspace(bytes, &ds, (void **)&b))
		return NULL;
	mark_unused(b, bytes);
	b->magic         = MAGIC_LARGE;
	b->class_or_slot = (uint32_t)ds.slot;
	b->size          = bytes - HEADER;
	return (unsigned char *)b + HEADER;
}

ALLOCATOR static struct block *block_of(void *ptr)
{
	struct block *b = (struct block *)((unsigned char *)ptr - HEADER);
	if (b->magic == MAGIC_ALIGN)
		b = (struct block *)((unsigned char *)b - b->size);
	return b;
}

/* malloc, calloc and realloc call this, not malloc: the compiler would turn
 * malloc followed by memset into a call of calloc, which would recurse */
ALLOCATOR static void *heap_alloc(size_t size)
{
	int c = size_class(size);
	void *ptr = c < CLASSES ? alloc_small(c) : alloc_large(size);
	if (!ptr)
		errno = ENOMEM;
	else
		mark_used(ptr, size, ((struct block *)ptr - 1)->size);
	return ptr;
}

ALLOCATOR static void *heap_alloc_locked(size_t size)
{
	void *ptr;
	heap_lock();
	ptr = heap_alloc(size);
	heap_unlock();
	return ptr;
}

ALLOCATOR void *malloc(size_t size)
{
	return heap_alloc_locked(size);
}

ALLOCATOR static void heap_free(void *ptr)
{
	struct block *b;
	if (!ptr)
		return;
	b = block_of(ptr);
	if (b->magic == MAGIC_SMALL) {
		struct free_block *f = (struct free_block *)b;
		int c = (int)b->class_or_slot;
		mark_unused(b + 1, b->size);
		f->next = heap.free[c];
		heap.free[c] = f;
	} else if (b->magic == MAGIC_LARGE) {
		struct nest_cap ds = { (int)b->class_or_slot };
		size_t bytes = b->size + HEADER;
		ASAN_UNPOISON_MEMORY_REGION(b, bytes);   /* the range may be mapped anew */
		plat_unmap(b, bytes);
		pd_free_ram(heap.pd, ds);
		nest_cap_release(&ds);
	}
}

ALLOCATOR void free(void *ptr)
{
	heap_lock();
	heap_free(ptr);
	heap_unlock();
}

ALLOCATOR void *calloc(size_t count, size_t size)
{
	void *ptr;
	if (size && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	ptr = heap_alloc_locked(count * size);
	if (ptr)
		memset(ptr, 0, count * size);   /* recycled small blocks are not zeroed */
	return ptr;
}

ALLOCATOR size_t malloc_usable_size(void *ptr)
{
	struct block *b;
	if (!ptr)
		return 0;
	b = (struct block *)((unsigned char *)ptr - HEADER);
	if (b->magic == MAGIC_ALIGN)
		return block_of(ptr)->size - b->size;
	return b->size;
}

ALLOCATOR void *realloc(void *ptr, size_t size)
{
	size_t old;
	void *fresh;
	if (!ptr)
		return heap_alloc_locked(size);
	if (!size) {
		free(ptr);
		return NULL;
	}
	old = malloc_usable_size(ptr);
	if (size <= old) {
		mark_used(ptr, size, old);
		return ptr;
	}
	fresh = heap_alloc_locked(size);
	if (fresh) {
		ASAN_UNPOISON_MEMORY_REGION(ptr, old);   /* only freed after the copy */
		memcpy(fresh, ptr, old);
		free(ptr);
	}
	return fresh;
}

/* the C library's strdup would do, but in the sanitized build ASan's runtime
 * replaces it with one that allocates from ASan's own heap */
ALLOCATOR char *strdup(const char *text)
{
	size_t size = strlen(text) + 1;
	char *copy = heap_alloc_locked(size);
	if (copy)
		memcpy(copy, text, size);
	return copy;
}

ALLOCATOR int posix_memalign(void **out, size_t align, size_t size)
{
	unsigned char *raw, *user;
	struct block *marker;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	if (align <= HEADER) {
		*out = heap_alloc_locked(size);
		return *out ? 0 : ENOMEM;
	}
	if (size > SIZE_MAX - align - HEADER)
		return ENOMEM;
	raw = heap_alloc_locked(size + align + HEADER);
	if (!raw)
		return ENOMEM;
	user = (unsigned char *)(((uintptr_t)raw + HEADER + align - 1) & ~(uintptr_t)(align - 1));
	marker = (struct block *)(user - HEADER);
	marker->magic = MAGIC_ALIGN;
	marker->size  = (uint64_t)((unsigned char *)marker - (raw - HEADER));
	mark_used(raw, 0, size + align + HEADER);
	mark_used(user, size, size);
	*out = user;
	return 0;
}

ALLOCATOR void *aligned_alloc(size_t align, size_t size)
{
	void *ptr = NULL;
	return posix_memalign(&ptr, align, size) ? NULL : ptr;
}

ALLOCATOR void *memalign(size_t align, size_t size)
{
	return aligned_alloc(align, size);
}

ALLOCATOR void *valloc(size_t size)
{
	return aligned_alloc(plat_page_size(), size);
}

ALLOCATOR void *pvalloc(size_t size)
{
	size_t page = plat_page_size();
	return aligned_alloc(page, (size + page - 1) / page * page);
}
