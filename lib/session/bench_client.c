/*
 * \brief  Client stub of the Bench session
 */
#include <nest/session/bench.h>

NEST_RPC_CLIENT(bench, BENCH_INTERFACE)
