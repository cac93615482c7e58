/*
 * \brief  RAM and ROM dataspaces as memfds, and reading the boot modules
 *
 * A RAM memfd is sealed against growing, and components may neither
 * truncate it nor add seals (their filter refuses), so core alone decides
 * its size; on free, core truncates it to zero, which takes the memory away
 * even from a component that kept a mapping. A ROM memfd is sealed
 * completely: nobody can write it or change its size.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/linux/sandbox.h"

enum nest_error ram_memfd_create(size_t size, int *fd)
{
	int memfd = memfd_create("nest-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0)
		return errno == EMFILE || errno == ENFILE ? NEST_ERR_OUT_OF_CAPS : NEST_ERR_IO;
	if (ftruncate(memfd, (off_t)size) || fcntl(memfd, F_ADD_SEALS, F_SEAL_GROW)) {
		close(memfd);
		return NEST_ERR_OUT_OF_RAM;
	}
	*fd = memfd;
	return NEST_OK;
}

void ram_memfd_revoke(int fd)
{
	if (ftruncate(fd, 0)) { /* already gone: nothing to take away */ }
	close(fd);
}

enum nest_error ram_memfd_seal(int fd)
{
	return fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) ? NEST_ERR_DENIED : NEST_OK;
}

enum nest_error rom_memfd_create(const void *content, size_t size, const char *name, int *fd)
{
	int memfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	const char *pos = content;
	size_t left = size;

	if (memfd < 0)
		return NEST_ERR_IO;
	while (left) {
		ssize_t n = write(memfd, pos, left);
		if (n <= 0) {
			close(memfd);
			return NEST_ERR_IO;
		}
		pos  += n;
		left -= (size_t)n;
	}
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)) {
		close(memfd);
		return NEST_ERR_IO;
	}
	*fd = memfd;
	return NEST_OK;
}

/*
 * A ROM of core's own from a RAM dataspace a component sealed: what a
 * process is started from must not change or vanish while it runs, and the
 * dataspace's owner may free it (which truncates it) at any time after.
 */
enum nest_error boot_module_snapshot(int source_fd, size_t size, const char *name,
                                     struct boot_module *m)
{
	const void *source = size ? mmap(NULL, size, PROT_READ, MAP_SHARED, source_fd, 0) : NULL;
	enum nest_error err;

	if (source == MAP_FAILED)
		return NEST_ERR_OUT_OF_RAM;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->size    = size;
	m->version = 0;
	err = rom_memfd_create(source, size, name, &m->fd);
	if (size)
		munmap((void *)source, size);
	if (err)
		return err;
	m->content = size ? mmap(NULL, size, PROT_READ, MAP_SHARED, m->fd, 0) : "";
	if (m->content == MAP_FAILED) {
		close(m->fd);
		return NEST_ERR_OUT_OF_RAM;
	}
	return NEST_OK;
}

void boot_module_drop(struct boot_module *m)
{
	if (m->size)
		munmap((void *)m->content, m->size);
	close(m->fd);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct boot_module *)a)->name, ((const struct boot_module *)b)->name);
}

static enum nest_error load_one(int dir_fd, const char *name, struct boot_module *m,
                                char *error, size_t error_size)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *content;

	if (fd < 0 || fstat(fd, &st)) {
		snprintf(error, error_size, "%s: cannot read: %s", name, strerror(errno));
		if (fd >= 0) close(fd);
		return NEST_ERR_IO;
	}
	content = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	if (content == MAP_FAILED) {
		snprintf(error, error_size, "%s: cannot map: %s", name, strerror(errno));
		close(fd);
		return NEST_ERR_IO;
	}
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->size    = (size_t)st.st_size;
	m->version = 0;
	if (rom_memfd_create(content, m->size, name, &m->fd)) {
		snprintf(error, error_size, "%s: cannot create ROM dataspace", name);
		if (content) munmap(content, m->size);
		close(fd);
		return NEST_ERR_IO;
	}
	if (content) munmap(content, m->size);
	close(fd);
	/* core reads its text modules (the config) through a mapping of the ROM */
	m->content = m->size ? mmap(NULL, m->size, PROT_READ, MAP_SHARED, m->fd, 0) : "";
	if (m->content == MAP_FAILED)
		m->content = "";
	return NEST_OK;
}

enum nest_error boot_module_reload(int dir_fd, struct boot_module *m, char *error,
                                   size_t error_size)
{
	struct boot_module fresh;
	enum nest_error err = load_one(dir_fd, m->name, &fresh, error, error_size);

	if (err)
		return err;
	/* holders of the old version keep their own copies of its descriptor */
	if (m->size)
		munmap((void *)m->content, m->size);
	close(m->fd);
	fresh.version = m->version + 1;
	*m = fresh;
	return NEST_OK;
}

enum nest_error boot_modules_load(const char *dir, struct boot_module **modules,
                                  unsigned *count, char *error, size_t error_size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct boot_module *list = NULL;
	unsigned n = 0, capacity = 0;

	if (!d) {
		snprintf(error, error_size, "%s: cannot open boot-module directory: %s",
		         dir, strerror(errno));
		return NEST_ERR_NOT_FOUND;
	}
	while ((e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		if (strlen(e->d_name) >= sizeof(list->name)) {
			snprintf(error, error_size, "%s/%s: module name longer than %zu characters",
			         dir, e->d_name, sizeof(list->name) - 1);
			closedir(d);
			free(list);
			return NEST_ERR_INVALID_ARGS;
		}
		if (n == capacity) {
			capacity = capacity ? capacity * 2 : 16;
			list = realloc(list, capacity * sizeof(*list));
		}
		if (load_one(dirfd(d), e->d_name, &list[n], error, error_size)) {
			closedir(d);
			free(list);
			return NEST_ERR_IO;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(list, n, sizeof(*list), compare_names);
	*modules = list;
	*count = n;
	return NEST_OK;
}
