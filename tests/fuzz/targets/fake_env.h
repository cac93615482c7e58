/*
 * \brief  Where init's exit returns to in the init fuzz target (fake_env.c)
 */
#ifndef NEST_FUZZ_FAKE_ENV_H
#define NEST_FUZZ_FAKE_ENV_H

#include <setjmp.h>

/* set by the target with setjmp() before init runs; nest_env_exit jumps there */
extern jmp_buf fake_env_exit;

/* optional: told of each line init logs */
extern void (*fake_env_logged)(const char *line);

#endif
