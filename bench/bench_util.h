/*
 * \brief  Option parsing, CPU pinning, timing and statistics for the baselines
 *
 * Every ping-pong benchmark in bench/ takes the same options, pins its
 * processes the same way and reports the same one-line result, so that
 * bench/run can put the figures side by side and divide them. Keeping this in
 * one header makes sure two baselines never differ in how they measure.
 *
 * A run is split into batches; each batch yields the mean time of one round
 * trip within it. The median of the batch means is the figure, p10 and p90 of
 * the batch means show the spread (a noisy neighbour moves p90, not median).
 */
#ifndef NEST_BENCH_UTIL_H
#define NEST_BENCH_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum bench_cpus { BENCH_CPUS_SAME, BENCH_CPUS_SPLIT };

struct bench_opts {
	enum bench_cpus cpus;
	long rounds;        /* measured round trips, a multiple of batches */
	long batches;
	long warmup;        /* round trips before measuring */
	int  client_cpu;
	int  server_cpu;
};

static const char *bench_name = "bench";

static inline void bench_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static inline void bench_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", bench_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static inline const char *bench_cpus_name(enum bench_cpus cpus)
{
	return cpus == BENCH_CPUS_SAME ? "same" : "split";
}

static inline long bench_parse_long(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		bench_die("%s: not a non-negative number: '%s'", opt, s);
	return v;
}

static inline void bench_usage(FILE *f)
{
	fprintf(f, "usage: %s [--cpus same|split] [--rounds N] [--batches B]"
	        " [--warmup W]\n"
	        "  --cpus same   both sides on CPU 0 (default)\n"
	        "  --cpus split  client on CPU 0, server on CPU 1\n", bench_name);
}

/*
 * Fill 'o' from the command line; the defaults depend on the pinning because a
 * round trip across cores costs several times one on a single core.
 */
static inline void bench_parse(struct bench_opts *o, int argc, char **argv,
                        const char *name, long rounds_same, long rounds_split)
{
	long rounds = -1;
	int i;

	bench_name = name;
	o->cpus    = BENCH_CPUS_SAME;
	o->batches = 100;
	o->warmup  = -1;

	for (i = 1; i < argc; i += 2) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			bench_usage(stdout);
			exit(0);
		}
		if (!v) {
			bench_usage(stderr);
			exit(2);
		}
		if (!strcmp(a, "--cpus")) {
			if (!strcmp(v, "same"))
				o->cpus = BENCH_CPUS_SAME;
			else if (!strcmp(v, "split"))
				o->cpus = BENCH_CPUS_SPLIT;
			else
				bench_die("--cpus: expected same or split, got '%s'", v);
		} else if (!strcmp(a, "--rounds")) {
			rounds = bench_parse_long(a, v);
		} else if (!strcmp(a, "--batches")) {
			o->batches = bench_parse_long(a, v);
		} else if (!strcmp(a, "--warmup")) {
			o->warmup = bench_parse_long(a, v);
		} else {
			bench_usage(stderr);
			exit(2);
		}
	}

	if (rounds < 0)
		rounds = o->cpus == BENCH_CPUS_SAME ? rounds_same : rounds_split;
	if (o->batches < 1)
		bench_die("--batches must be at least 1");
	if (rounds < o->batches)
		rounds = o->batches;
	o->rounds = rounds - rounds % o->batches;
	if (o->warmup < 0)
		o->warmup = o->rounds / 10;

	o->client_cpu = 0;
	o->server_cpu = o->cpus == BENCH_CPUS_SAME ? 0 : 1;
}

/* pin the calling process (all its future threads and children) to one CPU */
static inline void bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		bench_die("cannot pin to CPU %d: %s", cpu, strerror(errno));
}

static inline long long bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* percentile by linear interpolation between the closest ranks, 'v' sorted */
static inline double bench_percentile(const double *v, long n, double p)
{
	double pos = p / 100.0 * (double)(n - 1);
	long   lo  = (long)pos;
	double f   = pos - (double)lo;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + f * (v[lo + 1] - v[lo]);
}

/*
 * Measure: call 'round_trip' o->warmup times, then o->rounds times in
 * o->batches batches, and print the result line on stdout. 'round_trip'
 * returns non-zero on failure, which ends the program via bench_die, that is
 * exit(1): a program with something to clean up registers it with atexit.
 */
static inline void bench_measure(const struct bench_opts *o,
                          int (*round_trip)(void *), void *arg)
{
	long per_batch = o->rounds / o->batches;
	double *means;
	long b, i;

	means = calloc((size_t)o->batches, sizeof(*means));
	if (!means)
		bench_die("out of memory");

	for (i = 0; i < o->warmup; i++)
		if (round_trip(arg))
			bench_die("round trip failed during warm-up");

	for (b = 0; b < o->batches; b++) {
		long long t0 = bench_now_ns(), t1;

		for (i = 0; i < per_batch; i++)
			if (round_trip(arg))
				bench_die("round trip failed");
		t1 = bench_now_ns();
		means[b] = (double)(t1 - t0) / (double)per_batch / 1000.0;
	}

	qsort(means, (size_t)o->batches, sizeof(*means), bench_cmp_double);
	printf("%s cpus=%s median_us=%.2f p10_us=%.2f p90_us=%.2f\n",
	       bench_name, bench_cpus_name(o->cpus),
	       bench_percentile(means, o->batches, 50),
	       bench_percentile(means, o->batches, 10),
	       bench_percentile(means, o->batches, 90));
	fflush(stdout);
	free(means);
}

#endif /* NEST_BENCH_UTIL_H */
