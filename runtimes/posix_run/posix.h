/*
 * \brief  The POSIX runtime's parts: what they share about the program it runs
 *
 * main.c reads the config and runs the parts in order: loader.c maps the
 * program's ELF image from its ROM, memory.c gives it a program break and
 * anonymous memory from RAM dataspaces, stack.c builds its initial stack,
 * dispatch.c routes its system calls to calls.c and jumps to its entry.
 */
#ifndef POSIX_POSIX_H
#define POSIX_POSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nest/env.h>

enum {
	POSIX_PAGE      = 4096,
	POSIX_ARGS_MAX  = 32,      /* <arg> nodes of the config */
	POSIX_ARG_LEN   = 256,
	POSIX_REGIONS   = 16,      /* memory areas the program was given */
	POSIX_LINE_MAX  = 512,     /* output is logged a line at a time */
	POSIX_CALLS     = 512,     /* system call numbers that are counted by name */
	POSIX_UID       = 1000,    /* the identity the program is told */
	POSIX_GID       = 1000,
	POSIX_PID       = 1,
};

static inline uintptr_t posix_page_down(uintptr_t a) { return a & ~(uintptr_t)(POSIX_PAGE - 1); }
static inline uintptr_t posix_page_up(uintptr_t a)   { return posix_page_down(a + POSIX_PAGE - 1); }

/* an area of the program's memory: the handler reads and writes the
 * program's buffers only within these */
struct posix_region {
	uintptr_t start, end;
	bool      writable;
};

/* anonymous memory (mmap): pages of one RAM dataspace, each used or free */
struct posix_pool {
	uintptr_t start;
	size_t    pages;
	uint8_t  *used;            /* one byte a page */
};

/* output to descriptors 1 and 2, logged a line at a time */
struct posix_output {
	char   text[POSIX_LINE_MAX];
	size_t len;
};

struct posix {
	struct nest_env    *env;
	char                rom[64];                /* the program's ROM, its name for the log */
	unsigned            argc;
	char                argv[POSIX_ARGS_MAX][POSIX_ARG_LEN];
	size_t              heap_size, mmap_size, stack_size;

	/* what the loader found */
	uintptr_t           entry, phdr;
	unsigned            phnum;
	uintptr_t           image_end;              /* past its last segment */

	/* what memory.c gave it */
	uintptr_t           brk_start, brk_cur, brk_end;
	struct posix_pool   pool;
	struct posix_region regions[POSIX_REGIONS];
	unsigned            region_count;
	uintptr_t           stack_pointer;          /* at argc, for the entry */

	/* what calls.c answered */
	struct posix_output output[2];              /* descriptors 1 and 2 */
	uint32_t            served[POSIX_CALLS + 1], refused[POSIX_CALLS + 1];
	unsigned            refusals_logged;
};

/* loader.c: map the static ELF executable of ROM p->rom at its addresses */
enum nest_error posix_load(struct posix *p);

/* memory.c */
void            posix_region_add(struct posix *p, uintptr_t start, uintptr_t end, bool writable);
/* whether [addr, addr + len) lies in one region (a writable one if asked) */
bool            posix_region_holds(const struct posix *p, uintptr_t addr, size_t len,
                                   bool writable);
/* RAM of the PD mapped writable at addr, where nothing is mapped yet */
enum nest_error posix_ram_at(struct posix *p, uintptr_t addr, size_t size);
/* the program break after the image, and the pool for anonymous mappings */
enum nest_error posix_memory_init(struct posix *p);
long            posix_brk(struct posix *p, uintptr_t want);
/* anonymous mappings, from the pool */
long            posix_mmap(struct posix *p, uintptr_t addr, size_t len, int prot, int flags);
bool            posix_pool_holds(const struct posix *p, uintptr_t addr, size_t len);
long            posix_munmap(struct posix *p, uintptr_t addr, size_t len);
long            posix_mprotect(struct posix *p, uintptr_t addr, size_t len, int prot);

/* stack.c: the initial stack, System V x86-64 process entry layout */
enum nest_error posix_stack_build(struct posix *p);

/* dispatch.c: the SIGSYS handler, Syscall User Dispatch, the jump */
enum nest_error posix_dispatch_init(struct posix *p);
/* the cost of a trapped call beside a plain one, logged */
void            posix_dispatch_measure(struct posix *p, unsigned calls);
_Noreturn void  posix_dispatch_enter(struct posix *p);
/* calls of the supervisor's own that the filter refused (answered EPERM) */
unsigned        posix_dispatch_filtered(void);

/* calls.c: one system call of the program, answered; *fs is its FS base,
 * which dispatch.c loads when it returns to the program */
struct posix_call {
	long      nr;
	long      arg[6];
	long      result;
	uint64_t *sigmask;         /* the mask in force after the call */
	uint64_t  fs;
};
void            posix_call(struct posix *p, struct posix_call *call);
void            posix_calls_reset(struct posix *p);
_Noreturn void  posix_exit(struct posix *p, int code);

#endif
