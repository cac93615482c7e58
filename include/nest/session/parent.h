/*
 * \brief  Parent interface: how a component reaches the world
 *
 * Every component holds exactly one capability at start that leads outside:
 * its parent. Sessions are requested by service name with arguments
 * (label, ram_quota, cap_quota); the parent extends the label, routes the
 * request by its policy, and transfers the donated quota to the server.
 */
#ifndef NEST_SESSION_PARENT_H
#define NEST_SESSION_PARENT_H

#include <nest/rpc.h>

#define PARENT_SESSION(IN, OUT)  IN(str, service) IN(str, args) OUT(cap, session)
#define PARENT_UPGRADE(IN, OUT)  IN(cap, session) IN(str, args)
#define PARENT_CLOSE(IN, OUT)    IN(cap, session)
/* more: further announcements follow at once; the parent serves requests
 * waiting for these services only after the last, when the server listens */
#define PARENT_ANNOUNCE(IN, OUT) IN(str, service) IN(cap, root) IN(u32, more)
#define PARENT_EXIT(IN, OUT)     IN(i32, code)
/* a child out of quota asks for more ("ram_quota=N, cap_quota=M"); the
 * parent answers by a signal to the resource_avail context once it gave */
#define PARENT_RESOURCE_REQUEST(IN, OUT) IN(str, args)
#define PARENT_RESOURCE_AVAIL_SIGH(IN, OUT) IN(cap, context)
/* the parent wants quota back: it signals the yield context, the child
 * reads how much with yield_request, frees it, and says so */
#define PARENT_YIELD_SIGH(IN, OUT)       IN(cap, context)
#define PARENT_YIELD_REQUEST(IN, OUT)    OUT(u64, ram_quota) OUT(u64, cap_quota)
#define PARENT_YIELD_RESPONSE(IN, OUT)
/* the parent pings the heartbeat context; a child whose entrypoint still
 * dispatches answers with heartbeat_response (the runtime does it) */
#define PARENT_HEARTBEAT_SIGH(IN, OUT)   IN(cap, context)
#define PARENT_HEARTBEAT_RESPONSE(IN, OUT)

/* the operations under an interface name of the server's choice (as
 * ROOT_OPERATIONS in nest/session/root.h), for a program that serves the
 * parent interface beside another server of it: the init fuzz target
 * plays core below init */
#define PARENT_OPERATIONS(RPC, iface) \
	RPC(iface, session, PARENT_SESSION) RPC(iface, upgrade, PARENT_UPGRADE) \
	RPC(iface, close, PARENT_CLOSE) RPC(iface, announce, PARENT_ANNOUNCE) \
	RPC(iface, exit, PARENT_EXIT) RPC(iface, resource_request, PARENT_RESOURCE_REQUEST) \
	RPC(iface, resource_avail_sigh, PARENT_RESOURCE_AVAIL_SIGH) \
	RPC(iface, yield_sigh, PARENT_YIELD_SIGH) RPC(iface, yield_request, PARENT_YIELD_REQUEST) \
	RPC(iface, yield_response, PARENT_YIELD_RESPONSE) \
	RPC(iface, heartbeat_sigh, PARENT_HEARTBEAT_SIGH) \
	RPC(iface, heartbeat_response, PARENT_HEARTBEAT_RESPONSE)

#define PARENT_INTERFACE(RPC) PARENT_OPERATIONS(RPC, parent)

NEST_RPC_INTERFACE(parent, PARENT_INTERFACE)

#endif
