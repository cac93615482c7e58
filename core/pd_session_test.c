/*
 * \brief  Unit tests of quota transfers between PDs at core
 *
 * Init pays a session's record and its donation in one call
 * (pd_transfer_quotas): both move or neither, whichever of them cannot.
 */
#include <string.h>
#include "core/core.h"
#include "tests/unit.h"

struct world { struct core core; struct pd_server *a, *b, *c; };

static void world_init(struct world *w, uint64_t ram, uint64_t caps)
{
	memset(w, 0, sizeof(*w));
	nest_ep_init(&w->core.ep);
	w->a = pd_create(&w->core, "a", NULL, 0, 1);
	w->b = pd_create(&w->core, "b", NULL, 0, 1);
	w->c = pd_create(&w->core, "c", NULL, 0, 1);
	for (struct pd_server *pd = w->core.pds; pd; pd = pd->next) {
		pd->account.ram_quota = ram;
		pd->account.cap_quota = caps;
	}
}

static void world_fini(struct world *w)
{
	pd_destroy(w->a);
	pd_destroy(w->b);
	pd_destroy(w->c);
	nest_ep_fini(&w->core.ep);
}

#define CHECK_QUOTA(pd, ram, caps) do { CHECK_EQ_INT((pd)->account.ram_quota, ram); \
	CHECK_EQ_INT((pd)->account.cap_quota, caps); } while (0)
/* every PD has what world_init gave it */
#define CHECK_NONE_MOVED(w) do { CHECK_QUOTA((w).a, 100, 10); CHECK_QUOTA((w).b, 100, 10); \
	CHECK_QUOTA((w).c, 100, 10); } while (0)

/* the case most of these try: a pays b, and c pays a */
static enum nest_error a_pays_b_c_pays_a(struct world *w, uint64_t ram, uint64_t caps,
                                         uint64_t second_ram, uint64_t second_caps)
{
	return pd_serve_transfer_quotas(w->a, w->b->own.cap, ram, caps, w->c->own.cap,
	                                w->a->own.cap, second_ram, second_caps);
}

UNIT_TEST(both_move)
{
	static struct world w;
	world_init(&w, 100, 10);
	CHECK(w.a && w.b && w.c);
	CHECK_EQ_INT(a_pays_b_c_pays_a(&w, 30, 3, 20, 2), NEST_OK);
	CHECK_QUOTA(w.a, 90, 9);
	CHECK_QUOTA(w.b, 130, 13);
	CHECK_QUOTA(w.c, 80, 8);
	world_fini(&w);
}

UNIT_TEST(neither_moves_when_the_second_cannot)
{
	static struct world w;
	world_init(&w, 100, 10);
	CHECK_EQ_INT(a_pays_b_c_pays_a(&w, 30, 3, 20, 11), NEST_ERR_OUT_OF_CAPS);
	CHECK_EQ_INT(a_pays_b_c_pays_a(&w, 30, 3, 101, 1), NEST_ERR_OUT_OF_RAM);
	CHECK_NONE_MOVED(w);
	world_fini(&w);
}

UNIT_TEST(neither_moves_when_the_first_cannot)
{
	static struct world w;
	world_init(&w, 100, 10);
	CHECK_EQ_INT(a_pays_b_c_pays_a(&w, 300, 3, 20, 2), NEST_ERR_OUT_OF_RAM);
	CHECK_NONE_MOVED(w);
	world_fini(&w);
}

static enum nest_error refuse(void *state, struct nest_msg *msg)
{
	(void)state; (void)msg;
	return NEST_ERR_DENIED;
}

UNIT_TEST(neither_moves_with_a_capability_of_no_pd)
{
	static struct world w;
	static struct nest_rpc_object other;     /* an object of core that is no PD */
	world_init(&w, 100, 10);
	CHECK_EQ_INT(nest_ep_manage_object(&w.core.ep, &other, refuse, 0, NULL), NEST_OK);
	CHECK_EQ_INT(pd_serve_transfer_quotas(w.a, w.b->own.cap, 30, 3, other.cap,
	                                      w.a->own.cap, 20, 2), NEST_ERR_INVALID_CAP);
	CHECK_EQ_INT(pd_serve_transfer_quotas(w.a, w.b->own.cap, 30, 3, w.c->own.cap,
	                                      NEST_CAP_INVALID, 20, 2), NEST_ERR_INVALID_CAP);
	CHECK_NONE_MOVED(w);
	nest_ep_dissolve(&other);
	world_fini(&w);
}

/* in order: the second may pass on what the first brought */
UNIT_TEST(second_may_spend_what_the_first_brought)
{
	static struct world w;
	world_init(&w, 100, 10);
	CHECK_EQ_INT(pd_serve_transfer_quotas(w.a, w.b->own.cap, 50, 5, w.b->own.cap, w.c->own.cap,
	                                      150, 15), NEST_OK);
	CHECK_QUOTA(w.a, 50, 5);
	CHECK_QUOTA(w.b, 0, 0);
	CHECK_QUOTA(w.c, 250, 25);
	world_fini(&w);
}

UNIT_MAIN()
