/*
 * \brief  Core's spawner thread
 *
 * Making a process and waiting until it has exec'd its binary takes longer
 * than anything else core does (a millisecond on a virtual machine, more for
 * a large binary), and core's entrypoint must never wait. So a thread of core
 * does it: the entrypoint hands it a prepared job through a pipe and goes on
 * serving; the thread makes the process (CLONE_VFORK: it waits, not the
 * entrypoint) and hands the job back through another pipe, which the
 * entrypoint watches. The thread touches nothing but the job and the
 * descriptor slots that spawning reserves for it (spawn.c), so the two
 * threads share no state beyond the pipes. It blocks every signal: SIGCHLD
 * and the rest are the entrypoint's, through its signalfds. A component's
 * parent is the thread, so that its PR_SET_PDEATHSIG follows the thread,
 * which lives as long as core.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include "core/linux/spawner.h"

static void *spawner_main(void *arg)
{
	struct sandbox *sb = arg;
	struct spawn_job *job;
	cpu_set_t beside;

	/* beside core's entrypoint, where the processes start up (spawn.c) */
	CPU_ZERO(&beside);
	for (unsigned i = 1; i < sb->cpu_count; i++)
		CPU_SET(sb->cpus[i], &beside);
	if (CPU_COUNT(&beside))
		sched_setaffinity(0, sizeof(beside), &beside);   /* a placement, not a guarantee */

	while (read(sb->spawn_requests[0], &job, sizeof(job)) == sizeof(job)) {
		spawn_job_run(job);
		while (write(sb->spawn_done[1], &job, sizeof(job)) < 0 && errno == EINTR)
			;
	}
	return NULL;      /* the entrypoint closed the requests: core ends */
}

enum nest_error sandbox_spawner_start(struct sandbox *sb)
{
	sigset_t all, old;
	int err;

	if (pipe2(sb->spawn_requests, O_CLOEXEC))
		return NEST_ERR_IO;
	if (pipe2(sb->spawn_done, O_CLOEXEC | O_NONBLOCK)) {
		close(sb->spawn_requests[0]);
		close(sb->spawn_requests[1]);
		return NEST_ERR_IO;
	}
	/* the entrypoint never waits to hand over a job; the thread waits for one */
	fcntl(sb->spawn_requests[1], F_SETFL, O_NONBLOCK);
	fcntl(sb->spawn_done[1], F_SETFL, 0);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&sb->spawner, NULL, spawner_main, sb);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		for (unsigned i = 0; i < 2; i++) {
			close(sb->spawn_requests[i]);
			close(sb->spawn_done[i]);
		}
		return NEST_ERR_IO;
	}
	return NEST_OK;
}

void sandbox_spawner_stop(struct sandbox *sb)
{
	close(sb->spawn_requests[1]);       /* the thread sees the end, finishing its job */
	pthread_join(sb->spawner, NULL);
	close(sb->spawn_requests[0]);
	close(sb->spawn_done[0]);
	close(sb->spawn_done[1]);
}

int sandbox_spawner_fd(const struct sandbox *sb)
{
	return sb->spawn_done[0];
}

enum nest_error spawner_submit(struct sandbox *sb, struct spawn_job *job)
{
	if (write(sb->spawn_requests[1], &job, sizeof(job)) == sizeof(job))
		return NEST_OK;
	return errno == EAGAIN ? NEST_ERR_OUT_OF_CAPS : NEST_ERR_IO;
}

struct spawn_job *spawner_take(struct sandbox *sb)
{
	struct spawn_job *job;
	return read(sb->spawn_done[0], &job, sizeof(job)) == sizeof(job) ? job : NULL;
}
