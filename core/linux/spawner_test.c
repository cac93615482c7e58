/*
 * \brief  Unit tests of starting a PD's process on core's spawner thread
 *
 * pd_start answers before the process exists; the PD learns of it when the
 * entrypoint takes the finished start. These cases start real processes
 * (core unconfined, as core --no-sandbox runs) and end the PD at each point
 * of a start's life: it must never leak a process, a descriptor or a user
 * slot, and a start that fails after the answer must still end the PD.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/core.h"
#include "tests/unit.h"

enum { RAM = 64 << 20, CAPS = 100, WAIT_MS = 5000 };

struct world {
	struct core        core;
	struct boot_module module;
	struct pd_server  *pd;
	char              *content;        /* of the module, if read from a file */
	unsigned           descriptors;    /* open before the world */
};

static unsigned open_descriptors(void)
{
	DIR *dir = opendir("/proc/self/fd");
	unsigned count = 0;
	for (struct dirent *e; dir && (e = readdir(dir)); )
		count += e->d_name[0] != '.';
	if (dir)
		closedir(dir);
	return count;
}

/* a ROM module with the content of a host file, kept in *content */
static void module_from_file(struct boot_module *m, const char *path, char **kept)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *content;

	if (fd < 0 || fstat(fd, &st) || !(content = malloc((size_t)st.st_size)) ||
	    read(fd, content, (size_t)st.st_size) != st.st_size)
		abort();
	close(fd);
	*m = (struct boot_module){ .size = (size_t)st.st_size };
	snprintf(m->name, sizeof(m->name), "binary");
	if (rom_memfd_create(content, m->size, m->name, &m->fd))
		abort();
	m->content = *kept = content;
}

/*
 * Executables made here: one that pauses until it is killed, and one whose
 * interpreter does not exist, so that its exec fails with ENOENT after core
 * has answered pd_start.
 */
enum binary { BIN_TRUE, BIN_PAUSE, BIN_BROKEN };

static void module_made(struct boot_module *m, bool broken)
{
	static const char interpreter[] = "/no/such/interpreter";
	/* for (;;) pause(); */
	static const unsigned char pause_loop[] = { 0xb8, 34, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7 };
	static struct { Elf64_Ehdr header; Elf64_Phdr load, interp; char path[32]; char code[16]; }
		image;
	const uint64_t base = 0x400000;

	memset(&image, 0, sizeof(image));
	memcpy(image.header.e_ident, ELFMAG, SELFMAG);
	image.header.e_ident[EI_CLASS]   = ELFCLASS64;
	image.header.e_ident[EI_DATA]    = ELFDATA2LSB;
	image.header.e_ident[EI_VERSION] = EV_CURRENT;
	image.header.e_type      = ET_EXEC;
	image.header.e_machine   = EM_X86_64;
	image.header.e_version   = EV_CURRENT;
	image.header.e_entry     = base + offsetof(__typeof__(image), code);
	image.header.e_phoff     = offsetof(__typeof__(image), load);
	image.header.e_ehsize    = sizeof(Elf64_Ehdr);
	image.header.e_phentsize = sizeof(Elf64_Phdr);
	image.header.e_phnum     = broken ? 2 : 1;
	image.load = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_align = 4096,
	                           .p_vaddr = base, .p_filesz = sizeof(image),
	                           .p_memsz = sizeof(image) };
	image.interp = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R,
	                             .p_offset = offsetof(__typeof__(image), path),
	                             .p_filesz = sizeof(interpreter), .p_memsz = sizeof(interpreter) };
	memcpy(image.path, interpreter, sizeof(interpreter));
	memcpy(image.code, pause_loop, sizeof(pause_loop));
	*m = (struct boot_module){ .size = sizeof(image), .content = (const char *)&image };
	snprintf(m->name, sizeof(m->name), "made");
	if (rom_memfd_create(&image, sizeof(image), m->name, &m->fd))
		abort();
}

static void world_init(struct world *w, enum binary binary)
{
	static bool reserved;

	/* as core's main does first: the slots spawning fills */
	if (!reserved && sandbox_reserve_slots())
		abort();
	reserved = true;
	memset(w, 0, sizeof(*w));
	w->descriptors = open_descriptors();
	sandbox_init_unconfined(&w->core.sandbox);
	if (binary == BIN_TRUE)
		module_from_file(&w->module, "/bin/true", &w->content);
	else
		module_made(&w->module, binary == BIN_BROKEN);
	w->core.modules      = &w->module;
	w->core.module_count = 1;
	if (nest_ep_init(&w->core.ep) || core_tracer_init(&w->core, &w->core.tracer) ||
	    core_spawner_init(&w->core, &w->core.tracer))
		abort();
	w->pd = pd_create(&w->core, "child", NULL, 0, 1);
	w->pd->account.ram_quota = RAM;
	w->pd->account.cap_quota = CAPS;
}

static enum nest_error start(struct world *w)
{
	return pd_serve_start(w->pd, nest_cap_from_handle(w->module.fd), w->pd->own.cap, "child");
}

/* serve until cond holds, or WAIT_MS without an event */
#define SERVE_UNTIL(w, cond) do { \
	while (!(cond) && nest_ep_dispatch_one(&(w)->core.ep, WAIT_MS) == NEST_OK) \
		; \
} while (0)

static bool slots_free(const struct sandbox *sb)
{
	for (unsigned i = 0; i < sizeof(sb->slots_used); i++)
		if (sb->slots_used[i])
			return false;
	return true;
}

static void world_fini(struct world *w, int *unit_failed)
{
	if (w->pd)
		pd_destroy(w->pd);
	SERVE_UNTIL(w, !w->core.zombies);
	CHECK(!w->core.zombies);
	CHECK(slots_free(&w->core.sandbox));
	sandbox_spawner_stop(&w->core.sandbox);
	nest_ep_fini(&w->core.ep);
	close(w->core.tracer.fd);
	close(w->module.fd);
	free(w->content);
	CHECK_EQ_INT(open_descriptors(), w->descriptors);
}

UNIT_TEST(start_answers_before_the_process_is_made)
{
	struct world w;

	world_init(&w, BIN_TRUE);
	CHECK_EQ_INT(start(&w), NEST_OK);
	CHECK_EQ_INT(w.pd->state, NEST_PD_RUNNING);
	CHECK(w.pd->spawning != NULL);
	CHECK_EQ_INT(w.pd->process.pid, 0);       /* the entrypoint has not taken it yet */
	SERVE_UNTIL(&w, w.pd->state != NEST_PD_RUNNING);
	CHECK(w.pd->spawning == NULL);
	CHECK_EQ_INT(w.pd->state, NEST_PD_EXITED);
	CHECK_EQ_INT(w.pd->exit_code, 0);         /* /bin/true ran */
	CHECK_EQ_INT(w.pd->account.ram_used, 0);
	world_fini(&w, unit_failed);
}

/* the process would pause for ever: core must end it */
UNIT_TEST(closed_while_starting)
{
	struct world w;

	world_init(&w, BIN_PAUSE);
	CHECK_EQ_INT(start(&w), NEST_OK);
	pd_destroy(w.pd);                         /* before the start came back */
	w.pd = NULL;
	SERVE_UNTIL(&w, slots_free(&w.core.sandbox) && !w.core.zombies);
	world_fini(&w, unit_failed);
}

UNIT_TEST(stopped_while_starting)
{
	struct world w;

	world_init(&w, BIN_PAUSE);
	CHECK_EQ_INT(start(&w), NEST_OK);
	CHECK_EQ_INT(pd_serve_stop(w.pd), NEST_OK);
	CHECK_EQ_INT(w.pd->account.ram_used, 0);
	SERVE_UNTIL(&w, !w.pd->spawning && w.pd->process.pid == 0);
	CHECK_EQ_INT(w.pd->state, NEST_PD_EXITED);
	CHECK_EQ_INT(w.pd->exit_code, 0);         /* a stop by the parent is no fault */
	CHECK_EQ_INT(w.pd->signal, 0);
	world_fini(&w, unit_failed);
}

/* caps that arrive while the process is being made raise its descriptor
 * limit once it is there */
UNIT_TEST(quota_raised_while_starting_reaches_the_process)
{
	struct world w;
	unsigned started_with;

	world_init(&w, BIN_PAUSE);
	CHECK_EQ_INT(start(&w), NEST_OK);
	started_with = w.pd->descriptor_limit;
	pd_deposit(w.pd, 0, 50);
	CHECK_EQ_INT(w.pd->descriptor_limit, started_with);   /* no process to raise yet */
	SERVE_UNTIL(&w, w.pd->process.pid != 0);
	CHECK(w.pd->descriptor_limit > started_with);
	world_fini(&w, unit_failed);
}

UNIT_TEST(failed_start_ends_the_pd)
{
	struct world w;

	world_init(&w, BIN_BROKEN);
	CHECK_EQ_INT(start(&w), NEST_OK);         /* the exec fails later */
	SERVE_UNTIL(&w, w.pd->state != NEST_PD_RUNNING);
	CHECK_EQ_INT(w.pd->state, NEST_PD_EXITED);
	CHECK_EQ_INT(w.pd->exit_code, 127);
	CHECK_EQ_INT(w.pd->account.ram_used, 0);
	CHECK_EQ_INT(w.pd->process.pid, 0);
	world_fini(&w, unit_failed);
}

UNIT_MAIN()
