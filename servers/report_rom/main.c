/*
 * \brief  report_rom: Report sessions come out as ROM sessions for others
 *
 * The semantics of Genode's report_rom (repos/os/src/server/report_rom). A
 * report is named by the label of the Report session that writes it, as the
 * parent made it ("reporter -> state"); one report has at most one writer.
 * A ROM session is served only if a <policy> of the config matches its label
 * (label="..." exactly, or label_prefix and/or label_suffix; an exact match
 * beats the others, a longer prefix and suffix a shorter), and it reads the
 * report named by that policy's report attribute. A report may be read before
 * its writer exists and is empty until the first submit; it is cleared when
 * its writer's session closes, as in Genode, and forgotten once neither a
 * writer nor a reader refers to it.
 *
 * Each submit copies the writer's buffer into a fresh RAM dataspace, which
 * core seals, so that a reader can only map it read-only and the writer can
 * no longer change what readers see. Such a version is shared by reference
 * count: the report holds its current version, and each ROM session holds
 * the version it hands out until its client calls update(), which moves the
 * session to the current version (changed=1) and drops the old one. The
 * last holder frees it. dataspace() of an empty report returns an invalid
 * capability and size 0. On every submit and clear, each ROM session of the
 * report that registered a signal context is signalled.
 *
 * Every byte a session causes is paid by its donation: the writer pays for
 * its buffer and for the current version (the old one goes before the new
 * one is made, unless readers still hold it); a reader pays for the version
 * it holds, which is why it must donate for the largest report it maps (see
 * nest/session/report.h). There is no table of sessions for clients to
 * fill: each is a share of the server its client paid for.
 * With <config verbose="yes">, each non-empty report is logged on submit.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/root.h>
#include <nest/session_args.h>
#include <nest/session_policy.h>
#include <nest/xml.h>
#include <nest/session/pd.h>
#include <nest/session/report.h>
#include <nest/session/rom.h>

NEST_RPC_DISPATCH(report, REPORT_INTERFACE)
NEST_RPC_DISPATCH(rom, ROM_INTERFACE)

enum {
	NAME_LEN            = 160,     /* report names and session labels */
	LOG_LINE_MAX        = 200,     /* verbose output, per line of a report */
};

/* one submitted report, sealed; freed by whoever drops the last reference */
struct version {
	struct nest_cap ds;
	uint64_t        length;        /* of the content; the rest is zero */
	uint64_t        size;          /* of the dataspace, page-rounded */
	unsigned        refs;
};

/* a named report: its writer, its current version, its readers */
struct module {
	char                  name[NAME_LEN];
	struct report_server *writer;
	struct version       *current;         /* NULL: empty */
	struct rom_server    *readers;
	struct module        *next;
};

struct main;

struct report_server {                     /* a Report session */
	struct nest_rpc_object object;
	struct main           *main;
	struct module         *module;
	struct nest_cap        buffer;
	void                  *buffer_addr;
	uint64_t               buffer_size;    /* page-rounded */
};

struct rom_server {                        /* a ROM session */
	struct nest_rpc_object object;
	struct main           *main;
	struct module         *module;
	struct version        *held;           /* what dataspace() hands out */
	uint64_t               budget;         /* the most it may hold, paid by its donation */
	struct nest_cap        sigh;
	struct rom_server     *next_reader;
};

struct main {
	struct nest_env     *env;
	struct nest_attached_rom config_rom;
	struct nest_xml_node config;
	bool                 has_config;
	bool                 verbose;
	struct module       *modules;
	struct root_server   report_root, rom_root;
};

static uint64_t page_round(uint64_t size)
{
	uint64_t page = plat_page_size();
	return (size + page - 1) / page * page;
}


/*
 * Versions
 */

static void version_put(struct main *m, struct version *v)
{
	if (!v || --v->refs)
		return;
	pd_free_ram(&m->env->pd, v->ds);
	nest_cap_release(&v->ds);
	free(v);
}

static struct version *version_get(struct version *v)
{
	if (v)
		v->refs++;
	return v;
}

/* each line of a report to the log, as Genode's report_rom does when verbose */
static void log_report(struct main *m, const char *name, const char *text, uint64_t length)
{
	nest_log(m->env, "report '%s'", name);
	while (length) {
		const char *newline = memchr(text, '\n', length);
		uint64_t line = newline ? (uint64_t)(newline - text) : length;
		nest_log(m->env, "  %.*s", (int)(line < LOG_LINE_MAX ? line : LOG_LINE_MAX), text);
		line   += newline ? 1 : 0;
		text   += line;
		length -= line;
	}
}

/* a sealed copy of the first length bytes of src */
static enum nest_error version_create(struct main *m, const struct module *module,
                                      const char *src, uint64_t length, struct version **out)
{
	struct version *v = calloc(1, sizeof(*v));
	void *addr;
	enum nest_error err;

	if (!v)
		return NEST_ERR_OUT_OF_RAM;
	v->length = length;
	v->size   = page_round(length);
	v->refs   = 1;
	if ((err = nest_env_alloc_ram(m->env, v->size, &v->ds))) {
		free(v);
		return err;
	}
	err = nest_env_attach(m->env, v->ds, v->size, true, &addr);
	if (!err) {
		memcpy(addr, src, length);     /* the client may write on: log the copy */
		if (m->verbose)
			log_report(m, module->name, addr, length);
		plat_unmap(addr, v->size);
		err = pd_seal_ram(&m->env->pd, v->ds);
	}
	if (err) {
		version_put(m, v);
		return err;
	}
	*out = v;
	return NEST_OK;
}


/*
 * Modules
 */

static struct module *module_lookup(struct main *m, const char *name)
{
	struct module *module;

	for (module = m->modules; module; module = module->next)
		if (strcmp(module->name, name) == 0)
			return module;
	if (!(module = calloc(1, sizeof(*module))))
		return NULL;
	memcpy(module->name, name, strlen(name) + 1);
	module->next = m->modules;
	m->modules   = module;
	return module;
}

/* forget a module that nobody refers to any more */
static void module_release(struct main *m, struct module *module)
{
	if (module->writer || module->readers)
		return;
	for (struct module **p = &m->modules; *p; p = &(*p)->next)
		if (*p == module) {
			*p = module->next;
			break;
		}
	version_put(m, module->current);
	free(module);
}

static void module_notify(struct module *module)
{
	for (struct rom_server *r = module->readers; r; r = r->next_reader)
		if (nest_cap_valid(r->sigh))
			nest_signal_submit(r->sigh, 1);
}

/* the first length bytes of the writer's buffer become the report (none:
 * empty); if the copy fails, the report is empty and the error returned */
static enum nest_error module_publish(struct main *m, struct module *module,
                                      const char *src, uint64_t length)
{
	struct version *v = NULL;
	enum nest_error err = NEST_OK;

	/* the old version first: the writer pays for one */
	version_put(m, module->current);
	module->current = NULL;
	if (length)
		err = version_create(m, module, src, length, &v);
	module->current = v;
	module_notify(module);
	return err;
}


/*
 * Report sessions
 */

enum nest_error report_serve_dataspace(struct report_server *s, struct nest_cap *ds,
                                       uint64_t *size)
{
	*ds   = s->buffer;
	*size = s->buffer_size;
	return NEST_OK;
}

enum nest_error report_serve_submit(struct report_server *s, uint64_t length)
{
	if (length > s->buffer_size)
		return NEST_ERR_INVALID_ARGS;
	return module_publish(s->main, s->module, s->buffer_addr, length);
}

enum nest_error report_serve_clear(struct report_server *s)
{
	return module_publish(s->main, s->module, NULL, 0);
}

static void report_session_free(struct report_server *s)
{
	struct main *m = s->main;

	if (s->buffer_addr)
		plat_unmap(s->buffer_addr, s->buffer_size);
	if (nest_cap_valid(s->buffer)) {
		pd_free_ram(&m->env->pd, s->buffer);
		nest_cap_release(&s->buffer);
	}
	free(s);
}

static enum nest_error report_session_create(void *state, const char *args,
                                             struct nest_rpc_object **object)
{
	struct main *m = state;
	char label[NAME_LEN];
	uint64_t ram = 0, caps = 0, buffer_size = 0;
	struct report_server *s;
	struct module *module;
	enum nest_error err;

	if (nest_args_label(args, label, sizeof(label)) || nest_args_quota(args, &ram, &caps) ||
	    nest_args_u64(args, "buffer_size", &buffer_size) ||
	    buffer_size == 0 || buffer_size > REPORT_BUFFER_MAX)
		return NEST_ERR_INVALID_ARGS;
	if (ram < report_session_ram_quota(buffer_size))
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	if (caps < REPORT_SESSION_CAPS)
		return NEST_ERR_INSUFFICIENT_CAP_QUOTA;
	if (!(module = module_lookup(m, label)))
		return NEST_ERR_OUT_OF_RAM;
	if (module->writer) {
		nest_log(m->env, "Warning: report \"%s\" has a writer already", label);
		return NEST_ERR_EXISTS;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		module_release(m, module);
		return NEST_ERR_OUT_OF_RAM;
	}
	s->main        = m;
	s->module      = module;
	s->buffer_size = page_round(buffer_size);
	err = nest_env_alloc_ram(m->env, s->buffer_size, &s->buffer);
	if (!err)
		err = nest_env_attach(m->env, s->buffer, s->buffer_size, true, &s->buffer_addr);
	if (!err && nest_ep_manage(&m->env->ep, &s->object, report, s))
		err = NEST_ERR_OUT_OF_CAPS;
	if (err) {
		report_session_free(s);
		module_release(m, module);
		return err;
	}
	module->writer = s;
	*object = &s->object;
	return NEST_OK;
}

static void report_session_destroy(void *state, struct nest_rpc_object *object)
{
	struct main *m = state;
	struct report_server *s = object->state;
	struct module *module = s->module;

	nest_ep_dissolve(&s->object);
	/* a report goes with its writer, as in Genode */
	module_publish(m, module, NULL, 0);
	module->writer = NULL;
	module_release(m, module);
	report_session_free(s);
}


/*
 * ROM sessions
 */

enum nest_error rom_serve_dataspace(struct rom_server *s, struct nest_cap *ds, uint64_t *size)
{
	*ds   = s->held ? s->held->ds : NEST_CAP_INVALID;
	*size = s->held ? s->held->length : 0;
	return NEST_OK;
}

enum nest_error rom_serve_update(struct rom_server *s, uint32_t *changed)
{
	struct version *current = s->module->current;

	*changed = 0;
	if (current == s->held)
		return NEST_OK;
	if (current && current->size > s->budget)
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	version_put(s->main, s->held);
	s->held  = version_get(current);
	*changed = 1;
	return NEST_OK;
}

enum nest_error rom_serve_sigh(struct rom_server *s, struct nest_cap context)
{
	struct nest_cap copy = NEST_CAP_INVALID;
	enum nest_error err;

	if (nest_cap_valid(context) && (err = nest_cap_copy(context, &copy)))
		return err;
	nest_cap_release(&s->sigh);
	s->sigh = copy;
	return NEST_OK;
}

/* the name of the report that the policy for label lets it read */
static bool policy_report(struct main *m, const char *label, char *report, size_t size)
{
	struct nest_xml_node policy;

	return m->has_config && nest_session_policy(&m->config, label, &policy) &&
	       nest_xml_attr_str(&policy, "report", report, size) && report[0];
}

static enum nest_error rom_session_create(void *state, const char *args,
                                          struct nest_rpc_object **object)
{
	struct main *m = state;
	char label[NAME_LEN], name[NAME_LEN];
	uint64_t ram = 0, caps = 0;
	struct rom_server *s;
	struct module *module;

	if (nest_args_label(args, label, sizeof(label)) || nest_args_quota(args, &ram, &caps))
		return NEST_ERR_INVALID_ARGS;
	if (ram < REPORT_ROM_SESSION_RAM)
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	if (caps < REPORT_ROM_SESSION_CAPS)
		return NEST_ERR_INSUFFICIENT_CAP_QUOTA;
	if (!policy_report(m, label, name, sizeof(name))) {
		nest_log(m->env, "Warning: no policy for ROM session \"%s\"", label);
		return NEST_ERR_DENIED;
	}
	if (!(module = module_lookup(m, name)))
		return NEST_ERR_OUT_OF_RAM;
	if (module->current && module->current->size > ram - REPORT_ROM_SESSION_RAM) {
		module_release(m, module);
		return NEST_ERR_INSUFFICIENT_RAM_QUOTA;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		module_release(m, module);
		return NEST_ERR_OUT_OF_RAM;
	}
	if (nest_ep_manage(&m->env->ep, &s->object, rom, s)) {
		free(s);
		module_release(m, module);
		return NEST_ERR_OUT_OF_CAPS;
	}
	s->main        = m;
	s->module      = module;
	s->budget      = ram - REPORT_ROM_SESSION_RAM;
	s->held        = version_get(module->current);
	s->next_reader = module->readers;
	module->readers = s;
	*object = &s->object;
	return NEST_OK;
}

static void rom_session_destroy(void *state, struct nest_rpc_object *object)
{
	struct main *m = state;
	struct rom_server *s = object->state;
	struct module *module = s->module;

	nest_ep_dissolve(&s->object);
	for (struct rom_server **p = &module->readers; *p; p = &(*p)->next_reader)
		if (*p == s) {
			*p = s->next_reader;
			break;
		}
	version_put(m, s->held);
	nest_cap_release(&s->sigh);
	free(s);
	module_release(m, module);
}


/*
 * The component
 */

/* the policies; without a readable config, every ROM session is refused */
static void read_config(struct main *m)
{
	struct nest_xml_error error;

	if (nest_attached_rom_open(&m->config_rom, m->env,
	                           "label=\"config\", ram_quota=4K, cap_quota=1")) {
		nest_log(m->env, "Warning: no config ROM, no report is readable");
		return;
	}
	if (nest_xml_parse(m->config_rom.content, m->config_rom.size, &m->config, &error)) {
		nest_log(m->env, "Warning: config: line %u, column %u: %s; no report is readable",
		         error.line, error.column, error.message);
		return;
	}
	m->has_config = true;
	m->verbose    = nest_xml_attr_bool(&m->config, "verbose", false);
}

static enum nest_error main_init(struct main *m, struct nest_env *env)
{
	static const struct nest_root_ops report_ops = { .create  = report_session_create,
	                                                 .destroy = report_session_destroy };
	static const struct nest_root_ops rom_ops = { .create  = rom_session_create,
	                                              .destroy = rom_session_destroy };
	enum nest_error err;

	m->env = env;
	read_config(m);
	/*
	 * Nothing after the announcements calls the parent. Until the last one
	 * is answered, this entrypoint cannot serve the root of the first, so
	 * ROM comes last: readers start with the system, writers later.
	 */
	err = nest_root_announce(env, &m->report_root, "Report", &report_ops, m);
	if (!err)
		err = nest_root_announce(env, &m->rom_root, "ROM", &rom_ops, m);
	return err;
}

void component_construct(struct nest_env *env)
{
	static struct main main;
	enum nest_error err = main_init(&main, env);

	if (err) {
		nest_log(env, "Error: cannot announce the Report and ROM services: %s",
		         nest_error_name(err));
		nest_env_exit(env, 1);
	}
}
