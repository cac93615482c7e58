/*
 * \brief  The invariants of core's PD accounts (core_accounts.h)
 */
#include "tests/fuzz/targets/core_accounts.h"
#include "tests/fuzz/targets/fuzz_check.h"

void core_accounts_check(struct core *core, unsigned __int128 *ram, unsigned __int128 *caps)
{
	for (struct pd_server *pd = core->pds; pd; pd = pd->next) {
		const struct account *a = &pd->account;
		uint64_t ds_ram = 0, ds_count = 0;
		for (struct dataspace *ds = pd->dataspaces; ds; ds = ds->next) {
			ds_ram += ds->size;
			ds_count++;
		}
		CHECKF(a->ram_used <= a->ram_quota && a->cap_used <= a->cap_quota,
		       "PD \"%s\" uses more than its quota: ram %llu of %llu, caps %llu of %llu",
		       pd->label, (unsigned long long)a->ram_used, (unsigned long long)a->ram_quota,
		       (unsigned long long)a->cap_used, (unsigned long long)a->cap_quota);
		CHECKF(a->ram_used == ds_ram + pd->data_charge &&
		       a->cap_used == ds_count + pd->object_caps,
		       "PD \"%s\" counts ram %llu caps %llu, holds ram %llu caps %llu", pd->label,
		       (unsigned long long)a->ram_used, (unsigned long long)a->cap_used,
		       (unsigned long long)(ds_ram + pd->data_charge),
		       (unsigned long long)(ds_count + pd->object_caps));
		CHECK(nest_ep_lookup(&core->ep, pd->object.cap) == &pd->object);
		*ram  += a->ram_quota;
		*caps += a->cap_quota;
	}
}
