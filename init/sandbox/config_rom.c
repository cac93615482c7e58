/*
 * \brief  A child's "config" ROM, served by init from the child's <config>
 *
 * The content (the <config> node itself, as in Genode) is written into a RAM
 * dataspace of init's, which core then seals: the child can map it, but
 * neither it nor anyone else can change it. Each session holds its own
 * version: when the <config> node changes, the session is signalled and
 * keeps the old version until its client calls update(), so a client never
 * loses the dataspace it has mapped while it still reads it. The dataspace
 * is paid by the session's donation: a version larger than that is refused
 * until the client upgrades the session.
 */
#include <string.h>
#include <stdlib.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include <nest/session/rom.h>
#include "init/sandbox/sandbox.h"

NEST_RPC_DISPATCH(rom, ROM_INTERFACE)

struct rom_server {
	struct nest_rpc_object object;
	struct child          *child;
	struct nest_cap        sigh;
	struct nest_cap        ds;            /* the version handed out */
	uint64_t               size;
	unsigned               generation;    /* of the child's <config> in ds */
	uint64_t               budget;        /* the client's donation */
	struct rom_server     *next;          /* of the child's config ROMs */
};

int child_has_config(const struct child *child)
{
	struct nest_xml_node node;
	return nest_xml_sub(&child->start, "config", &node);
}

static void release_dataspace(struct rom_server *rom)
{
	if (!nest_cap_valid(rom->ds))
		return;
	pd_free_ram(&rom->child->sandbox->env->pd, rom->ds);
	nest_cap_release(&rom->ds);
}

static enum nest_error make_dataspace(struct rom_server *rom)
{
	struct nest_env *env = rom->child->sandbox->env;
	struct nest_xml_node node;
	size_t page = plat_page_size(), size;
	void *addr;
	enum nest_error err;

	if (!nest_xml_sub(&rom->child->start, "config", &node))
		return NEST_ERR_NOT_FOUND;
	size = (node.len + 1 + page - 1) / page * page;      /* NUL-terminated */
	if (size > rom->budget)
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	err = nest_env_alloc_ram(env, size, &rom->ds);
	if (err)
		return err;
	err = nest_env_attach(env, rom->ds, size, true, &addr);
	if (!err) {
		memcpy(addr, node.start, node.len);
		memset((char *)addr + node.len, 0, size - node.len);
		plat_unmap(addr, size);
		err = pd_seal_ram(&env->pd, rom->ds);
	}
	if (err) {
		release_dataspace(rom);
		return err;
	}
	rom->size       = node.len;
	rom->generation = rom->child->config_generation;
	return NEST_OK;
}

enum nest_error rom_serve_dataspace(struct rom_server *rom, struct nest_cap *ds, uint64_t *size)
{
	enum nest_error err = nest_cap_valid(rom->ds) ? NEST_OK : make_dataspace(rom);
	if (err)
		return err;
	*ds   = rom->ds;
	*size = rom->size;
	return NEST_OK;
}

enum nest_error rom_serve_update(struct rom_server *rom, uint32_t *changed)
{
	*changed = 0;
	if (!nest_cap_valid(rom->ds) || rom->generation == rom->child->config_generation)
		return NEST_OK;
	release_dataspace(rom);
	*changed = 1;
	return make_dataspace(rom);
}

enum nest_error rom_serve_sigh(struct rom_server *rom, struct nest_cap context)
{
	return nest_cap_replace(&rom->sigh, context);
}

void config_rom_changed(struct child *child)
{
	child->config_generation++;
	for (struct rom_server *rom = child->config_roms; rom; rom = rom->next)
		if (nest_cap_valid(rom->sigh))
			nest_signal_submit(rom->sigh, 1);
}

void config_rom_upgrade(struct nest_rpc_object *object, uint64_t ram)
{
	struct rom_server *rom = object->state;
	rom->budget += ram;
}

enum nest_error config_rom_create(struct child *child, uint64_t ram,
                                  struct nest_rpc_object **object)
{
	struct rom_server *rom = calloc(1, sizeof(*rom));
	if (!rom)
		return NEST_ERR_OUT_OF_RAM;
	rom->child  = child;
	rom->budget = ram;
	if (nest_ep_manage(&child->sandbox->env->ep, &rom->object, rom, rom)) {
		free(rom);
		return NEST_ERR_OUT_OF_CAPS;
	}
	rom->next = child->config_roms;
	child->config_roms = rom;
	*object = &rom->object;
	return NEST_OK;
}

void config_rom_destroy(struct nest_rpc_object *object)
{
	struct rom_server *rom = object->state;
	for (struct rom_server **r = &rom->child->config_roms; *r; r = &(*r)->next)
		if (*r == rom) {
			*r = rom->next;
			break;
		}
	nest_ep_dissolve(&rom->object);
	release_dataspace(rom);
	nest_cap_release(&rom->sigh);
	free(rom);
}
