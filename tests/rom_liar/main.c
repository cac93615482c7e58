/*
 * \brief  Attacker: a ROM server that lies about its dataspace's size
 *
 * It hands out one page of RAM holding an unterminated config and claims a
 * mebibyte. A client that believed it would map the mebibyte and fault
 * when it reads past the page; the client's runtime asks core instead.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/root.h>
#include <nest/session/pd.h>
#include <nest/session/rom.h>

NEST_RPC_DISPATCH(rom, ROM_INTERFACE)

enum { PAGE = 4096, CLAIMED = 1 << 20 };

struct rom_server {
	struct nest_rpc_object object;
	struct nest_cap        ds;
};

enum nest_error rom_serve_dataspace(struct rom_server *s, struct nest_cap *ds, uint64_t *size)
{
	*ds   = s->ds;
	*size = CLAIMED;
	return NEST_OK;
}

enum nest_error rom_serve_update(struct rom_server *s, uint32_t *changed)
{
	(void)s;
	*changed = 0;
	return NEST_OK;
}

enum nest_error rom_serve_sigh(struct rom_server *s, struct nest_cap context)
{
	(void)s;
	nest_cap_release(&context);
	return NEST_OK;
}

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	struct nest_env *env = state;
	struct rom_server *s = calloc(1, sizeof(*s));
	enum nest_error err;
	void *addr;

	(void)args;
	if (!s)
		return NEST_ERR_OUT_OF_RAM;
	err = nest_env_alloc_ram(env, PAGE, &s->ds);
	if (!err)
		err = nest_env_attach(env, s->ds, PAGE, true, &addr);
	if (!err) {
		memset(addr, ' ', PAGE);
		memcpy(addr, "<config><greeting text=\"", 24);   /* never closed */
	}
	if (!err && nest_ep_manage(&env->ep, &s->object, rom, s))
		err = NEST_ERR_OUT_OF_CAPS;
	if (err) {
		free(s);
		return err;
	}
	*object = &s->object;
	return NEST_OK;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	struct nest_env *env = state;
	struct rom_server *s = object->state;
	nest_ep_dissolve(&s->object);
	pd_free_ram(&env->pd, s->ds);
	free(s);
}

void component_construct(struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };
	static struct root_server root;
	if (nest_root_announce(env, &root, "ROM", &ops, env))
		nest_env_exit(env, 1);
}
