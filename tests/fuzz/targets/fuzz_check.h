/*
 * \brief  How the handler fuzz targets state an invariant and count descriptors
 *
 * A violated invariant is printed as "invariant violated: ..." (the line
 * tests/fuzz.test looks for) and abort()s, so that libFuzzer keeps the input.
 * A capability is a descriptor, so a handler that forgets one leaks a
 * descriptor: the census compares the descriptors a process has open with
 * those it had before, and names each one that is new.
 */
#ifndef NEST_FUZZ_CHECK_H
#define NEST_FUZZ_CHECK_H

#include <stdbool.h>

_Noreturn void fuzz_violated(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond) ((cond) ? (void)0 : fuzz_violated(__FILE__, __LINE__, "%s", #cond))
#define CHECKF(cond, ...) ((cond) ? (void)0 : fuzz_violated(__FILE__, __LINE__, __VA_ARGS__))

enum { FD_CENSUS_MAX = 4096 };

struct fd_census { unsigned char open[FD_CENSUS_MAX / 8]; };

void fd_census_take(struct fd_census *census);
/* the same descriptors are open as at the census (else a violation that
 * names the first that differs, with what it is: socket, pipe, memfd) */
void fd_census_expect_same(const struct fd_census *census, const char *when);

/* the descriptor is open */
bool fd_is_open(int fd);

/* as many descriptors as the hard limit allows: a run holds many at once */
void fuzz_raise_descriptor_limit(void);

#endif
