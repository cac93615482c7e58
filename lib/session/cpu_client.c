/*
 * \brief  Client stubs of the CPU session, generated from its declaration
 */
#include <nest/session/cpu.h>

NEST_RPC_CLIENT(cpu, CPU_INTERFACE)
