/*
 * \brief  Client stubs of the Timer session, generated from its declaration
 */
#include <nest/session/timer.h>

NEST_RPC_CLIENT(timer, TIMER_INTERFACE)
