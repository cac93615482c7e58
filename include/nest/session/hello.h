/*
 * \brief  Hello session: the example service of the default scenario
 *
 * make_counter() hands back a capability to a fresh RPC object with its own
 * interface, showing capability delegation from server to client.
 */
#ifndef NEST_SESSION_HELLO_H
#define NEST_SESSION_HELLO_H

#include <nest/rpc.h>

#define HELLO_ADD(IN, OUT)          IN(i32, a) IN(i32, b) OUT(i32, sum)
#define HELLO_SAY(IN, OUT)          IN(str, text)
#define HELLO_MAKE_COUNTER(IN, OUT) IN(u32, start) OUT(cap, counter)

#define HELLO_INTERFACE(RPC) \
	RPC(hello, add, HELLO_ADD) RPC(hello, say, HELLO_SAY) \
	RPC(hello, make_counter, HELLO_MAKE_COUNTER)

NEST_RPC_INTERFACE(hello, HELLO_INTERFACE)

#define COUNTER_INCREMENT(IN, OUT)  OUT(u32, value)

#define COUNTER_INTERFACE(RPC) RPC(counter, increment, COUNTER_INCREMENT)

NEST_RPC_INTERFACE(counter, COUNTER_INTERFACE)

#endif
