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

#define ROOT_INTERFACE(RPC) \
	RPC(root, session, ROOT_SESSION) RPC(root, upgrade, ROOT_UPGRADE) RPC(root, close, ROOT_CLOSE)

NEST_RPC_INTERFACE(root, ROOT_INTERFACE)

#endif
