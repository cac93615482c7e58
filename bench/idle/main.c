/*
 * \brief  A component that does nothing: logs "up" and stays idle
 *
 * bench/boot starts sixty of these to time a boot and bench/rss reads
 * their memory, so it allocates nothing itself: whatever it costs is the
 * runtime's own overhead per component (docs/targets.md).
 */
#include <nest/env.h>

void component_construct(struct nest_env *env)
{
	nest_log(env, "up");
}
