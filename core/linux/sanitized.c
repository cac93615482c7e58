/*
 * \brief  The sandbox of the sanitized build, for tests only
 *
 * `core --sanitized DIR` boots components built with AddressSanitizer and
 * UndefinedBehaviorSanitizer (build/san, `make san`). GCC's ASan runtime
 * cannot be linked statically, so these components are dynamic programs,
 * and ASan needs what the normal sandbox withholds. Exactly that is
 * granted, and only when core's command line asks for it:
 *   - DIR, the directory of the dynamic loader and the sanitizer runtimes,
 *     appears read-only at its own path in the components' root (here);
 *   - so does the host's /proc: ASan reads /proc/self/maps (where the
 *     stack is, what is mapped) and /proc/self/exe (the binary, whose debug
 *     information names the functions and lines of a report);
 *   - opening files read-only, which the loader needs (seccomp.c);
 *   - no RLIMIT_AS and RLIMIT_DATA: ASan reserves terabytes of address
 *     space for its shadow memory, as private writable mappings (spawn.c);
 *   - descriptor 2 is core's stderr, where the runtimes write their
 *     reports, and no RLIMIT_FSIZE, which would end a component that
 *     writes to a stderr that is a file (spawn.c).
 * The heap of a component is still made of its dataspaces and charged to
 * its quota; what the ASan runtime maps for itself is not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include "core/linux/sandbox.h"

/* every directory of path that does not exist yet */
static int make_dirs(char *path)
{
	for (char *slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = 0;
		if (mkdir(path, 0555) && errno != EEXIST)
			return -1;
		if (!slash)
			return 0;
		*slash = '/';
	}
}

/* host_path at its own path below root, read-only; rec: with its submounts */
static int bind_read_only(const char *host_path, const char *root, bool rec)
{
	char target[PATH_MAX];
	struct statvfs host;
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;

	if (host_path[0] != '/' ||
	    snprintf(target, sizeof(target), "%s%s", root, host_path) >= (int)sizeof(target))
		return -1;
	if (make_dirs(target) || mount(host_path, target, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) ||
	    statvfs(host_path, &host))
		return -1;
	/* a namespace may not change the flags its creator's mount locked */
	if (host.f_flag & ST_NOEXEC)     flags |= MS_NOEXEC;
	if (host.f_flag & ST_NOATIME)    flags |= MS_NOATIME;
	if (host.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
	if (host.f_flag & ST_RELATIME)   flags |= MS_RELATIME;
	return mount(NULL, target, NULL, flags, NULL);
}

int sanitized_root_add(const char *dir, const char *root)
{
	return bind_read_only(dir, root, false) || bind_read_only("/proc", root, true);
}
