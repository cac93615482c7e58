/*
 * \brief  Host_file session: a host file or block device that core's policy
 *         gives the session's label
 *
 * Core opens the file its config names for the label (read-only unless the
 * policy says writeable="yes"); the client never names a path. info() tells
 * the size and whether it may be written. The handle itself comes with
 * nest_host_handle_take (nest/host_handle.h), into the caller's process.
 */
#ifndef NEST_SESSION_HOST_FILE_H
#define NEST_SESSION_HOST_FILE_H

#include <nest/rpc.h>

#define HOST_FILE_INFO(IN, OUT) OUT(u64, size) OUT(u32, writeable)

#define HOST_FILE_INTERFACE(RPC) RPC(host_file, info, HOST_FILE_INFO)

NEST_RPC_INTERFACE(host_file, HOST_FILE_INTERFACE)

#endif
