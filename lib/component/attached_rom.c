/*
 * \brief  A ROM session with its current version mapped
 *
 * One implementation of what every ROM reader does (see
 * nest/attached_rom.h), so that none of them forgets to unmap a version
 * before it fetches the next.
 */
#include <nest/attached_rom.h>
#include <nest/platform.h>
#include <nest/session/rom.h>

static void unmap(struct nest_attached_rom *rom)
{
	if (rom->content)
		plat_unmap((void *)rom->content, rom->size);
	nest_cap_release(&rom->ds);
	rom->content = NULL;
	rom->size    = 0;
}

/* the session's current version in place of the one mapped before */
static enum nest_error map_current(struct nest_attached_rom *rom)
{
	struct nest_cap ds = NEST_CAP_INVALID;
	uint64_t size = 0;
	void *addr = NULL;
	enum nest_error err = rom_dataspace(&rom->session, &ds, &size);

	if (err)
		return err;
	unmap(rom);
	if (!nest_cap_valid(ds) || !size) {
		nest_cap_release(&ds);
		return NEST_OK;
	}
	if ((err = nest_env_attach(rom->env, ds, size, false, &addr))) {
		nest_cap_release(&ds);
		return err;
	}
	rom->ds      = ds;
	rom->content = addr;
	rom->size    = size;
	return NEST_OK;
}

enum nest_error nest_attached_rom_open(struct nest_attached_rom *rom, struct nest_env *env,
                                       const char *args)
{
	struct nest_cap session;
	enum nest_error err;

	rom->env     = env;
	rom->ds      = NEST_CAP_INVALID;
	rom->content = NULL;
	rom->size    = 0;
	if ((err = nest_env_session(env, "ROM", args, &session)))
		return err;
	rom_client_init(&rom->session, session);
	if ((err = map_current(rom)))
		nest_attached_rom_close(rom);
	return err;
}

enum nest_error nest_attached_rom_update(struct nest_attached_rom *rom, bool *changed)
{
	uint32_t updated = 0;
	enum nest_error err = rom_update(&rom->session, &updated);

	*changed = !err && updated;
	return err || !updated ? err : map_current(rom);
}

void nest_attached_rom_close(struct nest_attached_rom *rom)
{
	unmap(rom);
	if (nest_cap_valid(rom->session.cap))
		nest_env_close(rom->env, rom->session.cap);
	rom_client_fini(&rom->session);
}
