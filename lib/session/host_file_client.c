/*
 * \brief  Client stubs of the Host_file session, generated from its declaration
 */
#include <nest/session/host_file.h>

NEST_RPC_CLIENT(host_file, HOST_FILE_INTERFACE)
