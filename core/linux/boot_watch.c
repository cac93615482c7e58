/*
 * \brief  Boot modules rewritten while core runs become new ROM versions
 *
 * Core watches its boot directory (inotify): when a module's file is
 * written anew or replaced, core loads it as a new sealed dataspace and
 * signals that module's ROM sessions, whose clients fetch the new version
 * with update(). So editing the config in the boot directory reconfigures
 * the running init, as a config ROM served by report_rom does in a nested
 * one. A file that was no module at boot stays none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "core/core.h"

static void handle_events(void *state)
{
	struct boot_watch *watch = state;
	char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char error[256];
	ssize_t len;

	while ((len = read(watch->fd, buffer, sizeof(buffer))) > 0) {
		for (char *p = buffer; p < buffer + len; ) {
			struct inotify_event *e = (struct inotify_event *)p;
			struct boot_module *m = e->len ? (struct boot_module *)
			                        core_module(watch->core, e->name) : NULL;
			p += sizeof(*e) + e->len;
			if (!m)
				continue;
			if (boot_module_reload(watch->dir_fd, m, error, sizeof(error))) {
				core_log("boot module %s not updated: %s", m->name, error);
				continue;
			}
			core_log("boot module %s updated", m->name);
			rom_module_changed(watch->core, m);
		}
	}
}

enum nest_error boot_watch_init(struct core *core, struct boot_watch *watch, const char *dir)
{
	watch->core   = core;
	watch->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	watch->fd     = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (watch->dir_fd < 0 || watch->fd < 0 ||
	    inotify_add_watch(watch->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		core_log("%s: not watched, its modules will not change: %s", dir, strerror(errno));
		return NEST_ERR_IO;
	}
	return nest_io_handler_init(&core->ep, &watch->handler, watch->fd, handle_events, watch);
}

void boot_watch_fini(struct core *core, struct boot_watch *watch)
{
	if (watch->fd >= 0) {
		nest_io_handler_fini(&core->ep, &watch->handler);
		close(watch->fd);
	}
	if (watch->dir_fd >= 0)
		close(watch->dir_fd);
}
