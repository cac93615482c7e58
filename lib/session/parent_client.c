/*
 * \brief  Client stubs of the PARENT session, generated from its declaration
 */
#include <nest/session/parent.h>

NEST_RPC_CLIENT(parent, PARENT_INTERFACE)
