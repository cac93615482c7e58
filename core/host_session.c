/*
 * \brief  Core's host-resource services: the one host file or block device
 *         (Host_file), directory (Host_dir), terminal (Host_terminal), TAP
 *         device (Host_tap) or X display connection (Host_x11) that core's
 *         policy names for the session's label
 *
 * The policy (<service name="..."> in core's config) decides what the label
 * gets; a label without a policy is denied. Core opens or makes the
 * resource when the session is made and lets go of its handle when the
 * session is closed; the component holds its own copy of the handle, which
 * core installs at the component's request (supervisor.c), for the life of
 * its process.
 */
#include <stdlib.h>
#include <string.h>
#include <nest/platform.h>
#include <nest/session/host_resource.h>
#include "core/core.h"

NEST_RPC_DISPATCH(host_resource, HOST_RESOURCE_INTERFACE)

enum { PATH_MAX_LEN = 4096 };

enum { DIR_FILE_SIZE = 1 << 20 };     /* a file in a writeable Host_dir, unless the policy says */

struct host_resource_server {
	struct nest_rpc_object object;
	int                    fd;
	uint64_t               size;
	bool                   writeable;
	uint64_t               grow_limit;     /* how large a file its holder may write */
};

enum nest_error host_resource_serve_info(struct host_resource_server *h, uint64_t *size,
                                         uint32_t *writeable)
{
	*size      = h->size;
	*writeable = h->writeable;
	return NEST_OK;
}

/* the resource a policy names: its attributes are checked at boot */
static enum nest_error open_resource(enum core_service service, const struct nest_xml_node *policy,
                                     struct host_resource_server *h)
{
	char value[PATH_MAX_LEN], address[64] = "";
	enum nest_error err;

	/* a file or directory is read-only unless the policy says; the others
	 * are written by nature */
	h->writeable = service == SERVICE_HOST_FILE || service == SERVICE_HOST_DIR
	             ? nest_xml_attr_bool(policy, "writeable", false) : true;
	switch (service) {
	case SERVICE_HOST_FILE:
		nest_xml_attr_str(policy, "path", value, sizeof(value));
		if ((err = host_file_open(value, h->writeable, &h->fd, &h->size)))
			return err;
		h->grow_limit = h->writeable ? h->size : 0;
		return NEST_OK;
	case SERVICE_HOST_DIR:
		h->grow_limit = DIR_FILE_SIZE;
		nest_xml_attr_u64(policy, "file_size", &h->grow_limit);
		h->grow_limit = h->writeable ? h->grow_limit : 0;
		nest_xml_attr_str(policy, "path", value, sizeof(value));
		return host_dir_open(value, &h->fd);
	case SERVICE_HOST_TERMINAL:
		return host_terminal_open(&h->fd);
	case SERVICE_HOST_TAP:
		nest_xml_attr_str(policy, "name", value, sizeof(value));
		nest_xml_attr_str(policy, "address", address, sizeof(address));
		return host_tap_create(value, address, &h->fd);
	case SERVICE_HOST_X11:
		nest_xml_attr_str(policy, "display", value, sizeof(value));
		return host_x11_connect(value, &h->fd);
	default:
		return NEST_ERR_NOT_FOUND;
	}
}

enum nest_error host_session_create(struct core *core, struct core_session *s,
                                    const char *service)
{
	struct nest_xml_node policy;
	struct host_resource_server *h;
	enum nest_error err;

	if (!core_service_policy(core, service, s->label, &policy)) {
		core_log("%s: no %s policy for this label: denied", s->label, service);
		return NEST_ERR_DENIED;
	}
	if (!(h = calloc(1, sizeof(*h))))
		return NEST_ERR_OUT_OF_RAM;
	if ((err = open_resource(s->service, &policy, h))) {
		core_log("%s: cannot have its %s: %s", s->label, service, nest_error_name(err));
		free(h);
		return err;
	}
	if (nest_ep_manage(&core->ep, &h->object, host_resource, h)) {
		plat_close(h->fd);
		free(h);
		return NEST_ERR_OUT_OF_CAPS;
	}
	s->server = h;
	s->object = &h->object;
	return NEST_OK;
}

void host_session_destroy(void *server)
{
	struct host_resource_server *h = server;
	nest_ep_dissolve(&h->object);
	plat_close(h->fd);
	free(h);
}

bool core_service_is_host(enum core_service service)
{
	return service >= SERVICE_HOST_FILE && service <= SERVICE_HOST_DIR;
}

int core_host_handle(struct core *core, uint64_t ident, uint64_t *grow_limit)
{
	for (struct core_session *s = core->sessions; s; s = s->next)
		if (core_service_is_host(s->service) && s->object->ident == ident) {
			struct host_resource_server *h = s->server;
			*grow_limit = h->grow_limit;
			return h->fd;
		}
	return -1;
}

/* the directory a driver of label may reach (Landlock, spawn.c): the one of
 * its own label's Host_dir policy; *fd -1 if there is none */
void core_driver_directory(struct core *core, const char *label, int *fd, bool *writeable)
{
	struct nest_xml_node policy;
	char path[PATH_MAX_LEN];

	*fd = -1;
	if (!core_service_policy(core, "Host_dir", label, &policy) ||
	    !nest_xml_attr_str(&policy, "path", path, sizeof(path)) || host_dir_open(path, fd))
		return;
	*writeable = nest_xml_attr_bool(&policy, "writeable", false);
}
