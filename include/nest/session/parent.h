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
#define PARENT_RESOURCE_REQUEST(IN, OUT) IN(str, args)

#define PARENT_INTERFACE(RPC) \
	RPC(parent, session, PARENT_SESSION) RPC(parent, upgrade, PARENT_UPGRADE) \
	RPC(parent, close, PARENT_CLOSE) RPC(parent, announce, PARENT_ANNOUNCE) \
	RPC(parent, exit, PARENT_EXIT) RPC(parent, resource_request, PARENT_RESOURCE_REQUEST)

NEST_RPC_INTERFACE(parent, PARENT_INTERFACE)

#endif
