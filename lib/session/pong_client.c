/*
 * \brief  Client stub of the Pong session
 */
#include <nest/session/pong.h>

NEST_RPC_CLIENT(pong, PONG_INTERFACE)
