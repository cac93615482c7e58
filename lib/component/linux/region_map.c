/*
 * \brief  Attaching a region map (a managed dataspace) on Linux
 *
 * Core cannot map into another process, so the component does it: it
 * reserves the region map's size as one inaccessible range and maps each
 * region's dataspace at its place inside. Holes stay inaccessible. After
 * core signals a change of the layout, nest_region_map_sync maps it anew.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <nest/env.h>
#include <nest/session/rm.h>

static enum nest_error map_regions(struct region_map_client *map, unsigned char *base)
{
	for (uint32_t i = 0;; i++) {
		struct nest_cap ds;
		uint64_t at, offset, size;
		uint32_t writable;
		void *mapped;
		enum nest_error err = region_map_region(map, i, &ds, &at, &offset, &size, &writable);
		if (err == NEST_ERR_NOT_FOUND)
			return NEST_OK;
		if (err)
			return err;
		mapped = mmap(base + at, size, PROT_READ | (writable ? PROT_WRITE : 0),
		              MAP_SHARED | MAP_FIXED, nest_cap_handle(ds), (off_t)offset);
		nest_cap_release(&ds);
		if (mapped == MAP_FAILED)
			return NEST_ERR_INVALID_CAP;
	}
}

enum nest_error nest_region_map_attach(struct region_map_client *map, void **addr, size_t *size)
{
	uint64_t bytes;
	unsigned char *base;
	enum nest_error err = region_map_size(map, &bytes);

	if (err)
		return err;
	base = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NEST_ERR_OUT_OF_RAM;
	err = map_regions(map, base);
	if (err) {
		munmap(base, bytes);
		return err;
	}
	*addr = base;
	*size = bytes;
	return NEST_OK;
}

enum nest_error nest_region_map_sync(struct region_map_client *map, void *addr, size_t size)
{
	/* back to an inaccessible reservation, then the current layout */
	if (mmap(addr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
	         -1, 0) == MAP_FAILED)
		return NEST_ERR_OUT_OF_RAM;
	return map_regions(map, addr);
}

void nest_region_map_detach(void *addr, size_t size)
{
	munmap(addr, size);
}
