/*
 * \brief  Core's ROM service: the boot modules as sealed dataspaces
 *
 * The module is named by the last element of the session label, so a
 * parent's label prefixes cannot make a client read a module under a name
 * it did not ask for. A module rewritten in the boot directory while core
 * runs is a new version (core/linux/boot_watch.c): the session keeps the
 * version it handed out until its client calls update(), and its signal
 * context is told of each new one.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/session/rom.h>
#include <nest/session_args.h>
#include "core/core.h"

NEST_RPC_DISPATCH(rom, ROM_INTERFACE)

struct rom_server {
	struct nest_rpc_object    object;
	const struct boot_module *module;
	struct nest_cap           sigh;
	struct nest_cap           held;       /* the version handed out */
	size_t                    held_size;
	unsigned                  held_version;
};

const struct boot_module *core_module(struct core *core, const char *name)
{
	for (unsigned i = 0; i < core->module_count; i++)
		if (strcmp(core->modules[i].name, name) == 0)
			return &core->modules[i];
	return NULL;
}

const struct boot_module *core_module_by_cap(struct core *core, struct nest_cap cap)
{
	uint64_t ident, module_ident;
	if (nest_cap_ident(cap, &ident))
		return NULL;
	for (unsigned i = 0; i < core->module_count; i++)
		if (nest_cap_ident(nest_cap_from_handle(core->modules[i].fd), &module_ident) == NEST_OK &&
		    module_ident == ident)
			return &core->modules[i];
	return NULL;
}

enum nest_error rom_serve_dataspace(struct rom_server *rom, struct nest_cap *ds, uint64_t *size)
{
	enum nest_error err;

	if (!nest_cap_valid(rom->held)) {
		if ((err = nest_cap_copy(nest_cap_from_handle(rom->module->fd), &rom->held)))
			return err;
		rom->held_size    = rom->module->size;
		rom->held_version = rom->module->version;
	}
	*ds   = rom->held;
	*size = rom->held_size;
	return NEST_OK;
}

enum nest_error rom_serve_update(struct rom_server *rom, uint32_t *changed)
{
	*changed = nest_cap_valid(rom->held) && rom->held_version != rom->module->version;
	if (*changed)
		nest_cap_release(&rom->held);     /* dataspace() hands out the new one */
	return NEST_OK;
}

void rom_module_changed(struct core *core, const struct boot_module *m)
{
	for (struct core_session *s = core->sessions; s; s = s->next) {
		struct rom_server *rom = s->server;
		if (s->service == SERVICE_ROM && rom->module == m && nest_cap_valid(rom->sigh))
			nest_signal_submit(rom->sigh, 1);
	}
}

enum nest_error rom_serve_sigh(struct rom_server *rom, struct nest_cap context)
{
	return nest_cap_replace(&rom->sigh, context);
}

enum nest_error rom_session_create(struct core *core, const char *label, void **server,
                                   struct nest_rpc_object **object)
{
	const struct boot_module *m = core_module(core, nest_label_last(label));
	struct rom_server *rom;

	if (!m)
		return NEST_ERR_NOT_FOUND;
	if (!(rom = calloc(1, sizeof(*rom))))
		return NEST_ERR_OUT_OF_RAM;
	rom->module = m;
	if (nest_ep_manage(&core->ep, &rom->object, rom, rom)) {
		free(rom);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*server = rom;
	*object = &rom->object;
	return NEST_OK;
}

void rom_session_destroy(void *server)
{
	struct rom_server *rom = server;
	nest_ep_dissolve(&rom->object);
	nest_cap_release(&rom->sigh);
	nest_cap_release(&rom->held);
	free(rom);
}
