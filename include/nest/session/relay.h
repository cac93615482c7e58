/*
 * \brief  Relay session: a third party that is handed a capability and uses it
 *
 * keep() takes a counter capability from the client; increment() invokes it.
 * The relay never had a route to the counter's server: the capability it
 * was handed is its only way there.
 */
#ifndef NEST_SESSION_RELAY_H
#define NEST_SESSION_RELAY_H

#include <nest/rpc.h>

#define RELAY_KEEP(IN, OUT)      IN(cap, counter)
#define RELAY_INCREMENT(IN, OUT) OUT(u32, value)

#define RELAY_INTERFACE(RPC) RPC(relay, keep, RELAY_KEEP) RPC(relay, increment, RELAY_INCREMENT)

NEST_RPC_INTERFACE(relay, RELAY_INTERFACE)

#endif
