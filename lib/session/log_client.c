/*
 * \brief  Client stubs of the LOG session, generated from its declaration
 */
#include <nest/session/log.h>

NEST_RPC_CLIENT(log, LOG_INTERFACE)
