/*
 * \brief  What every sandbox probe shares: reporting attempts and the final proof
 *
 * A probe plays the attacker as a child of init beside hello_server. Each
 * attempt logs one line, "denied (<why>)" or "ALLOWED". After its attacks
 * the probe shows that they harmed nobody else: it opens a Hello session
 * and calls its sibling, which needs init to route the request, core to
 * move the session's quota between the PDs, the sibling to answer, and
 * core's LOG service to print the result. The functions are static inline:
 * each component includes this header once, and one that needs only some
 * of them (the crash witness) still compiles under -Werror.
 */
#ifndef PROBE_COMMON_H
#define PROBE_COMMON_H

#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <nest/env.h>
#include <nest/session/hello.h>

struct probe {
	struct nest_env *env;
	unsigned         allowed;      /* attempts that succeeded */
};

/* result < 0 means refused, with error the errno of the attempt */
static inline void report(struct probe *p, const char *attempt, long result, int error)
{
	if (result < 0) {
		nest_log(p->env, "probe: %s: denied (%s)", attempt, strerror(error));
		return;
	}
	p->allowed++;
	nest_log(p->env, "probe: %s: ALLOWED", attempt);
}

/* an attempt that yields a descriptor: close it if it got one */
static inline void report_fd(struct probe *p, const char *attempt, long fd, int error)
{
	report(p, attempt, fd, error);
	if (fd >= 0)
		close((int)fd);
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

/* the end of every probe: 0 only if nothing was allowed and the sibling lives */
static inline _Noreturn void probe_finish(struct probe *p)
{
	bool serves;

	nest_log(p->env, "probe: done");
	serves = sibling_serves(p);
	nest_env_exit(p->env, p->allowed == 0 && serves ? 0 : 1);
}

#endif
