/*
 * \brief  Smallest component: logs a line, allocates, and exits
 */
#include <stdlib.h>
#include <string.h>
#include <nest/env.h>

void component_construct(struct nest_env *env)
{
	char *p = malloc(100000);
	nest_log(env, "smoke: hello from %s", env->name);
	if (p) memset(p, 1, 100000);
	nest_log(env, "smoke: allocated %p", (void *)p);
	free(p);
	nest_env_exit(env, 7);
}
