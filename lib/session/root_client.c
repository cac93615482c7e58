/*
 * \brief  Client stubs of the ROOT session, generated from its declaration
 */
#include <nest/session/root.h>

NEST_RPC_CLIENT(root, ROOT_INTERFACE)
