/*
 * \brief  CPU session: the threads of a component
 *
 * A component registers each of its threads with core, which charges a
 * capability per thread to the session and can name them in diagnostics.
 */
#ifndef NEST_SESSION_CPU_H
#define NEST_SESSION_CPU_H

#include <nest/rpc.h>

#define CPU_CREATE_THREAD(IN, OUT) IN(str, name) OUT(u32, thread)
#define CPU_KILL_THREAD(IN, OUT)   IN(u32, thread)
#define CPU_THREAD_NAME(IN, OUT)   IN(u32, thread) OUT(bytes, name)
#define CPU_THREAD_COUNT(IN, OUT)  OUT(u32, count)

#define CPU_INTERFACE(RPC) \
	RPC(cpu, create_thread, CPU_CREATE_THREAD) RPC(cpu, kill_thread, CPU_KILL_THREAD) \
	RPC(cpu, thread_name, CPU_THREAD_NAME) RPC(cpu, thread_count, CPU_THREAD_COUNT)

NEST_RPC_INTERFACE(cpu, CPU_INTERFACE)

#endif
