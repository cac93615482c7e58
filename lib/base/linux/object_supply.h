/*
 * \brief  Socket pairs and pipes from core, several at a time
 *
 * Core makes every socket pair and pipe of a component, with small buffers
 * and in the components' network namespace (core/linux/supervisor.c), so
 * that the kernel memory a component holds is bounded by its descriptors.
 * A system call trapped to core costs two switches into core per object;
 * the runtime asks instead over a channel of its own for a batch of them,
 * kept in a pool until used. Core answers one request at a time: it
 * ignores a request while its last answer is still unread, so a component
 * never has core hold more than one batch in flight for it.
 *
 * Shared by core and the component runtime (Linux only).
 */
#ifndef NEST_OBJECT_SUPPLY_H
#define NEST_OBJECT_SUPPLY_H

#include <stdint.h>
#include <nest/error.h>

enum object_kind { OBJECT_CHANNEL_PAIR = 1, OBJECT_SIGNAL_PIPE = 2 };

/* objects in one answer; each comes as two descriptors (a pipe: read end first) */
enum { OBJECT_BATCH_MAX = 16 };

struct object_request { uint32_t kind, count; };
/* error: 0 or the errno that stopped core early; count objects follow */
struct object_answer  { int32_t error; uint32_t count; };

/* the component runtime: from now on, objects come over channel from core */
void plat_object_supply_init(int channel);

/* a pair or pipe from the pool; NEST_ERR_UNAVAILABLE: this process has no
 * supply and makes its objects itself */
enum nest_error object_take(enum object_kind kind, int ends[2]);

#endif
