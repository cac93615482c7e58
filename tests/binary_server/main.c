/*
 * \brief  Serves a binary over ROM, and takes it away again
 *
 * At start it reads its parent's ROM named by its config (<config
 * module="ticker" replace_after_ms="500"/>, these the defaults). A ROM
 * session labelled "served_MODULE" gets a sealed copy of it in a RAM
 * dataspace of this server's own; one labelled "writable_MODULE" gets the
 * copy unsealed. replace_after_ms after the first dataspace was asked for,
 * the server frees every dataspace it served (core truncates them, so every
 * mapping is gone) and serves filler instead: a child that core started
 * from one must run on from core's copy. With replace_after_ms="0" it
 * serves one sealed copy to every session for good, as a ROM server does
 * (bench/rom_start).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/root.h>
#include <nest/session_args.h>
#include <nest/session/rom.h>
#include <nest/session/timer.h>
#include <nest/xml.h>

NEST_RPC_DISPATCH(rom, ROM_INTERFACE)

enum { FILLER_SIZE = 4096, MAX_SESSIONS = 64 };

struct rom_server {
	struct nest_rpc_object object;
	struct main           *main;
	char                   label[160];
	struct nest_cap        ds;
	uint64_t               size;
	uint32_t               version;      /* 1 before the replacement, 2 after */
	uint32_t               seen;         /* the version the client asked for last */
	struct nest_cap        sigh;
};

struct main {
	struct nest_env           *env;
	char                       served[80], writable[80];   /* the labels it serves */
	const void                *module;   /* the parent's ROM, mapped */
	uint64_t                   module_size;
	uint64_t                   replace_after_ms;
	struct timer_client        timer;
	struct nest_signal_handler timeout;
	bool                       armed;
	struct rom_server         *sessions[MAX_SESSIONS];
	struct nest_cap            shared;   /* what every session serves if nothing is replaced */
};

/* a RAM dataspace with length bytes of content (filler if NULL) */
static enum nest_error make_dataspace(struct nest_env *env, const void *content, size_t length,
                                      bool seal, struct nest_cap *ds)
{
	void *addr = NULL;
	enum nest_error err = nest_env_alloc_ram(env, length, ds);

	if (!err && (err = nest_env_attach(env, *ds, length, true, &addr)))
		pd_free_ram(&env->pd, *ds);
	if (err)
		return err;
	if (content)
		memcpy(addr, content, length);
	else
		memset(addr, 0xcc, length);          /* int3: no program */
	plat_unmap(addr, length);
	if (seal && (err = pd_seal_ram(&env->pd, *ds)))
		pd_free_ram(&env->pd, *ds);
	return err;
}

static void replace(struct rom_server *s)
{
	struct nest_env *env = s->main->env;
	struct nest_cap filler;

	if (make_dataspace(env, NULL, FILLER_SIZE, true, &filler)) {
		nest_log(env, "Error: %s: no filler", s->label);
		return;
	}
	pd_free_ram(&env->pd, s->ds);
	nest_cap_release(&s->ds);
	s->ds      = filler;
	s->size    = FILLER_SIZE;
	s->version = 2;
	nest_log(env, "%s: freed, filler served instead", s->label);
	if (nest_cap_valid(s->sigh))
		nest_signal_submit(s->sigh, 1);
}

static void handle_timeout(void *state, uint64_t count)
{
	struct main *m = state;
	(void)count;
	for (unsigned i = 0; i < MAX_SESSIONS; i++)
		if (m->sessions[i] && m->sessions[i]->version == 1)
			replace(m->sessions[i]);
}

enum nest_error rom_serve_dataspace(struct rom_server *s, struct nest_cap *ds, uint64_t *size)
{
	if (!s->main->armed && s->main->replace_after_ms) {
		s->main->armed = true;
		timer_trigger_once(&s->main->timer, s->main->replace_after_ms * 1000);
	}
	s->seen = s->version;
	*ds   = s->ds;
	*size = s->size;
	return NEST_OK;
}

enum nest_error rom_serve_update(struct rom_server *s, uint32_t *changed)
{
	*changed = s->seen != s->version;
	return NEST_OK;
}

enum nest_error rom_serve_sigh(struct rom_server *s, struct nest_cap context)
{
	nest_cap_release(&s->sigh);
	s->sigh = context;
	return NEST_OK;
}

static enum nest_error create_session(void *state, const char *args,
                                      struct nest_rpc_object **object)
{
	struct main *m = state;
	struct rom_server *s;
	const char *last;
	bool seal;
	unsigned slot = 0;
	enum nest_error err;

	while (slot < MAX_SESSIONS && m->sessions[slot])
		slot++;
	if (slot == MAX_SESSIONS || !(s = calloc(1, sizeof(*s))))
		return NEST_ERR_OUT_OF_RAM;
	s->main    = m;
	s->version = 1;
	if (nest_args_label(args, s->label, sizeof(s->label)))
		strcpy(s->label, "?");
	last = nest_label_last(s->label);
	seal = !strcmp(last, m->served);
	if (!seal && strcmp(last, m->writable)) {
		free(s);
		return NEST_ERR_DENIED;
	}
	s->size = m->module_size;
	if (seal && !m->replace_after_ms)
		err = nest_cap_copy(m->shared, &s->ds);
	else
		err = make_dataspace(m->env, m->module, m->module_size, seal, &s->ds);
	if (!err && nest_ep_manage(&m->env->ep, &s->object, rom, s)) {
		pd_free_ram(&m->env->pd, s->ds);
		err = NEST_ERR_OUT_OF_CAPS;
	}
	if (err) {
		free(s);
		return err;
	}
	nest_log(m->env, "%s: %llu bytes, %s", s->label, (unsigned long long)s->size,
	         seal ? "sealed" : "writable");
	m->sessions[slot] = s;
	*object = &s->object;
	return NEST_OK;
}

static void destroy_session(void *state, struct nest_rpc_object *object)
{
	struct main *m = state;
	struct rom_server *s = object->state;
	for (unsigned i = 0; i < MAX_SESSIONS; i++)
		if (m->sessions[i] == s)
			m->sessions[i] = NULL;
	nest_ep_dissolve(&s->object);
	if (!nest_cap_same(s->ds, m->shared))
		pd_free_ram(&m->env->pd, s->ds);
	nest_cap_release(&s->ds);
	nest_cap_release(&s->sigh);
	free(s);
}

void component_construct(struct nest_env *env)
{
	static const struct nest_root_ops ops = { .create = create_session, .destroy = destroy_session };
	static struct root_server root;
	static struct main m;
	struct rom_client rom;
	struct nest_attached_rom config;
	struct nest_xml_node node;
	struct nest_cap session, ds, timer;
	char module[64] = "ticker", args[128];
	void *addr = NULL;
	enum nest_error err;

	m.env = env;
	m.replace_after_ms = 500;
	if (!nest_attached_rom_open(&config, env, "label=\"config\", ram_quota=4K, cap_quota=1") &&
	    config.content && !nest_xml_parse(config.content, config.size, &node, NULL)) {
		char name[64];
		if (nest_xml_attr_str(&node, "module", name, sizeof(name)))
			snprintf(module, sizeof(module), "%s", name);
		nest_xml_attr_u64(&node, "replace_after_ms", &m.replace_after_ms);
	}
	snprintf(m.served, sizeof(m.served), "served_%s", module);
	snprintf(m.writable, sizeof(m.writable), "writable_%s", module);
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=4K, cap_quota=1", module);
	err = nest_env_session(env, "ROM", args, &session);
	if (!err) {
		rom_client_init(&rom, session);
		err = rom_dataspace(&rom, &ds, &m.module_size);
	}
	if (!err && !(err = nest_env_attach(env, ds, m.module_size, false, &addr)))
		m.module = addr;
	if (!err && !m.replace_after_ms)
		err = make_dataspace(env, m.module, m.module_size, true, &m.shared);
	if (!err && m.replace_after_ms &&
	    !(err = nest_env_session(env, "Timer", "ram_quota=8K, cap_quota=2", &timer))) {
		timer_client_init(&m.timer, timer);
		err = nest_signal_handler_init(&env->ep, &m.timeout, handle_timeout, &m);
	}
	if (!err && m.replace_after_ms)
		err = timer_sigh(&m.timer, nest_signal_cap(&m.timeout));
	if (!err)
		err = nest_root_announce(env, &root, "ROM", &ops, &m);
	if (err) {
		nest_log(env, "Error: binary_server: %s", nest_error_name(err));
		nest_env_exit(env, 1);
	}
	nest_log(env, "ROM service announced");
}
