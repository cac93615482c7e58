/*
 * \brief  Core's LOG service: each line prefixed with the session label
 *
 * The label was extended by every parent on the way, so "[init -> hello]"
 * names the component truthfully. Control characters other than tab are
 * shown as '?', in the text and in the label, so a client cannot forge line
 * breaks or terminal escapes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session/log.h>
#include "core/core.h"

NEST_RPC_DISPATCH(log, LOG_INTERFACE)

struct log_server {
	struct nest_rpc_object object;
	char                   label[LABEL_MAX];
};

/* text as it may reach a terminal: control characters (C0, DEL, and C1
 * as UTF-8) become '?', so that no client forges a line or an escape */
static size_t put_printable(char *line, size_t len, size_t size, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c && len < size; c++) {
		bool c1 = c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f;
		line[len++] = (*c < 0x20 && *c != '\t') || *c == 0x7f || c1 ? '?' : (char)*c;
		c += c1;
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

enum nest_error log_serve_write(struct log_server *log, const char *text)
{
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
