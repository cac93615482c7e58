/*
 * \brief  Processes that outlive their PD until the kernel has ended them
 *
 * A PD that is closed while its process is still being killed hands the
 * process over to here: core never waits for the kernel, it reaps the
 * process when its pidfd becomes readable.
 */
#include <stdlib.h>
#include "core/core.h"

struct zombie {
	struct core           *core;
	struct process         process;
	struct nest_io_handler watch;
	struct zombie         *next;
};

static void zombie_ended(void *state)
{
	struct zombie *z = state;
	struct process_end end;

	if (sandbox_reap(&z->process, &end) == NEST_ERR_UNAVAILABLE)
		return;
	nest_io_handler_fini(&z->core->ep, &z->watch);
	sandbox_release(&z->process);
	for (struct zombie **link = &z->core->zombies; *link; link = &(*link)->next)
		if (*link == z) {
			*link = z->next;
			break;
		}
	free(z);
}

void core_reap_later(struct core *core, struct process *process)
{
	struct zombie *z = calloc(1, sizeof(*z));

	if (z) {
		z->core    = core;
		z->process = *process;
		if (nest_io_handler_init(&core->ep, &z->watch, z->process.pidfd, zombie_ended, z)) {
			free(z);
			z = NULL;
		}
	}
	if (!z) {
		/* out of memory: the pidfd goes, the process stays a zombie of core */
		sandbox_release(process);
		return;
	}
	z->next = core->zombies;
	core->zombies = z;
	*process = (struct process){ .pid = 0, .pidfd = -1, .fault_channel = -1 };
}
