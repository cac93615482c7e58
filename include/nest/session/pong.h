/*
 * \brief  Pong session: exchanges signal contexts for the signal benchmark
 */
#ifndef NEST_SESSION_PONG_H
#define NEST_SESSION_PONG_H

#include <nest/rpc.h>

#define PONG_EXCHANGE(IN, OUT) IN(cap, ping) OUT(cap, pong)

#define PONG_INTERFACE(RPC) RPC(pong, exchange, PONG_EXCHANGE)

NEST_RPC_INTERFACE(pong, PONG_INTERFACE)

#endif
