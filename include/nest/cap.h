/*
 * \brief  Capabilities: unforgeable local names of RPC objects and dataspaces
 *
 * A capability is held as a local name that only the platform layer can
 * interpret (on Linux, a descriptor of a socket end or memfd). A component
 * cannot guess another component's capabilities: it holds only the ones it
 * was given in an RPC message or at start.
 */
#ifndef NEST_CAP_H
#define NEST_CAP_H

#include <stdbool.h>
#include <stdint.h>
#include <nest/error.h>

/* 'slot' is the platform handle plus one, so that a zero-initialised
 * capability is invalid rather than naming handle 0 */
struct nest_cap { int slot; };

#define NEST_CAP_INVALID ((struct nest_cap){ 0 })

static inline bool nest_cap_valid(struct nest_cap cap) { return cap.slot > 0; }

/* for the platform layer and the RPC library only */
static inline int nest_cap_handle(struct nest_cap cap) { return cap.slot - 1; }
static inline struct nest_cap nest_cap_from_handle(int handle)
{
	return (struct nest_cap){ handle >= 0 ? handle + 1 : 0 };
}

/* identity of the object a capability refers to, equal for all copies */
enum nest_error nest_cap_ident(struct nest_cap cap, uint64_t *ident);

/* true if both capabilities refer to the same object */
bool nest_cap_same(struct nest_cap a, struct nest_cap b);

/* a second local name for the same object, released independently */
enum nest_error nest_cap_copy(struct nest_cap cap, struct nest_cap *copy);

/* give up the local name; *cap becomes invalid */
void nest_cap_release(struct nest_cap *cap);

/* keep a copy of with in *slot (invalid clears it), releasing what was there
 * (kept if the copy fails): how a server stores a signal context a client
 * registers */
enum nest_error nest_cap_replace(struct nest_cap *slot, struct nest_cap with);

#endif
