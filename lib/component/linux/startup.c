/*
 * \brief  Linux start-up of a component: its initial handles
 *
 * Core placed the parent and PD capabilities at fixed descriptors. A fault
 * is not the component's to report: core learns of it from the kernel
 * (core/linux/tracer.c).
 */
#include <nest/env.h>
#include "lib/base/linux/startup_handles.h"

enum nest_error nest_platform_startup(struct nest_startup *startup, int argc, char **argv)
{
	startup->parent = nest_cap_from_handle(STARTUP_PARENT);
	startup->pd     = nest_cap_from_handle(STARTUP_PD);
	startup->name   = argc > 0 ? argv[0] : "?";
	return NEST_OK;
}
