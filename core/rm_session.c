/*
 * \brief  Core's RM service: region maps of dataspaces
 *
 * Core accepts only dataspaces it made itself (RAM of any PD, ROM modules)
 * into a region map, keeps its own reference to each, and hands them out
 * again to whoever holds the region map's capability. Regions never
 * overlap and never reach past the map's end, nor past their dataspace's
 * when attached (RAM freed later stays attached, truncated: it holds
 * nothing any more).
 */
#include <stdlib.h>
#include <nest/platform.h>
#include <nest/session/rm.h>
#include "core/core.h"

NEST_RPC_DISPATCH(rm, RM_INTERFACE)
NEST_RPC_DISPATCH(region_map, REGION_MAP_INTERFACE)

enum { MAX_REGIONS = 64, MAX_MAPS = 16 };

struct region {
	struct nest_cap dataspace;            /* core's own reference */
	uint64_t        at, offset, size;
	uint32_t        writable;
};

struct region_map_server {
	struct nest_rpc_object object;
	struct core    *core;
	uint64_t        size;
	struct region   regions[MAX_REGIONS];
	unsigned        count;
	struct nest_cap sigh;
};

struct rm_server {
	struct nest_rpc_object    object;
	struct core              *core;
	struct region_map_server *maps[MAX_MAPS];
};

static int overlaps(struct region_map_server *map, uint64_t at, uint64_t size)
{
	for (unsigned i = 0; i < map->count; i++)
		if (at < map->regions[i].at + map->regions[i].size && map->regions[i].at < at + size)
			return 1;
	return 0;
}

enum nest_error region_map_serve_attach(struct region_map_server *map, struct nest_cap ds,
                                        uint64_t at, uint64_t offset, uint64_t size,
                                        uint32_t writable, uint64_t *attached_at)
{
	uint64_t page = plat_page_size(), ds_size, ds_end;
	struct dataspace_facts facts;
	struct region *r;
	enum nest_error err;

	if ((err = core_dataspace_facts(map->core, ds, &facts)))
		return err;
	ds_size = facts.size;
	if (map->count == MAX_REGIONS)
		return NEST_ERR_OUT_OF_CAPS;
	/* a region maps whole pages of the dataspace, none past its end */
	ds_end = (ds_size + page - 1) / page * page;
	if (!size && offset < ds_end)
		size = ds_end - offset;
	if (!size || offset % page || offset >= ds_end || size > ds_end - offset ||
	    size > map->size)
		return NEST_ERR_INVALID_ARGS;
	size = (size + page - 1) / page * page;
	if (at == NEST_RM_ANYWHERE) {
		for (at = 0; at + size <= map->size && overlaps(map, at, size); at += page)
			;
	}
	if (at % page || at > map->size - size || overlaps(map, at, size))
		return NEST_ERR_INVALID_ARGS;
	r = &map->regions[map->count];
	if ((err = nest_cap_copy(ds, &r->dataspace)))
		return err;
	r->at = at;
	r->offset = offset;
	r->size = size;
	r->writable = writable && facts.writable;      /* else mapped read-only */
	map->count++;
	*attached_at = at;
	nest_signal_submit(map->sigh, 1);
	return NEST_OK;
}

enum nest_error region_map_serve_detach(struct region_map_server *map, uint64_t at)
{
	for (unsigned i = 0; i < map->count; i++) {
		if (map->regions[i].at != at)
			continue;
		nest_cap_release(&map->regions[i].dataspace);
		map->regions[i] = map->regions[--map->count];
		nest_signal_submit(map->sigh, 1);
		return NEST_OK;
	}
	return NEST_ERR_NOT_FOUND;
}

enum nest_error region_map_serve_region(struct region_map_server *map, uint32_t index,
                                        struct nest_cap *ds, uint64_t *at, uint64_t *offset,
                                        uint64_t *size, uint32_t *writable)
{
	struct region *r;
	if (index >= map->count)
		return NEST_ERR_NOT_FOUND;
	r = &map->regions[index];
	*ds = r->dataspace;
	*at = r->at;
	*offset = r->offset;
	*size = r->size;
	*writable = r->writable;
	return NEST_OK;
}

enum nest_error region_map_serve_size(struct region_map_server *map, uint64_t *size)
{
	*size = map->size;
	return NEST_OK;
}

enum nest_error region_map_serve_sigh(struct region_map_server *map, struct nest_cap context)
{
	return nest_cap_replace(&map->sigh, context);
}

static void map_destroy(struct region_map_server *map)
{
	while (map->count)
		nest_cap_release(&map->regions[--map->count].dataspace);
	nest_ep_dissolve(&map->object);
	nest_cap_release(&map->sigh);
	free(map);
}

enum nest_error rm_serve_create(struct rm_server *rm, uint64_t size, struct nest_cap *out)
{
	uint64_t page = plat_page_size();
	for (unsigned i = 0; i < MAX_MAPS; i++) {
		struct region_map_server *map;
		if (rm->maps[i])
			continue;
		if (!size || size > (1ull << 32) || size % page)
			return NEST_ERR_INVALID_ARGS;
		if (!(map = calloc(1, sizeof(*map))))
			return NEST_ERR_OUT_OF_RAM;
		map->core = rm->core;
		map->size = size;
		if (nest_ep_manage(&rm->core->ep, &map->object, region_map, map)) {
			free(map);
			return NEST_ERR_OUT_OF_CAPS;
		}
		rm->maps[i] = map;
		*out = map->object.cap;
		return NEST_OK;
	}
	return NEST_ERR_OUT_OF_CAPS;
}

enum nest_error rm_serve_destroy(struct rm_server *rm, struct nest_cap cap)
{
	struct nest_rpc_object *o = nest_ep_lookup(&rm->core->ep, cap);
	for (unsigned i = 0; o && i < MAX_MAPS; i++)
		if (rm->maps[i] && &rm->maps[i]->object == o) {
			map_destroy(rm->maps[i]);
			rm->maps[i] = NULL;
			return NEST_OK;
		}
	return NEST_ERR_INVALID_CAP;
}

enum nest_error rm_session_create(struct core *core, const char *label, void **server,
                                  struct nest_rpc_object **object)
{
	struct rm_server *rm = calloc(1, sizeof(*rm));
	(void)label;
	if (!rm)
		return NEST_ERR_OUT_OF_RAM;
	rm->core = core;
	if (nest_ep_manage(&core->ep, &rm->object, rm, rm)) {
		free(rm);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*server = rm;
	*object = &rm->object;
	return NEST_OK;
}

void rm_session_destroy(void *server)
{
	struct rm_server *rm = server;
	for (unsigned i = 0; i < MAX_MAPS; i++)
		if (rm->maps[i])
			map_destroy(rm->maps[i]);
	nest_ep_dissolve(&rm->object);
	free(rm);
}
