/*
 * \brief  The capabilities a handler fuzz target's clients hold (slots.h)
 */
#include <nest/platform.h>
#include "tests/fuzz/targets/slots.h"

struct slot *slots_add(struct slots *t, struct slot fresh)
{
	for (unsigned i = 0; i < t->count; i++)
		if (!nest_cap_valid(t->slot[i].cap)) {
			t->slot[i] = fresh;
			return &t->slot[i];
		}
	nest_cap_release(&fresh.cap);
	plat_close(fresh.aux);
	return NULL;
}

void slot_close(struct slot *s)
{
	nest_cap_release(&s->cap);
	plat_close(s->aux);
	s->aux = -1;
}

static bool wanted(const struct slot *s, int holder, unsigned mask)
{
	return nest_cap_valid(s->cap) && s->holder == holder && (mask & KIND(s->kind));
}

struct slot *slots_pick(struct slots *t, struct fuzz_input *in, int holder, unsigned mask)
{
	uint8_t byte = take_u8(in);
	unsigned n = byte & 0x7f, count = 0;

	if (byte & 0x80)
		mask = ANY_KIND;
	for (unsigned i = 0; i < t->count; i++)
		count += wanted(&t->slot[i], holder, mask);
	if (!count)
		return NULL;
	n %= count;
	for (unsigned i = 0; i < t->count; i++)
		if (wanted(&t->slot[i], holder, mask) && n-- == 0)
			return &t->slot[i];
	return NULL;
}
