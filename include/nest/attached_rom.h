/*
 * \brief  A ROM session with its current version mapped, as Genode's
 *         Attached_rom_dataspace
 *
 * Components that read a ROM (their config, a report) all need the same
 * steps: open the session, map the dataspace read-only, and on update()
 * map the new version in place of the old, never touching the old again
 * (its server may have freed it). content is NULL while the ROM is empty.
 * A client that wants signals registers with rom_sigh(&rom->session, ...).
 */
#ifndef NEST_ATTACHED_ROM_H
#define NEST_ATTACHED_ROM_H

#include <stdbool.h>
#include <nest/env.h>
#include <nest/session/rom.h>

struct nest_attached_rom {
	struct nest_env   *env;
	struct rom_client  session;
	struct nest_cap    ds;        /* the version mapped at content */
	const char        *content;
	size_t             size;
};

/* args: the ROM session's ("label=\"config\", ram_quota=4K, cap_quota=1") */
enum nest_error nest_attached_rom_open(struct nest_attached_rom *rom, struct nest_env *env,
                                       const char *args);
/* a newer version, if the server has one, mapped in place of the current */
enum nest_error nest_attached_rom_update(struct nest_attached_rom *rom, bool *changed);
void            nest_attached_rom_close(struct nest_attached_rom *rom);

#endif
