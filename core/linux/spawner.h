/*
 * \brief  Core's spawner thread: starts run beside core's entrypoint
 *
 * Internal to core/linux: spawn.c prepares and finishes a start on core's
 * entrypoint, spawner.c carries it to the thread and back.
 */
#ifndef NEST_CORE_LINUX_SPAWNER_H
#define NEST_CORE_LINUX_SPAWNER_H

#include "core/linux/sandbox.h"

/* hand a prepared job to the thread; NEST_ERR_OUT_OF_CAPS if too many wait */
enum nest_error   spawner_submit(struct sandbox *sb, struct spawn_job *job);
/* a job the thread has finished, NULL if none */
struct spawn_job *spawner_take(struct sandbox *sb);
/* on the thread: make the process (spawn.c) */
void              spawn_job_run(struct spawn_job *job);

#endif
