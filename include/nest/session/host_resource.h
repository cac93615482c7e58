/*
 * \brief  Host-resource sessions: the one host file, block device, terminal,
 *         TAP device or X display that core's policy gives the session's label
 *
 * One session per kind of resource, each its own service at core
 * (Host_file, Host_terminal, Host_tap, Host_x11; core/host_session.c), all
 * with this interface. Core opens or makes the resource its config names for
 * the label; the client never names a path or device. info() tells its size
 * (a file's or block device's; 0 otherwise) and whether it may be written.
 * The handle itself comes with nest_host_handle_take (nest/host_handle.h),
 * into the caller's process.
 */
#ifndef NEST_SESSION_HOST_RESOURCE_H
#define NEST_SESSION_HOST_RESOURCE_H

#include <nest/rpc.h>

#define HOST_RESOURCE_INFO(IN, OUT) OUT(u64, size) OUT(u32, writeable)

#define HOST_RESOURCE_INTERFACE(RPC) RPC(host_resource, info, HOST_RESOURCE_INFO)

NEST_RPC_INTERFACE(host_resource, HOST_RESOURCE_INTERFACE)

#endif
