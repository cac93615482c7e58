/*
 * \brief  The capabilities a handler fuzz target's clients hold
 *
 * Each target plays the clients of its handlers: a table of slots, each a
 * capability of a kind the client learned with it, held by one of them (a
 * child of init, the parent; core's target has one holder, 0), with a
 * descriptor kept beside it (a context's receiving end, a forgery's peer).
 * The input picks a slot of the kinds an operation wants, or any slot.
 */
#ifndef NEST_FUZZ_SLOTS_H
#define NEST_FUZZ_SLOTS_H

#include <stdbool.h>
#include <stdint.h>
#include <nest/cap.h>
#include "tests/fuzz/targets/fuzz_input.h"

#define KIND(k)  (1u << (k))
#define ANY_KIND (~0u)

struct slot {
	struct nest_cap cap;       /* the holder's own descriptor; invalid: the slot is free */
	unsigned        kind;      /* the target's enum slot_kind */
	int             holder;
	int             aux;       /* kept beside it; -1 */
	uint64_t        session;   /* core: ident of the session whose close ends it, 0: none */
	uint64_t        ram, caps; /* init: a forwarded session's donation */
	bool            dead;      /* core: its object is gone, and that was checked */
};

struct slots { struct slot *slot; unsigned count; };

/* into a free slot, else the capability and aux are closed (NULL) */
struct slot *slots_add(struct slots *t, struct slot fresh);
/* the slot is free again, its capability and aux closed */
void         slot_close(struct slot *s);
/* a slot of holder of the kinds in mask, or with the top bit of the input
 * byte any of its slots; NULL if there is none */
struct slot *slots_pick(struct slots *t, struct fuzz_input *in, int holder, unsigned mask);

static inline struct nest_cap slot_cap(const struct slot *s)
{
	return s ? s->cap : NEST_CAP_INVALID;
}

#endif
