/*
 * \brief  The outcome of a Linux call that a test component makes directly,
 *         as an attacker would: "ok", or "refused (ERRNO)"
 *
 * Shared by the components of the host-resource tests (host_file_user,
 * host_device_user, host_dir_user), whose scripts match these words. It
 * needs _GNU_SOURCE (strerrorname_np), defined before the first include.
 */
#ifndef TESTS_HOST_ATTEMPT_H
#define TESTS_HOST_ATTEMPT_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* result: what the call returned (negative: failed, errno says why) */
static inline const char *host_attempt(long result)
{
	static char text[64];
	if (result >= 0)
		return "ok";
	snprintf(text, sizeof(text), "refused (%s)", strerrorname_np(errno));
	return text;
}

#endif
