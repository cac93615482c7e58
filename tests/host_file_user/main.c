/*
 * \brief  Uses the host file that core's policy gives its label, and tries
 *         what the policy and its sandbox profile must refuse
 *
 * It opens a Host_file session (denied for a label without a policy),
 * takes the handle, reads the file, writes it (refused unless the policy
 * says writeable), and, calling Linux directly as an attacker would: grows
 * the file (a driver writes within it), reads
 * at an offset from a descriptor that is not a host handle (a driver's
 * extra calls work on its handles only), closes its handle (so that
 * something else could take its number), and takes a handle through a
 * capability that is not a host-resource session. Each outcome is one
 * line; tests/host_file.test decides what each label must see.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <nest/env.h>
#include <nest/host_handle.h>
#include "tests/host_attempt.h"
#include <nest/session/host_resource.h>
#include "lib/base/linux/startup_handles.h"

void component_construct(struct nest_env *env)
{
	struct host_resource_client file;
	struct nest_cap session;
	struct nest_host_handle handle, other;
	uint64_t size = 0;
	uint32_t writeable = 0;
	char buf[64] = "";
	size_t done = 0;
	enum nest_error err;

	err = nest_env_session(env, "Host_file", "ram_quota=4K, cap_quota=2", &session);
	nest_log(env, "session: %s", nest_error_name(err));
	if (err)
		nest_env_exit(env, 0);
	host_resource_client_init(&file, session);
	err = host_resource_info(&file, &size, &writeable);
	nest_log(env, "info: %s, %llu bytes, writeable %u", nest_error_name(err),
	         (unsigned long long)size, writeable);
	err = nest_host_handle_take(session, &handle);
	nest_log(env, "take: %s, number %d", nest_error_name(err), err ? -1 : handle.number);
	if (err)
		nest_env_exit(env, 1);

	err = nest_host_read_at(handle, buf, sizeof(buf) - 1, 0, &done);
	buf[err ? 0 : done] = '\0';
	buf[strcspn(buf, "\n")] = '\0';             /* the first line */
	nest_log(env, "read at 0: %s \"%s\"", nest_error_name(err), buf);
	err = nest_host_write_at(handle, "written by nest", 15, 0, &done);
	if (!err)
		err = nest_host_sync(handle);
	nest_log(env, "write at 0: %s", nest_error_name(err));

	signal(SIGXFSZ, SIG_IGN);             /* a write past the limit fails instead */
	nest_log(env, "write past the end: %s", host_attempt(pwrite(handle.number, "x", 1, (off_t)size)));
	nest_log(env, "pread of the PD capability (not a host handle): %s",
	         host_attempt(pread(STARTUP_PD, buf, 1, 0)));
	nest_log(env, "close of the host handle: %s", host_attempt(close(handle.number)));
	nest_log(env, "take through the parent capability: %s",
	         nest_error_name(nest_host_handle_take(env->parent.cap, &other)));
	nest_env_exit(env, 0);
}
