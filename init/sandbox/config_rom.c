/*
 * \brief  A child's "config" ROM, served by init from the child's <config>
 *
 * The content (the <config> node itself, as in Genode) is written once into
 * a RAM dataspace of init's, which core then seals: the child can map it,
 * but neither it nor anyone else can change it.
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
};

int child_has_config(const struct child *child)
{
	struct nest_xml_node node;
	return nest_xml_sub(&child->start, "config", &node);
}

static enum nest_error make_dataspace(struct child *child)
{
	struct nest_env *env = child->sandbox->env;
	struct nest_xml_node node;
	size_t page = plat_page_size(), size;
	void *addr;
	enum nest_error err;

	if (nest_cap_valid(child->config_ds))
		return NEST_OK;
	if (!nest_xml_sub(&child->start, "config", &node))
		return NEST_ERR_NOT_FOUND;
	size = (node.len + 1 + page - 1) / page * page;      /* NUL-terminated */
	err = nest_env_alloc_ram(env, size, &child->config_ds);
	if (err)
		return err;
	err = nest_env_attach(env, child->config_ds, size, true, &addr);
	if (!err) {
		memcpy(addr, node.start, node.len);
		memset((char *)addr + node.len, 0, size - node.len);
		plat_unmap(addr, size);
		err = pd_seal_ram(&env->pd, child->config_ds);
	}
	if (err) {
		config_rom_release(child);
		return err;
	}
	child->config_size = node.len;
	return NEST_OK;
}

void config_rom_release(struct child *child)
{
	if (!nest_cap_valid(child->config_ds))
		return;
	pd_free_ram(&child->sandbox->env->pd, child->config_ds);
	nest_cap_release(&child->config_ds);
}

enum nest_error rom_serve_dataspace(struct rom_server *rom, struct nest_cap *ds, uint64_t *size)
{
	enum nest_error err = make_dataspace(rom->child);
	if (err)
		return err;
	*ds   = rom->child->config_ds;
	*size = rom->child->config_size;
	return NEST_OK;
}

enum nest_error rom_serve_update(struct rom_server *rom, uint32_t *changed)
{
	(void)rom;
	*changed = 0;
	return NEST_OK;
}

enum nest_error rom_serve_sigh(struct rom_server *rom, struct nest_cap context)
{
	return nest_cap_replace(&rom->sigh, context);
}

enum nest_error config_rom_create(struct child *child, struct nest_rpc_object **object)
{
	struct rom_server *rom = calloc(1, sizeof(*rom));
	if (!rom)
		return NEST_ERR_OUT_OF_RAM;
	rom->child = child;
	if (nest_ep_manage(&child->sandbox->env->ep, &rom->object, rom, rom)) {
		free(rom);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*object = &rom->object;
	return NEST_OK;
}

void config_rom_destroy(struct nest_rpc_object *object)
{
	struct rom_server *rom = object->state;
	nest_ep_dissolve(&rom->object);
	nest_cap_release(&rom->sigh);
	free(rom);
}
