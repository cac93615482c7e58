/*
 * \brief  Allocates until its RAM quota is exhausted, then exits
 *
 * malloc must fail once the PD's quota is used up: the component gets an
 * error, not more memory, and neither it nor anyone else crashes.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>

enum { BLOCK = 16 * 1024, MAX_BLOCKS = 1 << 16 };

void component_construct(struct nest_env *env)
{
	static void *blocks[MAX_BLOCKS];
	unsigned count = 0;

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
