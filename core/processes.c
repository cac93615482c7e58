/*
 * \brief  Core's processes: the signals the kernel delivers to them, and
 *         processes that outlive their PD
 *
 * A PD that is closed while its process is still being made or killed
 * hands the process over to here: core never waits for the kernel, it
 * reaps the process when its pidfd becomes readable. Signals delivered to
 * any of them are recorded by core/linux/tracer.c in the process they
 * belong to.
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
	sandbox_release(&z->core->sandbox, &z->process);
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
		sandbox_release(&core->sandbox, process);
		return;
	}
	z->next = core->zombies;
	core->zombies = z;
	*process = (struct process){ .pid = 0, .pidfd = -1, .listener = -1, .supply = -1,
	                             .settle_cpu = -1 };
}

static struct process *traced_process(void *state, int pid)
{
	struct core *core = state;
	for (struct pd_server *pd = core->pds; pd; pd = pd->next)
		if (pd->process.pid == pid)
			return &pd->process;
	for (struct zombie *z = core->zombies; z; z = z->next)
		if (z->process.pid == pid)
			return &z->process;
	return NULL;
}

static void signals_delivered(void *state)
{
	struct core_tracer *tracer = state;
	tracer_handle(tracer->fd, traced_process, tracer->core);
}

/* the spawner thread ended starts: each goes to its PD, or is ended again */
static void starts_ended(void *state)
{
	struct core_tracer *tracer = state;
	struct process process;
	void *owner;
	int error;

	while (sandbox_spawn_ended(&tracer->core->sandbox, &owner, &process, &error)) {
		if (owner) {
			pd_spawned(owner, &process, error);
		} else if (process.pid) {         /* its PD was closed meanwhile */
			sandbox_kill(&process);
			core_reap_later(tracer->core, &process);
		}
	}
}

enum nest_error core_spawner_init(struct core *core, struct core_tracer *tracer)
{
	enum nest_error err = sandbox_spawner_start(&core->sandbox);
	tracer->core = core;
	if (!err)
		err = nest_io_handler_init(&core->ep, &tracer->spawned,
		                           sandbox_spawner_fd(&core->sandbox), starts_ended, tracer);
	return err;
}

enum nest_error core_tracer_init(struct core *core, struct core_tracer *tracer)
{
	enum nest_error err = tracer_init(&tracer->fd);
	tracer->core = core;
	if (!err)
		err = nest_io_handler_init(&core->ep, &tracer->handler, tracer->fd,
		                           signals_delivered, tracer);
	return err;
}
