/*
 * \brief  Core's Report service: reports become files for tools on the host
 *
 * So that an operator can watch a running system (`nest top` reads init's
 * state report) without a component gaining any authority on the host: core
 * alone writes, into the directory the operator named with --report-dir, and
 * only under names made from the session label ("init -> state" becomes
 * "init.state", a '/' becomes '_'). Each submit replaces the file whole;
 * clear() and closing remove it. One file has one writer. The buffer is a
 * RAM dataspace of core's, paid by the session's donation as
 * nest/session/report.h prices it.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session/report.h>
#include <nest/session_args.h>
#include "core/core.h"

NEST_RPC_DISPATCH(report, REPORT_INTERFACE)

enum { DEFAULT_BUFFER_SIZE = 4096 };

struct report_server {
	struct nest_rpc_object object;
	struct core           *core;
	char                   file[LABEL_MAX];
	int                    buffer;      /* RAM memfd the client writes */
	void                  *content;     /* core's read-only mapping of it */
	size_t                 size;        /* page-rounded */
};

/* "init -> a/b -> state" is "init.a_b.state"; control characters become '_' too */
static void file_name(const char *label, char *name, size_t size)
{
	size_t n = 0;

	while (*label && n + 1 < size) {
		if (strncmp(label, " -> ", 4) == 0) {
			name[n++] = '.';
			label += 4;
			continue;
		}
		name[n++] = *label == '/' || (unsigned char)*label < 0x20 ? '_' : *label;
		label++;
	}
	name[n] = '\0';
}

enum nest_error report_serve_dataspace(struct report_server *r, struct nest_cap *ds,
                                       uint64_t *size)
{
	*ds   = nest_cap_from_handle(r->buffer);
	*size = r->size;
	return NEST_OK;
}

bool report_session_buffer(void *server, uint64_t ident, uint64_t *size)
{
	struct report_server *r = server;
	uint64_t buffer_ident;
	if (plat_ident(r->buffer, &buffer_ident) || buffer_ident != ident)
		return false;
	*size = r->size;
	return true;
}

enum nest_error report_serve_clear(struct report_server *r)
{
	report_file_remove(r->core->report_dir, r->file);
	return NEST_OK;
}

enum nest_error report_serve_submit(struct report_server *r, uint64_t length)
{
	if (length > r->size)
		return NEST_ERR_INVALID_ARGS;
	if (length == 0)
		return report_serve_clear(r);
	r->core->report_submits++;
	return report_file_write(r->core->report_dir, r->file, r->content, length);
}

static int file_taken(struct core *core, const char *file)
{
	for (struct core_session *s = core->sessions; s; s = s->next)
		if (s->service == SERVICE_REPORT &&
		    strcmp(((struct report_server *)s->server)->file, file) == 0)
			return 1;
	return 0;
}

static void report_free(struct report_server *r)
{
	if (r->content)
		plat_unmap(r->content, r->size);
	ram_memfd_revoke(r->buffer);
	free(r);
}

enum nest_error report_session_create(struct core *core, struct core_session *s,
                                      const char *args)
{
	uint64_t page = plat_page_size(), buffer_size;
	enum nest_error err = nest_args_u64_or(args, "buffer_size", DEFAULT_BUFFER_SIZE,
	                                       &buffer_size);
	struct report_server *r;

	if (err || buffer_size == 0 || buffer_size > REPORT_BUFFER_MAX)
		return NEST_ERR_INVALID_ARGS;
	if (s->ram_donated < report_session_ram_quota(buffer_size))
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	if (s->caps_donated < REPORT_SESSION_CAPS)
		return NEST_ERR_INSUFFICIENT_CAP_QUOTA;
	if (!(r = calloc(1, sizeof(*r))))
		return NEST_ERR_OUT_OF_RAM;
	r->core = core;
	r->size = (buffer_size + page - 1) / page * page;
	file_name(s->label, r->file, sizeof(r->file));
	if (file_taken(core, r->file)) {
		free(r);
		return NEST_ERR_EXISTS;
	}
	if ((err = ram_memfd_create(r->size, &r->buffer))) {
		free(r);
		return err;
	}
	err = plat_map(r->buffer, r->size, 0, false, false, &r->content);
	if (!err && nest_ep_manage(&core->ep, &r->object, report, r))
		err = NEST_ERR_OUT_OF_CAPS;
	if (err) {
		report_free(r);
		return err;
	}
	s->server = r;
	s->object = &r->object;
	return NEST_OK;
}

void report_session_destroy(void *server)
{
	struct report_server *r = server;

	nest_ep_dissolve(&r->object);
	report_file_remove(r->core->report_dir, r->file);
	report_free(r);
}
