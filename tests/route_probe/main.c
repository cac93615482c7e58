/*
 * \brief  Asks for the Hello service under many labels, to test routing
 *
 * Which server a session reaches shows in that server's log ("new session
 * for ..."), so the scenario checks every rule from both sides.
 */
#include <stdio.h>
#include <nest/env.h>
#include <nest/session/hello.h>

static void request(struct nest_env *env, const char *label)
{
	char args[128];
	struct nest_cap session;
	enum nest_error err;

	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=8K, cap_quota=2", label);
	err = nest_env_session(env, "Hello", args, &session);
	nest_log(env, "route_probe: \"%s\": %s", label, err ? nest_error_name(err) : "granted");
	if (!err) {
		nest_env_close(env, session);
		nest_cap_release(&session);
	}
}

void component_construct(struct nest_env *env)
{
	static const char *const labels[] = {
		"a", "b -> x", "y.suffix", "p -> last", "unscoped", "missing", "", "zzz", "alias", "any",
		"who", "what", "file",
	};
	for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		request(env, labels[i]);
	nest_env_exit(env, 0);
}
