/*
 * \brief  nest: one command on the host for the operator of a Nest system
 *
 * Subcommands share one name so that they are easy to find; this file only
 * picks one. Reports are looked for where `make run` lets core write them,
 * build/run/reports beside the build/bin/ this binary lives in, so that
 * `build/bin/nest top` works from any directory.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tools/nest/nest.h"

static int usage(void)
{
	fprintf(stderr, "usage: nest top [--once] [DIR]   the component tree, live from DIR/init.state\n"
	                "                                 (DIR default: build/run/reports)\n");
	return 2;
}

/* BUILD/run/reports for the binary BUILD/bin/nest, or "build/run/reports" */
static void default_report_dir(char *dir, size_t size)
{
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	snprintf(dir, size, "build/run/reports");
	if (len <= 0)
		return;
	exe[len] = '\0';
	for (int up = 0; up < 2; up++) {            /* strip "/nest", then "/bin" */
		if (!(slash = strrchr(exe, '/')))
			return;
		*slash = '\0';
	}
	if ((size_t)snprintf(dir, size, "%s/run/reports", exe) >= size)
		snprintf(dir, size, "build/run/reports");
}

int main(int argc, char **argv)
{
	char dir[4096];

	if (argc < 2)
		return usage();
	default_report_dir(dir, sizeof(dir));
	if (strcmp(argv[1], "top") == 0)
		return top_main(argc - 1, argv + 1, dir);
	return usage();
}
