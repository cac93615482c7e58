/*
 * \brief  PD session: a protection domain, its RAM and capability quota
 *
 * Core's PD session accounts everything a component owns. RAM dataspaces are
 * charged to the session's RAM quota and one capability each. Quota moves
 * between PDs only by transfer_quota, invoked by whoever holds both PD
 * capabilities (normally the parent). start() turns the PD into a running,
 * sandboxed process executing a ROM dataspace; stop() ends the process and
 * frees its RAM, so that its parent can take back every donation.
 */
#ifndef NEST_SESSION_PD_H
#define NEST_SESSION_PD_H

#include <nest/rpc.h>

enum nest_pd_state { NEST_PD_IDLE, NEST_PD_RUNNING, NEST_PD_EXITED, NEST_PD_FAULTED };

#define PD_ALLOC_RAM(IN, OUT)      IN(u64, size) OUT(cap, dataspace)
#define PD_FREE_RAM(IN, OUT)       IN(cap, dataspace)
/* what core vouches for about any dataspace it made, whoever handed it
 * over: its size, its kind (RAM, which its owner may free and so unmap
 * from everyone, or ROM) and whether it may be mapped writable */
enum nest_dataspace_kind { NEST_DATASPACE_RAM = 1, NEST_DATASPACE_ROM = 2 };
#define PD_DATASPACE_INFO(IN, OUT) IN(cap, dataspace) OUT(u64, size) OUT(u32, kind) \
                                   OUT(u32, writable)
/* make a RAM dataspace read-only for every holder, for good (a ROM that a
 * component serves); refused while the caller still has it mapped writable */
#define PD_SEAL_RAM(IN, OUT)       IN(cap, dataspace)
#define PD_TRANSFER_QUOTA(IN, OUT) IN(cap, to_pd) IN(u64, ram) IN(u64, caps)
/* two transfers in one call, both or neither: init pays a session's record
 * and its donation together, and gives both back together */
#define PD_TRANSFER_QUOTAS(IN, OUT) IN(cap, to_pd) IN(u64, ram) IN(u64, caps) \
                                    IN(cap, second_from) IN(cap, second_to) \
                                    IN(u64, second_ram) IN(u64, second_caps)
#define PD_QUOTA(IN, OUT)          OUT(u64, ram_quota) OUT(u64, ram_used) \
                                   OUT(u64, cap_quota) OUT(u64, cap_used)
/* the component made (or dissolved) capabilities of its own, RPC objects
 * and signal contexts: they count against its cap quota, as in Genode */
#define PD_ALLOC_CAPS(IN, OUT)     IN(u32, count)
#define PD_FREE_CAPS(IN, OUT)      IN(u32, count)
#define PD_START(IN, OUT)          IN(cap, binary) IN(cap, parent) IN(str, name)
#define PD_STOP(IN, OUT)
#define PD_EXIT_SIGH(IN, OUT)      IN(cap, context)
/* the descriptors the running process holds, and the kernel's limit on
 * them, which core derives from the cap quota (0 and 0: not running) */
#define PD_DESCRIPTORS(IN, OUT)    OUT(u32, open) OUT(u32, limit)
#define PD_EXIT_STATE(IN, OUT)     OUT(u32, state) OUT(i32, exit_code) OUT(u32, signal) \
                                   OUT(u64, fault_addr)

#define PD_INTERFACE(RPC) \
	RPC(pd, alloc_ram, PD_ALLOC_RAM) RPC(pd, free_ram, PD_FREE_RAM) \
	RPC(pd, dataspace_info, PD_DATASPACE_INFO) RPC(pd, seal_ram, PD_SEAL_RAM) \
	RPC(pd, transfer_quota, PD_TRANSFER_QUOTA) RPC(pd, quota, PD_QUOTA) \
	RPC(pd, alloc_caps, PD_ALLOC_CAPS) RPC(pd, free_caps, PD_FREE_CAPS) \
	RPC(pd, start, PD_START) RPC(pd, stop, PD_STOP) RPC(pd, exit_sigh, PD_EXIT_SIGH) \
	RPC(pd, exit_state, PD_EXIT_STATE) RPC(pd, descriptors, PD_DESCRIPTORS) \
	RPC(pd, transfer_quotas, PD_TRANSFER_QUOTAS)

NEST_RPC_INTERFACE(pd, PD_INTERFACE)

#endif
