/*
 * \brief  Core's resource use, printed when core receives SIGUSR1
 *
 * An operator (or a leak test) asks a running core what it holds:
 * descriptors, heap bytes in use, resident memory. The signal arrives through
 * a signalfd in core's entrypoint, so it is handled between RPCs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "core/core.h"

static unsigned count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;                     /* the directory's own descriptor */
}

static unsigned long rss_kib(void)
{
	unsigned long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%lu %lu", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (unsigned long)sysconf(_SC_PAGESIZE) / 1024;
}

static void print_stats(void *state)
{
	struct core_stats *stats = state;
	struct signalfd_siginfo info;
	struct mallinfo2 heap;
	unsigned pds = 0, sessions = 0, fds;
	unsigned long rss;

	if (read(stats->fd, &info, sizeof(info)) != sizeof(info))
		return;
	fds  = count_fds();
	rss  = rss_kib();
	heap = mallinfo2();          /* after the look-ups, which allocate too */
	for (struct pd_server *pd = stats->core->pds; pd; pd = pd->next)
		pds++;
	for (struct core_session *s = stats->core->sessions; s; s = s->next)
		sessions++;
	core_log("stats: fds %u heap_bytes %zu rss_kib %lu pds %u sessions %u report_submits %llu",
	         fds, heap.uordblks, rss, pds, sessions,
	         (unsigned long long)stats->core->report_submits);
}

enum nest_error core_stats_init(struct core *core, struct core_stats *stats)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return NEST_ERR_IO;
	stats->core = core;
	stats->fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (stats->fd < 0)
		return NEST_ERR_IO;
	return nest_io_handler_init(&core->ep, &stats->handler, stats->fd, print_stats, stats);
}
