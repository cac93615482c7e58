/*
 * \brief  Root interface: a server's factory of sessions
 *
 * A server announces one root per service to its parent. The parent calls
 * session() with the client's (already prefixed) label and the quota it
 * transferred to the server, and close() when the client or its parent ends
 * the session.
 */
#ifndef NEST_SESSION_ROOT_H
#define NEST_SESSION_ROOT_H

#include <nest/rpc.h>

#define ROOT_SESSION(IN, OUT) IN(str, args) OUT(cap, session)
#define ROOT_UPGRADE(IN, OUT) IN(cap, session) IN(str, args)
#define ROOT_CLOSE(IN, OUT)   IN(cap, session)

/* the operations under an interface name of the server's choice: a server
 * of sessions that are not its own objects (init forwarding its parent's
 * requests to children) serves the same wire protocol under another name,
 * beside the generic root of nest/root.h */
#define ROOT_OPERATIONS(RPC, iface) \
	RPC(iface, session, ROOT_SESSION) RPC(iface, upgrade, ROOT_UPGRADE) \
	RPC(iface, close, ROOT_CLOSE)

#define ROOT_INTERFACE(RPC) ROOT_OPERATIONS(RPC, root)

NEST_RPC_INTERFACE(root, ROOT_INTERFACE)

#endif
