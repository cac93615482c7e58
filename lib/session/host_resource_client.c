/*
 * \brief  Client stubs of the host-resource sessions, generated from their declaration
 */
#include <nest/session/host_resource.h>

NEST_RPC_CLIENT(host_resource, HOST_RESOURCE_INTERFACE)
