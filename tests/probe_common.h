/*
 * \brief  What every sandbox probe shares: the verdict on each attempt and the final proof
 *
 * A probe plays the attacker as a child of init beside hello_server. Each
 * attempt states how the sandbox refuses it: with which errno, given by
 * which of its layers (the seccomp filter of core/linux/seccomp.c; the empty
 * root, the network and PID namespaces and the resource limits of
 * core/linux/spawn.c). Each attempt logs one line:
 *
 *   "denied (EPERM)"   refused with the errno the sandbox gives
 *   "WRONG REFUSAL (got ENOENT, the sandbox gives EPERM: ...)"
 *                      refused for another reason (a missing file, a bad
 *                      argument), which shows nothing about the sandbox
 *   "ALLOWED"          it worked
 *
 * The probe does not know whether the sandbox is on: the verdicts say what
 * happened, and the test decides what must happen. The scenario's expect
 * file requires "denied (E)" for each attempt and forbids the other two;
 * with the sandbox off (core --no-sandbox), expect.unsandboxed requires
 * "ALLOWED" for each attack, which shows that it can succeed and that the
 * sandbox is what stops it. A few attempts Nest refuses without the sandbox
 * too (core seals dataspaces, traces every component, checks who calls it);
 * they state that refusal as well. An attack that could harm the host
 * without the sandbox aims at a target the test made for it
 * (tools/probe_targets: a scratch directory, sockets, a victim process),
 * which the probe finds in its config.
 *
 * After its attacks the probe shows that they harmed nobody else: it opens
 * a Hello session and calls its sibling, which needs init to route the
 * request, core to move the session's quota between the PDs, the sibling to
 * answer, and core's LOG service to print the result. The functions are
 * static inline: each component includes this header once, and one that
 * needs only some of them (the crash witness) still compiles under -Werror.
 * It needs _GNU_SOURCE (strerrorname_np), defined before the first include.
 */
#ifndef PROBE_COMMON_H
#define PROBE_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/xml.h>
#include <nest/session/hello.h>

struct probe {
	struct nest_env *env;
	unsigned         allowed;      /* attempts that succeeded */
	unsigned         wrong;        /* refused, but not as expected */
};

/* how an attempt is refused: the errno, and who gives it */
struct refusal {
	int         error;
	const char *by;
};

/* the layers of the sandbox, each with the errno it answers */
static const struct refusal BY_FILTER           = { EPERM,        "the seccomp filter" };
static const struct refusal BY_FILTER_FOR_CLONE3 = { ENOSYS,      "the seccomp filter, for clone3" };
static const struct refusal BY_EMPTY_ROOT       = { ENOENT,       "the empty root" };
static const struct refusal BY_OWN_NETWORK      = { ECONNREFUSED, "the network namespace" };
static const struct refusal BY_OWN_PIDS         = { ESRCH,        "the PID namespace" };
static const struct refusal BY_DATA_LIMIT       = { ENOMEM,       "RLIMIT_DATA" };
static const struct refusal BY_ADDRESS_SPACE_LIMIT = { ENOMEM,    "RLIMIT_AS" };
static const struct refusal BY_FILE_SIZE_LIMIT  = { EFBIG,        "RLIMIT_FSIZE" };
static const struct refusal BY_DESCRIPTOR_LIMIT = { EINVAL,       "RLIMIT_NOFILE" };

/* what Nest refuses without the sandbox too */
static const struct refusal BY_SEALS            = { EPERM,  "core's seals on the dataspace" };
static const struct refusal BY_CORE_TRACING     = { EPERM,  "core, which traces every component" };
static const struct refusal BY_EXEC             = { EBADF,  "exec, which closed the binary" };

static inline const char *error_name(int error)
{
	const char *name = strerrorname_np(error);
	return name ? name : "an unknown errno";
}

static inline void judge(struct probe *p, const char *attempt, long result, int error,
                         const struct refusal *sandbox, const struct refusal *beyond)
{
	if (result >= 0) {
		p->allowed++;
		nest_log(p->env, "probe: %s: ALLOWED", attempt);
	} else if (error == sandbox->error || (beyond && error == beyond->error)) {
		nest_log(p->env, "probe: %s: denied (%s)", attempt, error_name(error));
	} else {
		p->wrong++;
		nest_log(p->env, "probe: %s: WRONG REFUSAL (got %s, the sandbox gives %s: %s)",
		         attempt, error_name(error), error_name(sandbox->error), sandbox->by);
	}
}

/* an attack the sandbox refuses as 'sandbox' says, and nothing else stops;
 * result < 0 means refused, with error the errno of the attempt */
static inline void expect_refused(struct probe *p, const char *attempt, long result, int error,
                                  struct refusal sandbox)
{
	judge(p, attempt, result, error, &sandbox, NULL);
}

/* the same for an attempt that yields a descriptor: closes it if it got one */
static inline void expect_refused_fd(struct probe *p, const char *attempt, long fd, int error,
                                     struct refusal sandbox)
{
	judge(p, attempt, fd, error, &sandbox, NULL);
	if (fd >= 0)
		close((int)fd);
}

/* an attack the sandbox refuses as 'sandbox' says, and Nest as 'beyond'
 * says where there is no sandbox */
static inline void expect_refused_always(struct probe *p, const char *attempt, long result,
                                         int error, struct refusal sandbox,
                                         struct refusal beyond)
{
	judge(p, attempt, result, error, &sandbox, &beyond);
}

/* room for a target's name: a path of the test's scratch directory, a number */
enum { TARGET_SIZE = 256 };

/* the attribute 'name' of the probe's config: a target the test made */
static inline bool probe_target(struct probe *p, const char *name, char *value, size_t size)
{
	struct nest_attached_rom config;
	struct nest_xml_node node;
	struct nest_xml_error error;
	bool found = false;

	if (nest_attached_rom_open(&config, p->env, "label=\"config\", ram_quota=4K, cap_quota=1"))
		return false;
	if (config.content && !nest_xml_parse(config.content, config.size, &node, &error))
		found = nest_xml_attr_str(&node, name, value, size);
	nest_attached_rom_close(&config);
	return found;
}

/* the path of 'name' in the test's scratch directory; "" if it does not
 * fit, which misses every target (the scenario then fails) */
static inline const char *in_scratch(char *path, size_t size, const char *scratch,
                                     const char *name)
{
	size_t dir = strnlen(scratch, size), file = strlen(name);

	path[0] = '\0';
	if (dir + 1 + file < size) {
		memcpy(path, scratch, dir);
		path[dir] = '/';
		memcpy(path + dir + 1, name, file + 1);
	}
	return path;
}

static inline bool probe_target_number(struct probe *p, const char *name, long *value)
{
	char text[32], *end;

	if (!probe_target(p, name, text, sizeof(text)))
		return false;
	*value = strtol(text, &end, 10);
	return end != text && *end == '\0';
}

/* true if hello_server, routed to the probe as "Hello", still adds */
static inline bool sibling_serves(struct probe *p)
{
	struct hello_client hello;
	struct nest_cap session = NEST_CAP_INVALID;
	int32_t sum = 0;
	enum nest_error err;

	err = nest_env_session(p->env, "Hello", "label=\"\", ram_quota=8K, cap_quota=2",
	                       &session);
	if (err) {
		nest_log(p->env, "probe: sibling hello_server: no Hello session (%s)",
		         nest_error_name(err));
		return false;
	}
	hello_client_init(&hello, session);
	err = hello_add(&hello, 3, 4, &sum);
	if (err)
		nest_log(p->env, "probe: sibling hello_server: add failed (%s)",
		         nest_error_name(err));
	else
		nest_log(p->env, "probe: sibling hello_server still serves: 3 + 4 = %d", (int)sum);
	nest_env_close(p->env, hello.cap);
	hello_client_fini(&hello);
	return !err && sum == 7;
}

/* the end of every probe: 0 only if every attempt was refused as expected
 * and the sibling lives */
static inline _Noreturn void probe_finish(struct probe *p)
{
	bool serves;

	nest_log(p->env, "probe: done");
	serves = sibling_serves(p);
	nest_env_exit(p->env, p->allowed == 0 && p->wrong == 0 && serves ? 0 : 1);
}

/* a probe whose config lacks a target cannot aim: it stops, failing */
static inline _Noreturn void probe_without_target(struct probe *p, const char *name)
{
	nest_log(p->env, "probe: no target \"%s\" in the config: cannot aim", name);
	p->wrong++;
	probe_finish(p);
}

#endif
