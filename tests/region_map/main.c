/*
 * \brief  Composes an address range from dataspaces with a region map
 *
 * Two RAM dataspaces and a ROM module are attached into one region map with
 * a hole between them; the component attaches the region map and sees all
 * of them through one range. Core refuses what it did not make, overlaps
 * and regions past the end, and signals each change of the layout.
 */
#include <string.h>
#include <nest/env.h>
#include <nest/session/pd.h>
#include <nest/session/rm.h>
#include <nest/session/rom.h>

struct main {
	struct nest_env           *env;
	struct rm_client           rm;
	struct region_map_client   map;
	struct nest_signal_handler changed;
	unsigned                   changes;
	int                        failed;
};

static void check(struct main *m, int ok, const char *what)
{
	nest_log(m->env, "region_map: %s: %s", what, ok ? "ok" : "FAILED");
	m->failed |= !ok;
}

static void count_change(void *state, uint64_t count)
{
	((struct main *)state)->changes += (unsigned)count;
}

static struct nest_cap ram(struct main *m, char fill)
{
	struct nest_cap ds = NEST_CAP_INVALID;
	void *addr;
	if (nest_env_alloc_ram(m->env, 4096, &ds) == NEST_OK &&
	    nest_env_attach(m->env, ds, 4096, true, &addr) == NEST_OK)
		memset(addr, fill, 4096);
	return ds;
}

void component_construct(struct nest_env *env)
{
	static struct main m;
	struct nest_cap cap, a, b, rom_session, rom_ds;
	uint64_t at = 0, rom_size = 0;
	unsigned char *base;
	size_t size;

	m.env = env;
	if (nest_env_session(env, "RM", "ram_quota=8K, cap_quota=2", &cap))
		nest_env_exit(env, 1);
	rm_client_init(&m.rm, cap);
	if (rm_create(&m.rm, 4 * 4096, &cap))
		nest_env_exit(env, 1);
	region_map_client_init(&m.map, cap);
	nest_signal_handler_init(&env->ep, &m.changed, count_change, &m);
	region_map_sigh(&m.map, nest_signal_cap(&m.changed));

	a = ram(&m, 'A');
	b = ram(&m, 'B');
	check(&m, region_map_attach(&m.map, a, 0, 0, 0, 1, &at) == NEST_OK && at == 0,
	      "attach A at 0");
	check(&m, region_map_attach(&m.map, b, 2 * 4096, 0, 0, 1, &at) == NEST_OK,
	      "attach B at 8K, a hole at 4K");
	check(&m, region_map_attach(&m.map, a, 2 * 4096, 0, 0, 1, &at) == NEST_ERR_INVALID_ARGS,
	      "overlap refused");
	check(&m, region_map_attach(&m.map, a, 4 * 4096, 0, 0, 1, &at) == NEST_ERR_INVALID_ARGS,
	      "past the end refused");
	check(&m, region_map_attach(&m.map, a, 3 * 4096, 4096, 4096, 1, &at) == NEST_ERR_INVALID_ARGS,
	      "past its dataspace refused");
	check(&m, region_map_attach(&m.map, nest_signal_cap(&m.changed), NEST_RM_ANYWHERE, 0, 0, 1,
	                            &at) == NEST_ERR_INVALID_CAP,
	      "a capability that is no dataspace refused");
	if (nest_env_session(env, "ROM", "label=\"config\", ram_quota=4K, cap_quota=1",
	                     &rom_session) == NEST_OK) {
		struct rom_client rom;
		rom_client_init(&rom, rom_session);
		rom_dataspace(&rom, &rom_ds, &rom_size);
		check(&m, region_map_attach(&m.map, rom_ds, NEST_RM_ANYWHERE, 0, 0, 1, &at) == NEST_OK &&
		      at == 4096, "ROM attached into the hole (first fit)");
		nest_cap_release(&rom_ds);
	}

	if (nest_region_map_attach(&m.map, (void **)&base, &size)) {
		check(&m, 0, "attach the region map");
		nest_env_exit(env, 1);
	}
	check(&m, base[0] == 'A' && base[4095] == 'A' && base[2 * 4096] == 'B',
	      "one range shows A and B");
	check(&m, memcmp(base + 4096, "<config>", 8) == 0, "and the ROM in between");
	base[0] = 'a';
	check(&m, base[0] == 'a', "RAM regions are writable");

	/* the layout changes: core signals, the component maps it anew */
	region_map_detach(&m.map, 2 * 4096);
	while (m.changes < 4)
		nest_ep_dispatch_one(&env->ep, 1000);
	check(&m, m.changes == 4, "each change signalled");
	check(&m, nest_region_map_sync(&m.map, base, size) == NEST_OK && base[0] == 'a',
	      "synced after detaching B");

	nest_log(env, "region_map: %s", m.failed ? "FAILED" : "done");
	nest_env_exit(env, m.failed);
}
