/*
 * \brief  The environment's calls on its sessions: sessions, RAM, mappings
 *
 * Apart from the component's start-up (component.c), so that a program
 * that hosts init without a component's start-up (the init fuzzer) uses
 * these very functions.
 */
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>

enum nest_error nest_env_session(struct nest_env *env, const char *service,
                                 const char *args, struct nest_cap *session)
{
	return parent_session(&env->parent, service, args, session);
}

enum nest_error nest_env_close(struct nest_env *env, struct nest_cap session)
{
	return parent_close(&env->parent, session);
}

enum nest_error nest_env_alloc_ram(struct nest_env *env, size_t size, struct nest_cap *ds)
{
	return pd_alloc_ram(&env->pd, size, ds);
}

/* the size and rights are core's word, not that of whoever handed the
 * dataspace over: a claimed size beyond the real one would fault */
enum nest_error nest_env_attach(struct nest_env *env, struct nest_cap ds, size_t size,
                                bool writable, void **addr)
{
	uint64_t real_size = 0;
	uint32_t kind = 0, may_write = 0;
	enum nest_error err;

	if (!nest_cap_valid(ds))
		return NEST_ERR_INVALID_CAP;
	if ((err = pd_dataspace_info(&env->pd, ds, &real_size, &kind, &may_write)))
		return err;
	if (!size)
		size = (size_t)real_size;
	if (!size || size > real_size)
		return NEST_ERR_INVALID_ARGS;
	if (writable && !may_write)
		return NEST_ERR_DENIED;
	return plat_map(nest_cap_handle(ds), size, 0, writable, false, addr);
}
