/*
 * \brief  Core's LOG service: each line prefixed with the session label
 *
 * The label was extended by every parent on the way, so "[init -> hello]"
 * names the component truthfully. Control characters other than tab are
 * shown as '?', in the text and in the label, so a client cannot forge line
 * breaks or terminal escapes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session_args.h>
#include <nest/session/log.h>
#include "core/core.h"

NEST_RPC_DISPATCH(log, LOG_INTERFACE)

/*
 * A client may write LINES_PER_S lines a second, and LINES_BURST at once.
 * One that writes more is silenced until a tenth of a burst has built up;
 * what it wrote meanwhile is dropped, and the count is told with its next
 * printed line. So a flood costs the terminal a line per millisecond and a
 * notice every fifth of a second at most, and the log says what is missing.
 */
enum { LINES_PER_S = 1000, LINES_BURST = 2000 };

struct log_server {
	struct nest_rpc_object object;
	char                   label[LABEL_MAX];
	uint64_t               tokens;       /* lines it may write now, times 10^6 */
	uint64_t               refilled_us;
	uint64_t               dropped;      /* silenced while not 0 */
};

/* text as it may reach a terminal: control characters (C0, DEL, and C1
 * as UTF-8) become '?', so that no client forges a line or an escape */
static size_t put_printable(char *line, size_t len, size_t size, const char *text)
{
	for (; *text && len < size; text++) {
		size_t control = *text == '\t' ? 0 : nest_text_control(text);
		line[len++] = control ? '?' : *text;
		text += control ? control - 1 : 0;
	}
	return len;
}

void core_log_line(const char *label, const char *text)
{
	char line[LABEL_MAX + 1100];
	size_t len = 0;

	line[len++] = '[';
	len = put_printable(line, len, LABEL_MAX, label);
	line[len++] = ']';
	line[len++] = ' ';
	len = put_printable(line, len, sizeof(line) - 1, text);
	line[len++] = '\n';
	plat_console_write(line, len);
}

void core_log(const char *fmt, ...)
{
	char text[1024];
	va_list args;
	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	core_log_line("core", text);
}

static bool may_write(struct log_server *log)
{
	const uint64_t line = 1000000, full = LINES_BURST * line;
	uint64_t now = plat_time_us(), gained = (now - log->refilled_us) * LINES_PER_S;

	log->refilled_us = now;
	log->tokens = gained >= full - log->tokens ? full : log->tokens + gained;
	if (log->tokens < (log->dropped ? full / 10 : line))
		return false;
	log->tokens -= line;
	return true;
}

enum nest_error log_serve_write(struct log_server *log, const char *text)
{
	char notice[96];

	if (!may_write(log)) {
		log->dropped++;
		return NEST_OK;
	}
	if (log->dropped) {
		snprintf(notice, sizeof(notice), "(%llu lines dropped: more than %u a second)",
		         (unsigned long long)log->dropped, LINES_PER_S);
		core_log_line(log->label, notice);
		log->dropped = 0;
	}
	core_log_line(log->label, text);
	return NEST_OK;
}

enum nest_error log_session_create(struct core *core, const char *label, void **server,
                                   struct nest_rpc_object **object)
{
	struct log_server *log = calloc(1, sizeof(*log));
	if (!log)
		return NEST_ERR_OUT_OF_RAM;
	snprintf(log->label, sizeof(log->label), "%s", label);
	log->tokens      = (uint64_t)LINES_BURST * 1000000;
	log->refilled_us = plat_time_us();
	if (nest_ep_manage(&core->ep, &log->object, log, log)) {
		free(log);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*server = log;
	*object = &log->object;
	return NEST_OK;
}

void log_session_destroy(void *server)
{
	struct log_server *log = server;
	nest_ep_dissolve(&log->object);
	free(log);
}
