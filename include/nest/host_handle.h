/*
 * \brief  Host handles: the one host file, block device or terminal that a
 *         host-resource session at core stands for
 *
 * A component takes the handle of a session it holds (a capability: holding
 * the session is the authority); core installs it at one of the component's
 * host handle numbers, where it stays for the life of the process. Reading
 * and writing at an offset and flushing need the driver profile of core's
 * policy; other components may only use read and write of the strict one.
 */
#ifndef NEST_HOST_HANDLE_H
#define NEST_HOST_HANDLE_H

#include <stddef.h>
#include <stdint.h>
#include <nest/cap.h>

struct nest_host_handle { int number; };

/* NEST_ERR_INVALID_CAP: session is no host-resource session at core;
 * NEST_ERR_OUT_OF_CAPS: every host handle number is taken */
enum nest_error nest_host_handle_take(struct nest_cap session, struct nest_host_handle *handle);

/* done: the bytes read or written, fewer at the end of the file */
enum nest_error nest_host_read_at(struct nest_host_handle handle, void *buf, size_t len,
                                  uint64_t offset, size_t *done);
enum nest_error nest_host_write_at(struct nest_host_handle handle, const void *buf, size_t len,
                                   uint64_t offset, size_t *done);
enum nest_error nest_host_sync(struct nest_host_handle handle);

#endif
