/*
 * \brief  RM session: region maps, address spaces composed of dataspaces
 *
 * A region map is a range of a given size into which dataspaces are
 * attached at offsets. It can itself be attached like a dataspace (a managed
 * dataspace): the component runtime maps each region at its place inside one
 * reserved range. Core signals the region map's sigh context whenever its
 * layout changes, and attachers re-read it (on Linux, core cannot change
 * another process's mappings itself).
 */
#ifndef NEST_SESSION_RM_H
#define NEST_SESSION_RM_H

#include <nest/rpc.h>

#define RM_CREATE(IN, OUT)  IN(u64, size) OUT(cap, region_map)
#define RM_DESTROY(IN, OUT) IN(cap, region_map)

#define RM_INTERFACE(RPC) RPC(rm, create, RM_CREATE) RPC(rm, destroy, RM_DESTROY)

NEST_RPC_INTERFACE(rm, RM_INTERFACE)

enum { NEST_RM_ANYWHERE = ~0u };

/* attach: at NEST_RM_ANYWHERE picks the first free place; size 0 means the
 * dataspace's size from offset on */
#define REGION_MAP_ATTACH(IN, OUT) IN(cap, dataspace) IN(u64, at) IN(u64, offset) \
                                   IN(u64, size) IN(u32, writable) OUT(u64, attached_at)
#define REGION_MAP_DETACH(IN, OUT) IN(u64, at)
#define REGION_MAP_REGION(IN, OUT) IN(u32, index) OUT(cap, dataspace) OUT(u64, at) \
                                   OUT(u64, offset) OUT(u64, size) OUT(u32, writable)
#define REGION_MAP_SIZE(IN, OUT)   OUT(u64, size)
#define REGION_MAP_SIGH(IN, OUT)   IN(cap, context)

#define REGION_MAP_INTERFACE(RPC) \
	RPC(region_map, attach, REGION_MAP_ATTACH) RPC(region_map, detach, REGION_MAP_DETACH) \
	RPC(region_map, region, REGION_MAP_REGION) RPC(region_map, size, REGION_MAP_SIZE) \
	RPC(region_map, sigh, REGION_MAP_SIGH)

NEST_RPC_INTERFACE(region_map, REGION_MAP_INTERFACE)

#endif
