/*
 * \brief  Core's Host_file service: the host file or block device that
 *         core's policy names for the session's label
 *
 * The policy (<service name="Host_file"> in core's config) decides the path
 * and whether it may be written; a label without a policy is denied. Core
 * opens the file when the session is made and closes its handle when the
 * session is closed; the component holds its own copy of the handle, which
 * core installs at the component's request (supervisor.c), as long as its
 * process lives.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session/host_file.h>
#include "core/core.h"

NEST_RPC_DISPATCH(host_file, HOST_FILE_INTERFACE)

enum { PATH_MAX_LEN = 4096 };

struct host_file_server {
	struct nest_rpc_object object;
	int                    fd;
	uint64_t               size;
	bool                   writeable;
};

enum nest_error host_file_serve_info(struct host_file_server *h, uint64_t *size,
                                     uint32_t *writeable)
{
	*size      = h->size;
	*writeable = h->writeable;
	return NEST_OK;
}

enum nest_error host_file_session_create(struct core *core, const char *label, void **server,
                                         struct nest_rpc_object **object)
{
	struct nest_xml_node policy;
	struct host_file_server *h;
	char path[PATH_MAX_LEN];
	enum nest_error err;

	if (!core_service_policy(core, "Host_file", label, &policy)) {
		core_log("%s: no Host_file policy for this label: denied", label);
		return NEST_ERR_DENIED;
	}
	if (!nest_xml_attr_str(&policy, "path", path, sizeof(path)) || !(h = calloc(1, sizeof(*h))))
		return NEST_ERR_OUT_OF_RAM;
	h->writeable = nest_xml_attr_bool(&policy, "writeable", false);
	if ((err = host_file_open(path, h->writeable, &h->fd, &h->size))) {
		core_log("%s: cannot open its Host_file: %s", label, nest_error_name(err));
		free(h);
		return err;
	}
	if (nest_ep_manage(&core->ep, &h->object, host_file, h)) {
		plat_close(h->fd);
		free(h);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*server = h;
	*object = &h->object;
	return NEST_OK;
}

void host_file_session_destroy(void *server)
{
	struct host_file_server *h = server;
	nest_ep_dissolve(&h->object);
	plat_close(h->fd);
	free(h);
}

int core_host_handle(struct core *core, uint64_t ident)
{
	for (struct core_session *s = core->sessions; s; s = s->next)
		if (s->service == SERVICE_HOST_FILE && s->object->ident == ident)
			return ((struct host_file_server *)s->server)->fd;
	return -1;
}
