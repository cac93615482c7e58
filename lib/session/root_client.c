/*
 * \brief  Client stubs of the ROOT session, generated from its declaration
 *
 * Also asynchronous: a parent never waits for a server's root, which may be
 * slow or may itself be waiting for the parent.
 */
#include <nest/entrypoint.h>
#include <nest/session/root.h>

NEST_RPC_CLIENT(root, ROOT_INTERFACE)
NEST_RPC_ASYNC(root, ROOT_INTERFACE)
