/*
 * \brief  nest top: the component tree of a running system, from init's state report
 *
 * So that an operator sees at a glance what runs, what it holds and what is
 * stuck, without a component of its own: core writes init's state report to
 * DIR/init.state (core --report-dir DIR, init's config has a <report>), and
 * this reads it. One line per child: state, RAM and caps assigned and used,
 * sessions requested and provided, skipped heartbeats. A nested init that
 * reports to its parent appears as DIR/init.NAME.state; its children are
 * shown indented beneath it, as are <child> nodes nested in a report.
 *
 * Live, the table is rendered every POLL_MS and redrawn when it changed
 * (core replaces a report by rename, so a half-written one is never seen);
 * 'q', Ctrl-C or a terminating signal ends it and restores the terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <nest/xml.h>
#include "tools/nest/nest.h"

enum {
	POLL_MS        = 200,
	REPORT_MAX     = 4 << 20,   /* more than any Report buffer holds */
	NESTING_MAX    = 8,         /* nested inits shown beneath each other */
	NAME_WIDTH     = 22,
	CELL           = 24,
};

struct report {                    /* one state report, read whole */
	char                *text;
	struct nest_xml_node root;
};

static enum nest_error report_read(const char *path, struct report *r, char *error,
                                   size_t error_size)
{
	FILE *f = fopen(path, "r");
	struct nest_xml_error syntax;
	struct stat st;
	size_t len = 0;

	if (!f) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? NEST_ERR_NOT_FOUND : NEST_ERR_IO;
	}
	r->text = NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size <= REPORT_MAX &&
	    (r->text = malloc((size_t)st.st_size + 1)))
		len = fread(r->text, 1, (size_t)st.st_size, f);
	fclose(f);
	if (!r->text) {
		snprintf(error, error_size, "%s: cannot read it whole", path);
		return NEST_ERR_IO;
	}
	if (nest_xml_parse(r->text, len, &r->root, &syntax)) {
		snprintf(error, error_size, "%s:%u:%u: %s", path, syntax.line, syntax.column,
		         syntax.message);
		free(r->text);
		return NEST_ERR_SYNTAX;
	}
	if (!nest_xml_has_type(&r->root, "state")) {
		snprintf(error, error_size, "%s: not a <state> report", path);
		free(r->text);
		return NEST_ERR_SYNTAX;
	}
	return NEST_OK;
}

/* a nested init is a component and writes its report itself: nothing of it
 * may reach the terminal as a control sequence, as in core's LOG */
static char *printable(char *text)
{
	for (char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return text;
}

/* bytes as a person reads them at a glance: 512, 24K, 1.5M, 2G */
static void human_bytes(uint64_t bytes, char *cell)
{
	static const char units[] = "KMGT";
	double value = (double)bytes;
	int unit = -1;

	if (bytes < 1024) {
		snprintf(cell, CELL, "%llu", (unsigned long long)bytes);
		return;
	}
	while (value >= 1024 && unit < 3) {
		value /= 1024;
		unit++;
	}
	if (value < 10 && value != (double)(uint64_t)value)
		snprintf(cell, CELL, "%.1f%c", value, units[unit]);
	else
		snprintf(cell, CELL, "%.0f%c", value, units[unit]);
}

/* attribute 'name' of the sub node 'type' of node, as bytes or a count; "-" if absent */
static void cell_of(const struct nest_xml_node *node, const char *type, const char *name,
                    bool bytes, char *cell)
{
	struct nest_xml_node sub;
	uint64_t value;

	if (!nest_xml_sub(node, type, &sub) || !nest_xml_attr_u64(&sub, name, &value))
		snprintf(cell, CELL, "-");
	else if (bytes)
		human_bytes(value, cell);
	else
		snprintf(cell, CELL, "%llu", (unsigned long long)value);
}

/* "open/limit": the descriptors a child's caps pay for, as core counted them */
static void descriptors_of(const struct nest_xml_node *child, char *cell)
{
	struct nest_xml_node caps;
	uint64_t open, limit;

	if (nest_xml_sub(child, "caps", &caps) && nest_xml_attr_u64(&caps, "descriptors", &open) &&
	    nest_xml_attr_u64(&caps, "descriptor_limit", &limit))
		snprintf(cell, CELL, "%llu/%llu", (unsigned long long)open, (unsigned long long)limit);
	else
		snprintf(cell, CELL, "-");
}

static void session_count(const struct nest_xml_node *child, const char *type, char *cell)
{
	struct nest_xml_node list;

	if (nest_xml_sub(child, type, &list))
		snprintf(cell, CELL, "%u", nest_xml_sub_count(&list, "session"));
	else
		snprintf(cell, CELL, "-");
}

/* as Genode's init reports it: "exited" only once exited, "state" only if not running */
static void state_of(const struct nest_xml_node *child, char *cell)
{
	char value[CELL - 8];

	if (nest_xml_attr_str(child, "exited", value, sizeof(value)))
		snprintf(cell, CELL, "exited %s", value);
	else if (!nest_xml_attr_str(child, "state", cell, CELL))
		snprintf(cell, CELL, "running");
	printable(cell);
}

static void render_children(const char *dir, const char *report_name,
                            const struct nest_xml_node *parent, unsigned depth, FILE *out);

static void render_child(const char *dir, const char *report_name,
                         const struct nest_xml_node *child, unsigned depth, FILE *out)
{
	char name[128], label[NAME_WIDTH + 160], state[CELL], ram[CELL], ram_used[CELL];
	char caps[CELL], caps_used[CELL], fds[CELL], requested[CELL], provided[CELL], skipped[CELL];
	char nested_name[4096], path[4096 + 16], error[256];
	struct report nested;

	if (!nest_xml_attr_str(child, "name", name, sizeof(name)))
		snprintf(name, sizeof(name), "?");
	snprintf(label, sizeof(label), "%*s%s", (int)depth * 2, "", printable(name));
	state_of(child, state);
	cell_of(child, "ram", "assigned", true, ram);
	if (ram[0] == '-')
		cell_of(child, "ram", "quota", true, ram);
	cell_of(child, "ram", "used", true, ram_used);
	cell_of(child, "caps", "assigned", false, caps);
	if (caps[0] == '-')
		cell_of(child, "caps", "quota", false, caps);
	cell_of(child, "caps", "used", false, caps_used);
	descriptors_of(child, fds);
	session_count(child, "requested", requested);
	session_count(child, "provided", provided);
	if (!nest_xml_attr_str(child, "skipped_heartbeats", skipped, sizeof(skipped)))
		snprintf(skipped, sizeof(skipped), "-");
	printable(skipped);
	fprintf(out, "%-*s %-12s %6s %6s %6s %6s %9s %5s %5s %4s\n", NAME_WIDTH, label, state, ram,
	        ram_used, caps, caps_used, fds, requested, provided, skipped);

	if (depth + 1 >= NESTING_MAX)
		return;
	render_children(dir, report_name, child, depth + 1, out);

	/* a nested init's own report, named by core from its label "NAME -> state" */
	for (char *c = name; *c; c++)
		if (*c == '/')
			*c = '_';
	snprintf(nested_name, sizeof(nested_name), "%s.%s", report_name, name);
	snprintf(path, sizeof(path), "%s/%s.state", dir, nested_name);
	if (report_read(path, &nested, error, sizeof(error)) == NEST_OK) {
		render_children(dir, nested_name, &nested.root, depth + 1, out);
		free(nested.text);
	}
}

static void render_children(const char *dir, const char *report_name,
                            const struct nest_xml_node *parent, unsigned depth, FILE *out)
{
	struct nest_xml_node child;

	for (bool more = nest_xml_sub(parent, "child", &child); more;
	     more = nest_xml_next_of_type(&child, "child", &child))
		render_child(dir, report_name, &child, depth, out);
}

/* "init (state version 3): RAM 1M used of 16M, 15M free; caps 30 used of 2000, 1970 free" */
static void render_header(const struct nest_xml_node *state, FILE *out)
{
	char version[64], used[CELL], quota[CELL], avail[CELL];

	fprintf(out, "init");
	if (nest_xml_attr_str(state, "version", version, sizeof(version)))
		fprintf(out, " (state version %s)", printable(version));
	for (int i = 0; i < 2; i++) {
		const char *type = i ? "caps" : "ram";
		struct nest_xml_node sub;
		if (!nest_xml_sub(state, type, &sub))
			continue;
		cell_of(state, type, "used", !i, used);
		cell_of(state, type, "quota", !i, quota);
		cell_of(state, type, "avail", !i, avail);
		fprintf(out, "%s %s %s used of %s, %s free", i ? ";" : ":", i ? "caps" : "RAM", used,
		        quota, avail);
	}
	fprintf(out, "\n%-*s %-12s %6s %6s %6s %6s %9s %5s %5s %4s\n", NAME_WIDTH, "NAME", "STATE",
	        "RAM", "USED", "CAPS", "USED", "FDS", "REQ", "PROV", "HB");
}

enum nest_error top_render(const char *dir, FILE *out, char *error, size_t error_size)
{
	char path[4096];
	struct report report;
	enum nest_error err;

	snprintf(path, sizeof(path), "%s/init.state", dir);
	if ((err = report_read(path, &report, error, error_size)))
		return err;
	render_header(&report.root, out);
	render_children(dir, "init", &report.root, 0, out);
	free(report.text);
	return NEST_OK;
}


/*
 * Live view
 */

struct terminal {
	bool           raw;           /* stdin is a terminal we changed */
	struct termios saved;
	int            signals;       /* signalfd of SIGINT, SIGTERM, SIGHUP */
	sigset_t       blocked;
};

static bool terminal_open(struct terminal *t)
{
	struct termios raw;

	sigemptyset(&t->blocked);
	sigaddset(&t->blocked, SIGINT);
	sigaddset(&t->blocked, SIGTERM);
	sigaddset(&t->blocked, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &t->blocked, NULL) ||
	    (t->signals = signalfd(-1, &t->blocked, SFD_CLOEXEC)) < 0)
		return false;
	t->raw = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t->saved) == 0;
	if (t->raw) {
		raw = t->saved;
		raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);   /* keys one by one, unechoed */
		raw.c_cc[VMIN]  = 1;
		raw.c_cc[VTIME] = 0;
		t->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	printf("\033[?25l");                             /* hide the cursor */
	return true;
}

static void terminal_close(struct terminal *t)
{
	printf("\033[?25h");
	fflush(stdout);
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	close(t->signals);
	sigprocmask(SIG_UNBLOCK, &t->blocked, NULL);
}

/* one screen: the table, or why there is none yet */
static char *render_frame(const char *dir, size_t *len)
{
	char *frame = NULL, error[512];
	FILE *out = open_memstream(&frame, len);
	enum nest_error err;

	if (!out)
		return NULL;
	fprintf(out, "nest top: %s   (q quits)\n\n", dir);
	err = top_render(dir, out, error, sizeof(error));
	if (err == NEST_ERR_NOT_FOUND)
		fprintf(out, "waiting for %s/init.state\n", dir);
	else if (err)
		fprintf(out, "%s\n", error);
	fclose(out);
	return frame;
}

/* true if the user asked to quit */
static bool wait_for_quit(struct terminal *t, bool *keys)
{
	struct pollfd fds[2] = { { .fd = t->signals, .events = POLLIN },
	                         { .fd = *keys ? STDIN_FILENO : -1, .events = POLLIN } };
	char key;

	if (poll(fds, 2, POLL_MS) <= 0)
		return false;
	if (fds[0].revents) {
		struct signalfd_siginfo taken;   /* taken, so that unblocking it does not kill */
		if (read(t->signals, &taken, sizeof(taken)) < 0) { /* quit all the same */ }
		return true;
	}
	if (fds[1].revents) {
		if (read(STDIN_FILENO, &key, 1) != 1)
			*keys = false;                   /* no more input: watch on */
		else if (key == 'q' || key == 'Q')
			return true;
	}
	return false;
}

static int run_live(const char *dir)
{
	struct terminal terminal;
	char *shown = NULL, *frame;
	size_t shown_len = 0, len;
	bool keys = true;

	if (!terminal_open(&terminal)) {
		fprintf(stderr, "nest top: cannot watch for signals: %s\n", strerror(errno));
		return 1;
	}
	do {
		if (!(frame = render_frame(dir, &len)))
			break;
		if (!shown || len != shown_len || memcmp(frame, shown, len)) {
			printf("\033[H\033[2J%s", frame);      /* home, clear, draw */
			fflush(stdout);
			free(shown);
			shown     = frame;
			shown_len = len;
		} else {
			free(frame);
		}
	} while (!wait_for_quit(&terminal, &keys));
	free(shown);
	terminal_close(&terminal);
	return 0;
}

int top_main(int argc, char **argv, const char *default_dir)
{
	const char *dir = NULL;
	bool once = false;
	char error[512];
	enum nest_error err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			once = true;
		else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else {
			fprintf(stderr, "usage: nest top [--once] [DIR]\n");
			return 2;
		}
	}
	if (!dir)
		dir = default_dir;
	if (!once)
		return run_live(dir);

	err = top_render(dir, stdout, error, sizeof(error));
	if (err == NEST_ERR_NOT_FOUND)
		fprintf(stderr, "nest top: no state report yet: %s (does core run with "
		        "--report-dir %s, and has init's config a <report/>?)\n", error, dir);
	else if (err)
		fprintf(stderr, "nest top: %s\n", error);
	return err ? 1 : 0;
}
