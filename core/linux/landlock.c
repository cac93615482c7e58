/*
 * \brief  Landlock: what a driver can reach through a directory handle
 *
 * A driver with a Host_dir session opens, makes, removes and renames files
 * relative to the directory's handle itself (seccomp.c allows those calls
 * on host handle numbers only). The handle alone would let a path with
 * ".." or a symbolic link walk out of the directory, so core confines every
 * driver with Landlock before exec: file system access is allowed beneath
 * the directory that core's policy gives its label (read-only unless the
 * policy says writeable), and nowhere else. Landlock checks the object
 * reached, not the walk, so a rename racing with a walk gains nothing, and a
 * link out of the directory leads nowhere. Executing is not restricted here
 * (the binary is a memfd; the filter allows only its exec). A kernel without
 * Landlock confines nothing: the driver's filter then has no directory
 * calls at all (spawn.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "core/linux/sandbox.h"

/* Debian 12's headers know Landlock's ABI 2; the rights of later ABIs */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE  (1ull << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ull << 15)
#endif

enum {
	READING = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR,
	HANDLED = READING | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	          LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	          LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	          LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	          LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM |
	          LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE |
	          LANDLOCK_ACCESS_FS_IOCTL_DEV,
	/* what a writeable directory allows: no devices, FIFOs or sockets */
	WRITING = READING | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	          LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR |
	          LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SYM |
	          LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE,
};

static int add_beneath(int ruleset, int dir, uint64_t access)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = access, .parent_fd = dir };
	return (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
}

/* the rights the running kernel's Landlock knows; 0 without Landlock */
static uint64_t known_rights(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	uint64_t rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;      /* ABI 1 */

	if (abi < 1)
		return 0;
	if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3) rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5) rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return rights;
}

/* in the new process, before exec: allocates nothing (core's memory) */
int sandbox_landlock(int beneath, bool writeable, const char *sanitized)
{
	uint64_t known = known_rights();
	struct landlock_ruleset_attr attr = { .handled_access_fs = HANDLED & known };
	int ruleset = known ? (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0) : -1;
	int failed = ruleset < 0;

	if (!failed && beneath >= 0)
		failed = add_beneath(ruleset, beneath, (writeable ? WRITING : READING) & known);
	/* tests only: the loader and sanitizer runtimes, /proc (sanitized.c) */
	for (unsigned i = 0; !failed && sanitized && i < 2; i++) {
		int dir = open(i ? "/proc" : sanitized, O_PATH | O_CLOEXEC);
		failed = dir < 0 || add_beneath(ruleset, dir, READING & known);
		if (dir >= 0)
			close(dir);
	}
	failed = failed || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	         syscall(SYS_landlock_restrict_self, ruleset, 0);
	if (ruleset >= 0)
		close(ruleset);
	return failed ? -1 : 0;
}
