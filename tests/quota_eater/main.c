/*
 * \brief  Allocates until its RAM quota is exhausted, then exits
 *
 * malloc must fail once the PD's quota is used up: the component gets an
 * error, not more memory, and neither it nor anyone else crashes. First it
 * asks for a session with a donation beyond its quota, which must be
 * refused without changing its quota.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>
#include <nest/session/pd.h>

enum { BLOCK = 16 * 1024, MAX_BLOCKS = 1 << 16 };

void component_construct(struct nest_env *env)
{
	static void *blocks[MAX_BLOCKS];
	unsigned count = 0;
	uint64_t before = 0, after = 0, used, caps, caps_used;
	struct nest_cap session;

	pd_quota(&env->pd, &before, &used, &caps, &caps_used);
	if (nest_env_session(env, "LOG", "label=\"greedy\", ram_quota=64M, cap_quota=1",
	                     &session) == NEST_OK)
		nest_env_close(env, session);
	pd_quota(&env->pd, &after, &used, &caps, &caps_used);
	nest_log(env, after == before ? "quota_eater: a donation beyond its quota left it unchanged"
	                              : "quota_eater: a donation beyond its quota changed it");
	while (count < MAX_BLOCKS && (blocks[count] = malloc(BLOCK))) {
		memset(blocks[count], 0xa5, BLOCK);      /* really use the memory */
		count++;
	}
	nest_log(env, "quota_eater: malloc failed after %u KiB", count * (BLOCK / 1024));
	nest_log(env, count * (size_t)BLOCK <= 4u << 20 ? "quota_eater: stopped within its quota"
	                                            : "quota_eater: got more than its quota");
	while (count)
		free(blocks[--count]);
	/* once freed, the memory is usable again */
	nest_log(env, "quota_eater: after free, malloc %s", malloc(BLOCK) ? "works" : "fails");
	nest_env_exit(env, 0);
}
