/*
 * \brief  Reads its config ROM, which init serves from its <config> node
 *
 * It logs the attributes of the node it finds, and shows that the ROM is
 * read-only: a writable mapping of its dataspace is refused. It maps the
 * size the ROM server names; whether that is the truth is core's word.
 */
#include <nest/env.h>
#include <nest/xml.h>
#include <nest/session/rom.h>

void component_construct(struct nest_env *env)
{
	struct rom_client rom;
	struct nest_cap session, ds;
	struct nest_xml_node config, greeting;
	struct nest_xml_error error;
	char text[64] = "";
	uint64_t size = 0;
	void *addr = NULL;
	enum nest_error err;

	if (nest_env_session(env, "ROM", "label=\"config\", ram_quota=4K, cap_quota=1", &session)) {
		nest_log(env, "config_reader: no config ROM");
		nest_env_exit(env, 1);
	}
	rom_client_init(&rom, session);
	err = rom_dataspace(&rom, &ds, &size);
	if (!err && (err = nest_env_attach(env, ds, size, false, &addr)))
		nest_log(env, "config_reader: cannot map %llu bytes of the config ROM: %s",
		         (unsigned long long)size, nest_error_name(err));
	if (err || nest_xml_parse(addr, size, &config, &error)) {
		nest_log(env, "config_reader: config ROM unreadable");
		nest_env_exit(env, 1);
	}
	if (nest_xml_sub(&config, "greeting", &greeting))
		nest_xml_attr_str(&greeting, "text", text, sizeof(text));
	nest_log(env, "config_reader: <%s> with greeting \"%s\"",
	         nest_xml_has_type(&config, "config") ? "config" : "?", text);
	nest_log(env, "config_reader: writable mapping of the ROM: %s",
	         nest_error_name(nest_env_attach(env, ds, size, true, &addr)));
	nest_env_exit(env, 0);
}
