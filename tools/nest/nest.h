/*
 * \brief  The subcommands of the host tool `nest`, for main.c and the tests
 *
 * `nest` runs on the host beside a running core and reads what core writes
 * with --report-dir; each subcommand lives in a file of its own.
 */
#ifndef NEST_TOOLS_NEST_H
#define NEST_TOOLS_NEST_H

#include <stddef.h>
#include <stdio.h>
#include <nest/error.h>

/* `nest top [--once] [DIR]`; args[0] is "top"; the exit status */
int top_main(int argc, char **argv, const char *default_dir);

/*
 * The table of DIR/init.state, with the children of nested inits (whose
 * reports are DIR/init.CHILD.state, and so on) indented beneath them.
 * NEST_ERR_NOT_FOUND if DIR/init.state does not exist, another error if it
 * cannot be read or parsed; why, in 'error'.
 */
enum nest_error top_render(const char *dir, FILE *out, char *error, size_t error_size);

#endif
