/*
 * \brief  What loading a component's executable costs in private memory
 *
 * The data and bss segments of a component's binary are the one memory it
 * gets outside its dataspaces (besides the start-up stack). Core charges
 * them to the component's RAM quota, as Genode's loader puts them in RAM
 * dataspaces of the component, and the kernel holds the process to it
 * (RLIMIT_DATA). The image is a boot module: read it as untrusted.
 */
#include <elf.h>
#include <string.h>
#include "core/linux/sandbox.h"

enum { PAGE = 4096 };

static uint64_t page_span(uint64_t start, uint64_t size)
{
	uint64_t first = start & ~(uint64_t)(PAGE - 1);
	uint64_t end   = start + size;
	return (end - first + PAGE - 1) / PAGE * PAGE;
}

enum nest_error sandbox_binary_data_size(const void *image, size_t size, uint64_t *bytes)
{
	const unsigned char *bytes_of = image;
	Elf64_Ehdr header;
	uint64_t total = 0;

	if (size < sizeof(header))
		return NEST_ERR_INVALID_ARGS;
	memcpy(&header, image, sizeof(header));
	if (memcmp(header.e_ident, ELFMAG, SELFMAG) || header.e_ident[EI_CLASS] != ELFCLASS64 ||
	    header.e_machine != EM_X86_64 || header.e_phentsize != sizeof(Elf64_Phdr) ||
	    header.e_phoff > size || header.e_phnum > (size - header.e_phoff) / sizeof(Elf64_Phdr))
		return NEST_ERR_INVALID_ARGS;
	for (unsigned i = 0; i < header.e_phnum; i++) {
		Elf64_Phdr segment;
		memcpy(&segment, bytes_of + header.e_phoff + i * sizeof(segment), sizeof(segment));
		if (segment.p_type != PT_LOAD || !(segment.p_flags & PF_W))
			continue;
		if (segment.p_memsz > (1ull << 40) || segment.p_vaddr > (1ull << 47))
			return NEST_ERR_INVALID_ARGS;
		total += page_span(segment.p_vaddr, segment.p_memsz);
	}
	*bytes = total;
	return NEST_OK;
}
