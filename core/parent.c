/*
 * \brief  Core as the parent of init
 *
 * Init's session requests arrive here. Core prefixes the label with "init",
 * takes the donated quota from init's PD for as long as the session lives,
 * and gives it back, exactly, when init closes the session. Core has no
 * other children, so announcements are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session/parent.h>
#include <nest/session_args.h>
#include "core/core.h"

NEST_RPC_DISPATCH(parent, PARENT_INTERFACE)

struct parent_server;

static const char *const service_names[SERVICE_COUNT] = {
	[SERVICE_PD] = "PD", [SERVICE_ROM] = "ROM", [SERVICE_LOG] = "LOG", [SERVICE_CPU] = "CPU",
	[SERVICE_RM] = "RM", [SERVICE_REPORT] = "Report", [SERVICE_HOST_FILE] = "Host_file",
	[SERVICE_HOST_TERMINAL] = "Host_terminal", [SERVICE_HOST_TAP] = "Host_tap",
	[SERVICE_HOST_X11] = "Host_x11", [SERVICE_HOST_DIR] = "Host_dir",
};

/* the CPUs of a PD's affinity location within core's space: a position
 * beyond it wraps, a width beyond it is the whole space, and without
 * affinity arguments it is the whole space, as Genode gives a child without
 * <affinity> (core places the process on the location's first CPU) */
static enum nest_error pd_affinity(const struct sandbox *sb, const char *args,
                                   unsigned *first, unsigned *count)
{
	uint64_t x, width, space = sandbox_cpu_count(sb);

	if (nest_args_u64_or(args, "affinity_x", 0, &x) ||
	    nest_args_u64_or(args, "affinity_width", 0, &width))
		return NEST_ERR_INVALID_ARGS;
	*first = (unsigned)(x % space);
	*count = (unsigned)(width == 0 || width > space ? space : width);
	return NEST_OK;
}

static enum nest_error create(struct core *core, struct core_session *s, const char *args)
{
	switch (s->service) {
	case SERVICE_PD: {
		unsigned first, count;
		struct pd_server *pd;
		if (pd_affinity(&core->sandbox, args, &first, &count))
			return NEST_ERR_INVALID_ARGS;
		if (!(pd = pd_create(core, s->label, s->payer, first, count)))
			return NEST_ERR_OUT_OF_CAPS;
		s->server = pd;
		s->object = &pd->object;
		return NEST_OK;
	}
	case SERVICE_ROM: return rom_session_create(core, s->label, &s->server, &s->object);
	case SERVICE_LOG: return log_session_create(core, s->label, &s->server, &s->object);
	case SERVICE_CPU: return cpu_session_create(core, s->label, &s->server, &s->object);
	case SERVICE_RM:  return rm_session_create(core, s->label, &s->server, &s->object);
	case SERVICE_REPORT: return report_session_create(core, s, args);
	case SERVICE_HOST_FILE: case SERVICE_HOST_TERMINAL: case SERVICE_HOST_TAP:
	case SERVICE_HOST_X11: case SERVICE_HOST_DIR:
		return host_session_create(core, s, service_names[s->service]);
	case SERVICE_COUNT: break;
	}
	return NEST_ERR_NOT_FOUND;
}

static void destroy(struct core_session *s)
{
	switch (s->service) {
	case SERVICE_PD:  pd_destroy(s->server); break;
	case SERVICE_ROM: rom_session_destroy(s->server); break;
	case SERVICE_LOG: log_session_destroy(s->server); break;
	case SERVICE_CPU: cpu_session_destroy(s->server); break;
	case SERVICE_RM:  rm_session_destroy(s->server); break;
	case SERVICE_REPORT: report_session_destroy(s->server); break;
	case SERVICE_HOST_FILE: case SERVICE_HOST_TERMINAL: case SERVICE_HOST_TAP:
	case SERVICE_HOST_X11: case SERVICE_HOST_DIR:
		host_session_destroy(s->server);
		break;
	case SERVICE_COUNT: break;
	}
	pd_deposit(s->payer, s->ram_donated, s->caps_donated);
	free(s);
}

static struct core_session **session_find(struct core *core, struct nest_cap cap)
{
	struct nest_rpc_object *o = nest_ep_lookup(&core->ep, cap);
	for (struct core_session **s = &core->sessions; o && *s; s = &(*s)->next)
		if ((*s)->object == o)
			return s;
	return NULL;
}

enum nest_error parent_serve_session(struct parent_server *p, const char *service,
                                     const char *args, struct nest_cap *out)
{
	struct core *core = p->core;
	struct core_session *s;
	char label[LABEL_MAX] = "";
	uint64_t ram = 0, caps = 0;
	enum nest_error err;
	int kind = -1;

	for (int i = 0; i < SERVICE_COUNT; i++)
		if (strcmp(service, service_names[i]) == 0)
			kind = i;
	if (kind < 0 || (kind == SERVICE_REPORT && core->report_dir < 0))
		return NEST_ERR_NOT_FOUND;
	if (!nest_text_printable(args) || nest_args_label(args, label, sizeof(label)) ||
	    nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	if (ram < SESSION_RAM_MIN)
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	if (caps < SESSION_CAPS_MIN)
		return NEST_ERR_INSUFFICIENT_CAP_QUOTA;
	if (!(s = calloc(1, sizeof(*s))))
		return NEST_ERR_OUT_OF_RAM;
	s->service = (enum core_service)kind;
	s->payer   = core->init_pd;
	if (nest_label_prepend(s->label, sizeof(s->label), "init", label)) {
		free(s);
		return NEST_ERR_INVALID_ARGS;
	}
	err = pd_withdraw(s->payer, ram, caps);
	if (err) {
		free(s);
		return err;
	}
	s->ram_donated  = ram;
	s->caps_donated = caps;
	err = create(core, s, args);
	if (err) {
		pd_deposit(s->payer, ram, caps);
		free(s);
		return err;
	}
	s->next = core->sessions;
	core->sessions = s;
	*out = s->object->cap;
	return NEST_OK;
}

enum nest_error parent_serve_upgrade(struct parent_server *p, struct nest_cap session,
                                     const char *args)
{
	struct core_session **link = session_find(p->core, session);
	uint64_t ram = 0, caps = 0;
	enum nest_error err;

	if (!link)
		return NEST_ERR_INVALID_CAP;
	if (nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	err = pd_withdraw((*link)->payer, ram, caps);
	if (err)
		return err;
	(*link)->ram_donated  += ram;
	(*link)->caps_donated += caps;
	return NEST_OK;
}

enum nest_error parent_serve_close(struct parent_server *p, struct nest_cap session)
{
	struct core_session **link = session_find(p->core, session);
	struct core_session *s;
	if (!link)
		return NEST_ERR_INVALID_CAP;
	s = *link;
	*link = s->next;
	destroy(s);
	return NEST_OK;
}

enum nest_error parent_serve_announce(struct parent_server *p, const char *service,
                                      struct nest_cap root, uint32_t more)
{
	(void)p; (void)root; (void)more;
	core_log("init announced '%s', but core has no other clients", service);
	return NEST_ERR_DENIED;
}

enum nest_error parent_serve_exit(struct parent_server *p, int32_t code)
{
	p->core->init_exit_code     = code;
	p->core->init_reported_exit = 1;
	return NEST_OK;
}

enum nest_error parent_serve_resource_request(struct parent_server *p, const char *args)
{
	(void)p;
	core_log("init requests resources (%s), but core has nothing left to give", args);
	return NEST_ERR_OUT_OF_RAM;
}

/* core has no quota to give back later, asks for none, and does not watch
 * init's heartbeat: the registrations are accepted and never signalled */
enum nest_error parent_serve_resource_avail_sigh(struct parent_server *p, struct nest_cap context)
{
	(void)p; (void)context;
	return NEST_OK;
}

enum nest_error parent_serve_yield_sigh(struct parent_server *p, struct nest_cap context)
{
	(void)p; (void)context;
	return NEST_OK;
}

enum nest_error parent_serve_yield_request(struct parent_server *p, uint64_t *ram, uint64_t *caps)
{
	(void)p;
	*ram = *caps = 0;
	return NEST_OK;
}

enum nest_error parent_serve_yield_response(struct parent_server *p)
{
	(void)p;
	return NEST_OK;
}

enum nest_error parent_serve_heartbeat_sigh(struct parent_server *p, struct nest_cap context)
{
	(void)p; (void)context;
	return NEST_OK;
}

enum nest_error parent_serve_heartbeat_response(struct parent_server *p)
{
	(void)p;
	return NEST_OK;
}

enum nest_error core_parent_init(struct core *core)
{
	core->init_parent.core = core;
	return nest_ep_manage(&core->ep, &core->init_parent.object, parent,
	                      &core->init_parent);
}

void core_close_all_sessions(struct core *core)
{
	while (core->sessions) {
		struct core_session *s = core->sessions;
		core->sessions = s->next;
		destroy(s);
	}
}
