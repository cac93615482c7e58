/*
 * \brief  The environment calls of the component runtime, for init inside a fuzzer
 *
 * lib/component/component.c defines them together with a component's
 * start-up (its main), which a fuzz target cannot link; those on sessions,
 * RAM and mappings it takes from lib/component/env.c. These do what the
 * runtime's do, with one difference: nest_env_exit()
 * tells the parent and then returns to the fuzz target (fake_env_exit), which
 * ends the input there, since init is gone; and the target may read what
 * init logs (fake_env_logged).
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/log.h>
#include <nest/session/parent.h>
#include <nest/session/pd.h>
#include "tests/fuzz/targets/fake_env.h"

jmp_buf fake_env_exit;
void  (*fake_env_logged)(const char *line);

void nest_vlog(struct nest_env *env, const char *fmt, va_list args)
{
	char text[1000];
	char *line = text;

	vsnprintf(text, sizeof(text), fmt, args);
	while (line) {
		char *newline = strchr(line, '\n');
		if (newline)
			*newline = 0;
		if (*line || !newline)
			log_write(&env->log, line);
		if (fake_env_logged)
			fake_env_logged(line);
		line = newline ? newline + 1 : NULL;
	}
}

void nest_log(struct nest_env *env, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	nest_vlog(env, fmt, args);
	va_end(args);
}

/* init announces while it serves: at once */
enum nest_error nest_env_announce(struct nest_env *env, const char *service,
                                  struct nest_cap root)
{
	return parent_announce(&env->parent, service, root, 0);
}

_Noreturn void nest_env_exit(struct nest_env *env, int code)
{
	parent_exit(&env->parent, code);
	longjmp(fake_env_exit, 1);
}
