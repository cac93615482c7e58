/*
 * \brief  Bench session: the null call measured by make bench
 */
#ifndef NEST_SESSION_BENCH_H
#define NEST_SESSION_BENCH_H

#include <nest/rpc.h>

#define BENCH_NULL(IN, OUT)

#define BENCH_INTERFACE(RPC) RPC(bench, null, BENCH_NULL)

NEST_RPC_INTERFACE(bench, BENCH_INTERFACE)

#endif
