/*
 * \brief  The program's initial stack, as the kernel builds it at exec
 *
 * A RAM dataspace with a guard page below it (the runtime's stacks), laid
 * out as the System V x86-64 ABI says a process starts: at the stack
 * pointer argc, then argv, an empty environment and the auxiliary vector;
 * the strings and AT_RANDOM's bytes above them. The auxiliary vector says
 * where the program headers are (static glibc finds its TLS segment
 * through them), who the program is (POSIX_UID, POSIX_GID) and what the
 * CPU has, as the supervisor's own vector says. It names no vDSO: the
 * program's clock calls come to the supervisor like every other call.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include "runtimes/posix_run/posix.h"

enum { AUX_MAX = 24, RANDOM_BYTES = 16 };

struct builder {
	uintptr_t top, base;       /* the free part of the stack is [base, top) */
	uint64_t  aux[2 * AUX_MAX];
	unsigned  aux_count;
};

/* copy len bytes below the top, or 0 if they do not fit */
static uintptr_t push(struct builder *b, const void *data, size_t len)
{
	if (b->top - b->base < len + 64)
		return 0;
	b->top -= len;
	memcpy((void *)b->top, data, len);
	return b->top;
}

static void aux(struct builder *b, uint64_t type, uint64_t value)
{
	if (b->aux_count < AUX_MAX) {
		b->aux[2 * b->aux_count]     = type;
		b->aux[2 * b->aux_count + 1] = value;
		b->aux_count++;
	}
}

/* an entry as the supervisor's own auxiliary vector has it, if it has it */
static void aux_as_own(struct builder *b, uint64_t type)
{
	unsigned long value = getauxval(type);
	if (value)
		aux(b, type, value);
}

enum nest_error posix_stack_build(struct posix *p)
{
	struct builder b = { .aux_count = 0 };
	uintptr_t argv[POSIX_ARGS_MAX], random = 0, platform;
	uint8_t random_bytes[RANDOM_BYTES];
	uint64_t *sp;
	size_t words;
	void *top;
	enum nest_error err;

	if ((err = nest_stack_alloc(&p->env->pd, p->stack_size, &top))) {
		nest_log(p->env, "posix_run: no stack of %zu KiB: %s", p->stack_size >> 10,
		         nest_error_name(err));
		return err;
	}
	b.top  = (uintptr_t)top;
	b.base = b.top - p->stack_size;
	posix_region_add(p, b.base, b.top, true);

	for (unsigned i = p->argc; i-- > 0;)
		if (!(argv[i] = push(&b, p->argv[i], strlen(p->argv[i]) + 1)))
			return NEST_ERR_OUT_OF_RAM;
	platform = push(&b, "x86_64", sizeof("x86_64"));
	if (getrandom(random_bytes, sizeof(random_bytes), 0) == sizeof(random_bytes)) {
		b.top &= ~(uintptr_t)15;
		random = push(&b, random_bytes, sizeof(random_bytes));
	}
	if (!platform || !random) {
		nest_log(p->env, "posix_run: the stack's strings do not fit, or no random bytes");
		return NEST_ERR_OUT_OF_RAM;
	}

	aux(&b, AT_PHDR, p->phdr);
	aux(&b, AT_PHENT, sizeof(Elf64_Phdr));
	aux(&b, AT_PHNUM, p->phnum);
	aux(&b, AT_PAGESZ, POSIX_PAGE);
	aux(&b, AT_BASE, 0);
	aux(&b, AT_FLAGS, 0);
	aux(&b, AT_ENTRY, p->entry);
	aux(&b, AT_UID, POSIX_UID);
	aux(&b, AT_EUID, POSIX_UID);
	aux(&b, AT_GID, POSIX_GID);
	aux(&b, AT_EGID, POSIX_GID);
	aux(&b, AT_SECURE, 0);
	aux(&b, AT_RANDOM, random);
	aux(&b, AT_PLATFORM, platform);
	aux(&b, AT_EXECFN, argv[0]);
	aux_as_own(&b, AT_HWCAP);
	aux_as_own(&b, AT_HWCAP2);
	aux_as_own(&b, AT_CLKTCK);
	aux_as_own(&b, AT_MINSIGSTKSZ);
	aux(&b, AT_NULL, 0);

	/* argc, argv, NULL, the empty environment's NULL, the vector; 16-aligned */
	words = 1 + p->argc + 1 + 1 + 2 * b.aux_count;
	if (b.top - b.base < words * 8 + 64)
		return NEST_ERR_OUT_OF_RAM;
	sp = (uint64_t *)((b.top - words * 8) & ~(uintptr_t)15);
	p->stack_pointer = (uintptr_t)sp;
	*sp++ = p->argc;
	for (unsigned i = 0; i < p->argc; i++)
		*sp++ = argv[i];
	*sp++ = 0;
	*sp++ = 0;
	memcpy(sp, b.aux, 16 * b.aux_count);
	return NEST_OK;
}
