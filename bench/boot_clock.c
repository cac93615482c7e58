/*
 * \brief  Times boots of core until N log lines, reads what its components cost
 *
 * A boot is over when the last component has said so on its LOG session,
 * which core prints to its stdout the moment the line arrives. A shell loop
 * reading that output adds its own fork and scheduling noise of several
 * milliseconds, so this host program (not a component) starts core itself
 * with stdout on a pipe, takes a monotonic timestamp just before the spawn
 * and another when the wanted line count is reached, then ends core.
 *
 * Core never exits by itself here (no child propagates its exit): it is
 * sent SIGTERM, and its components die with it (PR_SET_PDEATHSIG). To be
 * sure none survives into the next boot's measurement, this program is a
 * child subreaper: orphaned components are reparented to it and reaped, and
 * any still alive after a grace period are killed and reported as a failure.
 *
 * With --memory PREFIX, after the last boot, it reads VmRSS and the other
 * resident-set counters from /proc/PID/status, Pss and USS from
 * /proc/PID/smaps_rollup and what the binary and the dataspaces take from
 * /proc/PID/smaps of every child of core whose command line (its component
 * name) starts with PREFIX, and prints the medians. Reading smaps of a
 * sandboxed (non-dumpable) component needs root.
 *
 * The same measures the baseline, bench/raw_boot, in place of core.
 *
 * Output (the names are set with --name and --memory-name):
 *   nest_boot median_ms=... p10_ms=... p90_ms=... min_ms=... max_ms=... boots=N components=L
 *   nest_idle_rss rss_kib=... pss_kib=... uss_kib=... ... components=C
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

extern char **environ;

enum {
	MAX_BOOTS      = 1000,
	MAX_PROCS      = 1024,
	LINE_MAX_LEN   = 4096,
	REAP_GRACE_MS  = 5000,
	SETTLE_MS      = 200,    /* before reading memory: all are idle by then */
};

struct opts {
	long        boots;
	long        lines;          /* log lines that end a boot */
	long        timeout_ms;     /* for one boot */
	const char *match;          /* a line counts if it ends with this */
	const char *memory_prefix;  /* NULL: no memory figures */
	const char *name;           /* of the boot-time line */
	const char *memory_name;    /* of the memory line */
	char      **cmd;
};

/* the memory counters of one process, in KiB */
struct mem {
	double rss, anon, file, shmem, pte;      /* /proc/PID/status */
	double pss, pss_anon, pss_shmem, uss;    /* /proc/PID/smaps_rollup */
	double bin_rss, bin_pss;                 /* /proc/PID/smaps: the binary */
	double ds_rss, ds_pss;                   /* and the RAM dataspaces mapped */
};

struct line_reader {
	int    fd;
	char   buf[LINE_MAX_LEN];
	size_t len;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: boot_clock [--boots N] [--lines N] [--match TEXT] [--timeout-ms MS]\n"
	        "                  [--memory PREFIX] [--name NAME] [--memory-name NAME]\n"
	        "                  CMD [ARG...]\n"
	        "  times CMD from its start until N lines of its stdout end with TEXT,\n"
	        "  BOOTS times; --memory reads the RSS and PSS of CMD's children named PREFIX*\n");
}

static void parse(struct opts *o, int argc, char **argv)
{
	int i;

	o->boots         = 10;
	o->lines         = 1;
	o->timeout_ms    = 10000;
	o->match         = "";
	o->memory_prefix = NULL;
	o->name          = "nest_boot";
	o->memory_name   = "nest_idle_rss";

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!v) {
			usage(stderr);
			exit(2);
		}
		if (!strcmp(a, "--boots"))
			o->boots = bench_parse_long(a, v);
		else if (!strcmp(a, "--lines"))
			o->lines = bench_parse_long(a, v);
		else if (!strcmp(a, "--timeout-ms"))
			o->timeout_ms = bench_parse_long(a, v);
		else if (!strcmp(a, "--match"))
			o->match = v;
		else if (!strcmp(a, "--memory"))
			o->memory_prefix = v;
		else if (!strcmp(a, "--name"))
			o->name = v;
		else if (!strcmp(a, "--memory-name"))
			o->memory_name = v;
		else {
			usage(stderr);
			exit(2);
		}
	}
	if (i >= argc) {
		usage(stderr);
		exit(2);
	}
	if (o->boots < 1 || o->boots > MAX_BOOTS)
		bench_die("--boots must be between 1 and %d", MAX_BOOTS);
	o->cmd = argv + i;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * Read what is there and count complete lines ending in 'match'; lines that
 * do not are passed to stderr, as they are what explains a failed boot.
 * Returns the number of matching lines, or -1 at the end of the output.
 */
static long read_lines(struct line_reader *r, const char *match)
{
	long count = 0;
	ssize_t n;
	char *nl;

	n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	r->len += (size_t)n;
	while ((nl = memchr(r->buf, '\n', r->len))) {
		size_t len = (size_t)(nl - r->buf);

		if (ends_with(r->buf, len, match))
			count++;
		else
			fprintf(stderr, "%.*s\n", (int)len, r->buf);
		r->len -= len + 1;
		memmove(r->buf, nl + 1, r->len);
	}
	if (r->len == sizeof(r->buf))    /* an overlong line: drop it */
		r->len = 0;
	return count;
}

/* wait until 'lines' lines matched; the time in ms since 't0', or -1 */
static double await_lines(int fd, const struct opts *o, long long t0)
{
	struct line_reader r = { .fd = fd, .len = 0 };
	long seen = 0;

	while (seen < o->lines) {
		long long left = t0 + o->timeout_ms * 1000000LL - bench_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long got;
		int ready;

		if (left <= 0) {
			fprintf(stderr, "boot_clock: timeout after %ld of %ld lines\n", seen, o->lines);
			return -1;
		}
		ready = poll(&p, 1, (int)(left / 1000000 + 1));
		if (ready < 0 && errno != EINTR)
			bench_die("poll: %s", strerror(errno));
		if (ready <= 0)
			continue;
		got = read_lines(&r, o->match);
		if (got < 0) {
			fprintf(stderr, "boot_clock: '%s' ended its output after %ld of %ld lines\n",
			        o->cmd[0], seen, o->lines);
			return -1;
		}
		seen += got;
	}
	return (double)(bench_now_ns() - t0) / 1e6;
}

static pid_t spawn(char **cmd, int out)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err;

	if (posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO))
		bench_die("posix_spawn_file_actions: out of memory");
	err = posix_spawn(&pid, cmd[0], &fa, NULL, cmd, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		bench_die("cannot start '%s': %s", cmd[0], strerror(err));
	return pid;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* the pids of our own descendants reparented to us (we are their subreaper) */
static int orphans(pid_t *pids, int max);

/*
 * End 'core' and reap it and every component it leaves behind; returns 0
 * if all are gone, -1 if some had to be killed after the grace period.
 */
static int end_boot(pid_t core)
{
	long long deadline;
	int status;
	pid_t pid;

	kill(core, SIGTERM);
	if (waitpid(core, &status, 0) != core)
		bench_die("waitpid core: %s", strerror(errno));
	deadline = bench_now_ns() + REAP_GRACE_MS * 1000000LL;
	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0)
			continue;
		if (pid < 0 && errno == ECHILD)
			return 0;
		if (pid < 0 && errno != EINTR)
			bench_die("waitpid: %s", strerror(errno));
		if (bench_now_ns() > deadline)
			break;
		sleep_ms(1);
	}
	{
		pid_t left[MAX_PROCS];
		int n = orphans(left, MAX_PROCS);

		for (int i = 0; i < n; i++) {
			fprintf(stderr, "boot_clock: process %d survived core, killing it\n", left[i]);
			kill(left[i], SIGKILL);
		}
		while (waitpid(-1, &status, 0) > 0)
			;
	}
	return -1;
}

/* --------------------------------------------------------------------------
 * /proc
 * -------------------------------------------------------------------------- */

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return -1;
	/* ") S ppid ..." */
	if (sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* the pids of the children of 'parent', at most 'max' */
static int children(pid_t parent, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		bench_die("/proc: %s", strerror(errno));
	while ((e = readdir(d)) && n < max) {
		pid_t pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)atoi(e->d_name);
		if (parent_of(pid) == parent)
			pids[n++] = pid;
	}
	closedir(d);
	return n;
}

static int orphans(pid_t *pids, int max)
{
	return children(getpid(), pids, max);
}

/* the value in KiB of "key: value kB" in 'text', or -1 */
static double kib(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *l = text;

	while (l) {
		if (!strncmp(l, key, n) && l[n] == ':')
			return strtod(l + n + 1, NULL);
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return -1;
}

/*
 * Sum Rss and Pss of the RAM dataspaces (memfds core names "nest-ram") and
 * of every other mapping of a file, from /proc/PID/smaps: for a static
 * binary the latter is the binary (for a component, its ROM memfd)
 */
static int read_mappings(pid_t pid, struct mem *m)
{
	enum { OTHER, BINARY, DATASPACE } kind = OTHER;
	char path[64], *line = NULL;
	size_t size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if (!(f = fopen(path, "re")))
		return -1;
	m->bin_rss = m->bin_pss = m->ds_rss = m->ds_pss = 0;
	while (getline(&line, &size, f) > 0) {
		double v;

		/* "start-end perms offset dev inode path", then its counters */
		if (isxdigit((unsigned char)line[0]) && !isupper((unsigned char)line[0])) {
			unsigned long inode = 0;

			sscanf(line, "%*s %*s %*s %*s %lu", &inode);
			kind = strstr(line, "/memfd:nest-ram") ? DATASPACE
			     : inode ? BINARY : OTHER;
			continue;
		}
		if (kind == OTHER)
			continue;
		if ((v = kib(line, "Rss")) >= 0)
			*(kind == BINARY ? &m->bin_rss : &m->ds_rss) += v;
		else if ((v = kib(line, "Pss")) >= 0)
			*(kind == BINARY ? &m->bin_pss : &m->ds_pss) += v;
	}
	free(line);
	fclose(f);
	return 0;
}

static int read_mem(pid_t pid, struct mem *m)
{
	static char status[8192], rollup[8192];
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_file(path, status, sizeof(status)) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	if (read_file(path, rollup, sizeof(rollup)) < 0) {
		fprintf(stderr, "boot_clock: %s: %s (reading a sandboxed component's"
		        " smaps needs root)\n", path, strerror(errno));
		return -1;
	}
	m->rss       = kib(status, "VmRSS");
	m->anon      = kib(status, "RssAnon");
	m->file      = kib(status, "RssFile");
	m->shmem     = kib(status, "RssShmem");
	m->pte       = kib(status, "VmPTE");
	m->pss       = kib(rollup, "Pss");
	m->pss_anon  = kib(rollup, "Pss_Anon");
	m->pss_shmem = kib(rollup, "Pss_Shmem");
	m->uss       = kib(rollup, "Private_Clean") + kib(rollup, "Private_Dirty");
	if (read_mappings(pid, m))
		return -1;
	return m->rss < 0 || m->pss < 0 ? -1 : 0;
}

/* whether argv[0] of 'pid' (a component's name) starts with 'prefix' */
static int named(pid_t pid, const char *prefix)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	return read_file(path, buf, sizeof(buf)) > 0 && !strncmp(buf, prefix, strlen(prefix));
}

static double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return bench_percentile(v, n, 50);
}

/* the figures printed, in this order */
static const struct { const char *name; size_t offset; } fields[] = {
	{ "rss_kib",       offsetof(struct mem, rss) },
	{ "pss_kib",       offsetof(struct mem, pss) },
	{ "uss_kib",       offsetof(struct mem, uss) },
	{ "anon_kib",      offsetof(struct mem, anon) },
	{ "file_kib",      offsetof(struct mem, file) },
	{ "shmem_kib",     offsetof(struct mem, shmem) },
	{ "pss_anon_kib",  offsetof(struct mem, pss_anon) },
	{ "pss_shmem_kib", offsetof(struct mem, pss_shmem) },
	{ "pte_kib",       offsetof(struct mem, pte) },
	{ "binary_rss_kib", offsetof(struct mem, bin_rss) },
	{ "binary_pss_kib", offsetof(struct mem, bin_pss) },
	{ "ds_rss_kib",    offsetof(struct mem, ds_rss) },
	{ "ds_pss_kib",    offsetof(struct mem, ds_pss) },
};

/*
 * Read and print the medians over core's children named 'prefix*', with
 * core's ("parent") and init's own figures beside them
 */
static int report_memory(pid_t core, const char *prefix, const char *name)
{
	static pid_t pids[MAX_PROCS];
	static struct mem m[MAX_PROCS];
	static double v[MAX_PROCS];
	struct mem core_mem, init_mem = { .rss = -1, .pss = -1 };
	int n, count = 0;

	n = children(core, pids, MAX_PROCS);
	for (int i = 0; i < n; i++) {
		if (named(pids[i], "init") && read_mem(pids[i], &init_mem))
			return -1;
		if (!named(pids[i], prefix))
			continue;
		if (read_mem(pids[i], &m[count]))
			return -1;
		count++;
	}
	if (count == 0) {
		fprintf(stderr, "boot_clock: no child of core named '%s*'\n", prefix);
		return -1;
	}
	if (read_mem(core, &core_mem))
		return -1;

	printf("%s", name);
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		for (int i = 0; i < count; i++)
			v[i] = *(const double *)((const char *)&m[i] + fields[f].offset);
		printf(" %s=%.0f", fields[f].name, median_of(v, count));
	}
	printf(" parent_rss_kib=%.0f parent_pss_kib=%.0f", core_mem.rss, core_mem.pss);
	if (init_mem.rss >= 0)
		printf(" init_rss_kib=%.0f init_pss_kib=%.0f", init_mem.rss, init_mem.pss);
	printf(" components=%d\n", count);
	fflush(stdout);
	return 0;
}

/* --------------------------------------------------------------------------
 * Main
 * -------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static double ms[MAX_BOOTS];
	struct opts o;
	int failed = 0;

	bench_name = "boot_clock";
	parse(&o, argc, argv);

	/* components orphaned by core's end are reparented to us and reaped */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		bench_die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	/* a dead reader must not kill us: the write fails and is reported */
	signal(SIGPIPE, SIG_IGN);

	for (long b = 0; b < o.boots && !failed; b++) {
		int out[2];
		long long t0;
		pid_t core;

		if (pipe2(out, O_CLOEXEC))
			bench_die("pipe: %s", strerror(errno));
		t0   = bench_now_ns();
		core = spawn(o.cmd, out[1]);
		close(out[1]);
		ms[b] = await_lines(out[0], &o, t0);
		if (ms[b] < 0)
			failed = 1;
		else if (o.memory_prefix && b == o.boots - 1) {
			sleep_ms(SETTLE_MS);
			failed = report_memory(core, o.memory_prefix, o.memory_name) != 0;
		}
		close(out[0]);
		if (end_boot(core))
			failed = 1;
	}
	if (failed)
		return 1;

	qsort(ms, (size_t)o.boots, sizeof(*ms), bench_cmp_double);
	printf("%s median_ms=%.1f p10_ms=%.1f p90_ms=%.1f min_ms=%.1f max_ms=%.1f"
	       " boots=%ld components=%ld\n", o.name,
	       bench_percentile(ms, o.boots, 50), bench_percentile(ms, o.boots, 10),
	       bench_percentile(ms, o.boots, 90), ms[0], ms[o.boots - 1], o.boots, o.lines);
	return 0;
}
