/*
 * \brief  The platform layer: the only interface to the host kernel
 *
 * Everything in lib/base, core and the components reaches the host kernel
 * through these functions. On Linux they live in lib/base/linux/; a second
 * kernel adds a sibling folder implementing the same functions. Handles are
 * small integers whose meaning only the platform knows.
 */
#ifndef NEST_PLATFORM_H
#define NEST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nest/error.h>

/* message channels: reliable, ordered, message-preserving, carrying handles */
enum nest_error plat_channel_pair(int *a, int *b);
enum nest_error plat_send(int channel, const void *buf, size_t len,
                          const int *handles, unsigned handle_count);
/* never waits, whatever the peer does: NEST_ERR_UNAVAILABLE if the message
 * does not fit now. Servers send with it to channels that clients made. */
enum nest_error plat_send_nonblocking(int channel, const void *buf, size_t len,
                                      const int *handles, unsigned handle_count);
/* blocking receive; NEST_ERR_INVALID_CAP when the peer is gone, and
 * NEST_ERR_MSG_TOO_LARGE (message dropped) when it exceeds size or max_handles */
enum nest_error plat_recv(int channel, void *buf, size_t size, size_t *len,
                          int *handles, unsigned max_handles, unsigned *handle_count);
/* like plat_recv but returns NEST_ERR_UNAVAILABLE at once if nothing is queued */
enum nest_error plat_recv_nonblocking(int channel, void *buf, size_t size, size_t *len,
                                      int *handles, unsigned max_handles,
                                      unsigned *handle_count);

/* a blocking receive on channel gives up after timeout_ms (0: never),
 * returning NEST_ERR_UNAVAILABLE */
void            plat_channel_timeout(int channel, unsigned timeout_ms);

void            plat_close(int handle);
enum nest_error plat_dup(int handle, int *copy);
enum nest_error plat_ident(int handle, uint64_t *ident);

/* wait sets: wait for any of several handles to become readable */
enum nest_error plat_waitset_create(int *waitset);
enum nest_error plat_waitset_add(int waitset, int handle, void *tag);
void            plat_waitset_remove(int waitset, int handle);
/* waits up to timeout_ms (-1: forever); fills tags of ready handles */
enum nest_error plat_waitset_wait(int waitset, void **tags, unsigned max,
                                  int timeout_ms, unsigned *count);
/* the same with a timeout in microseconds (-1: forever), for timers */
enum nest_error plat_waitset_wait_us(int waitset, void **tags, unsigned max,
                                     int64_t timeout_us, unsigned *count);

/* signal contexts: the receiver's end wakes its owner's wait set; the
 * sender's end is the capability handed out, and lets its holders submit
 * and nothing else (they can neither take nor block the receiver's count) */
enum nest_error plat_signal_create(int *receiver, int *sender);
/* never waits; a context that holds many pending submits already takes no
 * more counts, but its receiver is woken anyway. The caller ignores SIGPIPE
 * (a context whose receiver is gone is NEST_ERR_INVALID_CAP). */
enum nest_error plat_signal_submit(int sender, uint64_t count);
/* takes the pending count (0 if none); a bounded amount of work however
 * many submits arrived, the rest is taken at the next call */
enum nest_error plat_signal_take(int receiver, uint64_t *count);

/* memory: dataspaces are mapped shared; size is a multiple of the page size */
enum nest_error plat_map(int dataspace, size_t size, size_t offset, bool writable,
                         bool executable, void **addr);
/* the same at addr (page-aligned), where nothing may be mapped yet:
 * NEST_ERR_DENIED if something is. For a program that must run at the
 * addresses it was linked for (runtimes/posix_run). */
enum nest_error plat_map_at(int dataspace, size_t size, size_t offset, bool writable,
                            bool executable, void *addr);
void            plat_unmap(void *addr, size_t size);
size_t          plat_page_size(void);

/* threads of one component: sleep while *word equals expected (or until
 * woken), and wake up to count sleepers on word */
void            plat_wait_on(_Atomic uint32_t *word, uint32_t expected);
void            plat_wake(_Atomic uint32_t *word, unsigned count);

/* time and leaving */
uint64_t        plat_time_us(void);
void            plat_sleep_us(uint64_t us);
void            plat_yield(void);
_Noreturn void  plat_exit(int code);

/* writes to the host's diagnostic output (core and host tools only) */
void            plat_console_write(const char *text, size_t len);

#endif
