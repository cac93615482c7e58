/*
 * \brief  Maps a static ELF executable from its ROM at the addresses it was linked for
 *
 * The program is a static x86-64 executable, ET_EXEC at its own addresses
 * (Debian's busybox-static: 0x400000-0x5ec000) or a static PIE placed at
 * PIE_BASE; one that names an interpreter is refused. Each PT_LOAD segment
 * goes where it says, never over anything already mapped (the supervisor
 * lies at 0x70000000):
 *   - a read-only or executable segment without bss is the ROM dataspace
 *     itself, mapped at the segment's file offset, when the offset allows it
 *     (vaddr and offset equal modulo the page) and core vouches that the
 *     dataspace is a ROM, which no one can truncate under the program;
 *   - every other segment (data, bss) is a RAM dataspace of the PD, charged
 *     to its quota, which holds a copy of the file's bytes and zeros beyond.
 * Segments that share a page are refused (the kernel's loader maps one over
 * the other; none of the programs this runs needs it).
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include <nest/session/rom.h>
#include "runtimes/posix_run/posix.h"

enum { PIE_BASE = 0x10000000, LOADS_MAX = 8 };

struct image {
	const uint8_t    *data;       /* the whole ROM, mapped read-only */
	size_t            size;
	int               handle;     /* of its dataspace */
	bool              mappable;   /* a ROM core vouches for */
	const Elf64_Ehdr *ehdr;
	const Elf64_Phdr *phdrs;
};

static bool header_ok(struct posix *p, const struct image *img)
{
	const Elf64_Ehdr *e = img->ehdr;

	if (img->size < sizeof(*e) || memcmp(e->e_ident, ELFMAG, SELFMAG) ||
	    e->e_ident[EI_CLASS] != ELFCLASS64 || e->e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->e_machine != EM_X86_64 || (e->e_type != ET_EXEC && e->e_type != ET_DYN)) {
		nest_log(p->env, "posix_run: ROM \"%s\" is no x86-64 executable", p->rom);
		return false;
	}
	if (e->e_phentsize != sizeof(Elf64_Phdr) || e->e_phoff > img->size ||
	    (img->size - e->e_phoff) / sizeof(Elf64_Phdr) < e->e_phnum) {
		nest_log(p->env, "posix_run: ROM \"%s\": program headers beyond its end", p->rom);
		return false;
	}
	return true;
}

/* the checks every PT_LOAD must pass, and those of their order */
static bool segments_ok(struct posix *p, const struct image *img)
{
	uintptr_t prev_end = 0;
	unsigned loads = 0;

	for (unsigned i = 0; i < img->ehdr->e_phnum; i++) {
		const Elf64_Phdr *ph = &img->phdrs[i];
		if (ph->p_type == PT_INTERP) {
			nest_log(p->env, "posix_run: \"%s\" is dynamically linked: not supported", p->rom);
			return false;
		}
		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_offset > img->size || img->size - ph->p_offset < ph->p_filesz ||
		    ph->p_filesz > ph->p_memsz || ph->p_vaddr + ph->p_memsz < ph->p_vaddr ||
		    ph->p_vaddr + ph->p_memsz > 0x700000000000ull ||
		    posix_page_down(ph->p_vaddr) < prev_end || ++loads > LOADS_MAX) {
			nest_log(p->env, "posix_run: \"%s\": segment %u not loadable (beyond the file, "
			         "overlapping, or one too many)", p->rom, i);
			return false;
		}
		prev_end = posix_page_up(ph->p_vaddr + ph->p_memsz);
	}
	if (!loads)
		nest_log(p->env, "posix_run: \"%s\" has nothing to load", p->rom);
	return loads > 0;
}

static int prot_of(const Elf64_Phdr *ph)
{
	return (ph->p_flags & PF_R ? PROT_READ : 0) | (ph->p_flags & PF_W ? PROT_WRITE : 0) |
	       (ph->p_flags & PF_X ? PROT_EXEC : 0);
}

static enum nest_error load_segment(struct posix *p, const struct image *img,
                                    const Elf64_Phdr *ph, uintptr_t bias)
{
	uintptr_t vaddr = ph->p_vaddr + bias;
	uintptr_t start = posix_page_down(vaddr), end = posix_page_up(vaddr + ph->p_memsz);
	bool writable = ph->p_flags & PF_W;
	enum nest_error err;

	if (img->mappable && !writable && ph->p_filesz == ph->p_memsz &&
	    vaddr % POSIX_PAGE == ph->p_offset % POSIX_PAGE) {
		err = plat_map_at(img->handle, end - start, posix_page_down(ph->p_offset), false,
		                  ph->p_flags & PF_X, (void *)start);
		if (!err)
			posix_region_add(p, start, end, false);
		return err;
	}
	if ((err = posix_ram_at(p, start, end - start)))
		return err;
	memcpy((void *)vaddr, img->data + ph->p_offset, ph->p_filesz);
	if (!writable && mprotect((void *)start, end - start, prot_of(ph)))
		return NEST_ERR_DENIED;
	if (!writable)
		p->regions[p->region_count - 1].writable = false;
	return NEST_OK;
}

/* where the program headers are in the program's memory (AT_PHDR): PT_PHDR,
 * or within the segment that holds them in the file */
static uintptr_t phdr_address(const struct image *img, uintptr_t bias)
{
	uint64_t off = img->ehdr->e_phoff;

	for (unsigned i = 0; i < img->ehdr->e_phnum; i++)
		if (img->phdrs[i].p_type == PT_PHDR)
			return img->phdrs[i].p_vaddr + bias;
	for (unsigned i = 0; i < img->ehdr->e_phnum; i++) {
		const Elf64_Phdr *ph = &img->phdrs[i];
		if (ph->p_type == PT_LOAD && off >= ph->p_offset &&
		    off - ph->p_offset < ph->p_filesz)
			return ph->p_vaddr + (off - ph->p_offset) + bias;
	}
	return 0;
}

static enum nest_error load_image(struct posix *p, struct image *img)
{
	uintptr_t bias;
	enum nest_error err;

	if (!header_ok(p, img))
		return NEST_ERR_INVALID_ARGS;
	img->phdrs = (const Elf64_Phdr *)(img->data + img->ehdr->e_phoff);
	if (!segments_ok(p, img))
		return NEST_ERR_INVALID_ARGS;
	bias = img->ehdr->e_type == ET_DYN ? PIE_BASE : 0;
	for (unsigned i = 0; i < img->ehdr->e_phnum; i++) {
		const Elf64_Phdr *ph = &img->phdrs[i];
		if (ph->p_type != PT_LOAD)
			continue;
		if ((err = load_segment(p, img, ph, bias))) {
			nest_log(p->env, "posix_run: \"%s\": cannot map segment %u at 0x%llx: %s",
			         p->rom, i, (unsigned long long)(ph->p_vaddr + bias),
			         nest_error_name(err));
			return err;
		}
		p->image_end = posix_page_up(ph->p_vaddr + bias + ph->p_memsz);
	}
	p->entry = img->ehdr->e_entry + bias;
	p->phdr  = phdr_address(img, bias);
	p->phnum = img->ehdr->e_phnum;
	if (!p->phdr) {
		nest_log(p->env, "posix_run: \"%s\": its program headers are not loaded", p->rom);
		return NEST_ERR_INVALID_ARGS;
	}
	return NEST_OK;
}

enum nest_error posix_load(struct posix *p)
{
	struct rom_client rom;
	struct nest_cap session, ds;
	struct image img = { 0 };
	uint64_t size = 0, real_size = 0;
	uint32_t kind = 0, may_write = 0;
	void *data = NULL;
	char args[128];
	enum nest_error err;

	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=4K, cap_quota=1", p->rom);
	if ((err = nest_env_session(p->env, "ROM", args, &session))) {
		nest_log(p->env, "posix_run: no ROM \"%s\": %s", p->rom, nest_error_name(err));
		return err;
	}
	rom_client_init(&rom, session);
	if ((err = rom_dataspace(&rom, &ds, &size)) ||
	    (err = pd_dataspace_info(&p->env->pd, ds, &real_size, &kind, &may_write)) ||
	    (err = nest_env_attach(p->env, ds, (size_t)real_size, false, &data))) {
		nest_log(p->env, "posix_run: ROM \"%s\" unreadable: %s", p->rom, nest_error_name(err));
		return err;
	}
	img.data     = data;
	img.size     = (size_t)real_size;
	img.handle   = nest_cap_handle(ds);
	img.mappable = kind == NEST_DATASPACE_ROM;
	img.ehdr     = data;
	err = load_image(p, &img);
	plat_unmap(data, img.size);
	return err;
}
