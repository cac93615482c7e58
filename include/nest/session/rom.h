/*
 * \brief  ROM session: a read-only dataspace, possibly updated over time
 *
 * The dataspace is sealed: no holder can write it or change its size. A
 * client that registered a signal context with sigh() is signalled when a
 * new version is available and fetches it with update() and dataspace().
 */
#ifndef NEST_SESSION_ROM_H
#define NEST_SESSION_ROM_H

#include <nest/rpc.h>

#define ROM_DATASPACE(IN, OUT) OUT(cap, dataspace) OUT(u64, size)
#define ROM_UPDATE(IN, OUT)    OUT(u32, changed)
#define ROM_SIGH(IN, OUT)      IN(cap, context)

#define ROM_INTERFACE(RPC) \
	RPC(rom, dataspace, ROM_DATASPACE) RPC(rom, update, ROM_UPDATE) RPC(rom, sigh, ROM_SIGH)

NEST_RPC_INTERFACE(rom, ROM_INTERFACE)

#endif
