/*
 * \brief  Linux start-up of a component: its initial handles
 *
 * Core placed the parent and PD capabilities at fixed descriptors, and the
 * channel over which it supplies socket pairs and pipes. A fault
 * is not the component's to report: core learns of it from the kernel
 * (core/linux/tracer.c). SIGPIPE is ignored: a signal submitted to a context
 * whose receiver is gone is an error, not the submitter's death.
 */
#include <signal.h>
#include <nest/env.h>
#include "lib/base/linux/object_supply.h"
#include "lib/base/linux/startup_handles.h"

enum nest_error nest_platform_startup(struct nest_startup *startup, int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	plat_object_supply_init(STARTUP_OBJECTS);
	startup->parent = nest_cap_from_handle(STARTUP_PARENT);
	startup->pd     = nest_cap_from_handle(STARTUP_PD);
	startup->name   = argc > 0 ? argv[0] : "?";
	return NEST_OK;
}
