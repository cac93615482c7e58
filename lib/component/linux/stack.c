/*
 * \brief  Stacks from RAM dataspaces, with a guard page, on Linux
 *
 * The entrypoint (and every thread) runs on a stack that is a dataspace of
 * the component's PD, so its memory is charged to the component's quota.
 * An inaccessible page below it turns an overflow into a fault that core
 * reports, instead of silent corruption of whatever lies below.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sanitizer/common_interface_defs.h>
#include <nest/env.h>
#include <nest/platform.h>
#include <nest/session/pd.h>

/* size must be a multiple of the page size; *base is the stack's lowest byte */
enum nest_error nest_stack_alloc_freeable(struct pd_client *pd, size_t size,
                                          struct nest_cap *ds, void **base)
{
	size_t guard = plat_page_size();
	unsigned char *range;
	enum nest_error err;

	err = pd_alloc_ram(pd, size, ds);
	if (err)
		return err;
	range = mmap(NULL, guard + size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	             -1, 0);
	if (range == MAP_FAILED ||
	    mmap(range + guard, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
	         nest_cap_handle(*ds), 0) == MAP_FAILED) {
		if (range != MAP_FAILED)
			munmap(range, guard + size);
		pd_free_ram(pd, *ds);
		nest_cap_release(ds);
		return NEST_ERR_OUT_OF_RAM;
	}
	*base = range + guard;
	return NEST_OK;
}

void nest_stack_free(struct pd_client *pd, struct nest_cap *ds, void *base, size_t size)
{
	size_t guard = plat_page_size();
	munmap((unsigned char *)base - guard, guard + size);
	pd_free_ram(pd, *ds);
	nest_cap_release(ds);
}

enum nest_error nest_stack_alloc(struct pd_client *pd, size_t size, void **top)
{
	size_t page = plat_page_size();
	struct nest_cap ds;
	void *base;
	enum nest_error err;

	size = (size + page - 1) / page * page;
	err = nest_stack_alloc_freeable(pd, size, &ds, &base);
	if (err)
		return err;
	nest_cap_release(&ds);                 /* the mapping keeps it, for good */
	*top = (unsigned char *)base + size;
	return NEST_OK;
}

/*
 * In the sanitized build, ASan is told of the switch as of a fiber's, so that
 * it knows which stack a call that does not return leaves behind. Elsewhere
 * its runtime is not linked and these weak references are null.
 */
#pragma weak __sanitizer_start_switch_fiber
#pragma weak __sanitizer_finish_switch_fiber

struct on_stack {
	void      (*fn)(void *);
	void       *arg;
	const void *old_bottom;
	size_t      old_size;
};

static void on_stack_entry(void *arg)
{
	struct on_stack *s = arg;

	if (__sanitizer_finish_switch_fiber)
		__sanitizer_finish_switch_fiber(NULL, &s->old_bottom, &s->old_size);
	s->fn(s->arg);
	if (__sanitizer_start_switch_fiber)
		__sanitizer_start_switch_fiber(NULL, s->old_bottom, s->old_size);
}

void nest_run_on_stack(void (*fn)(void *), void *arg, void *top, size_t size)
{
	struct on_stack s = { .fn = fn, .arg = arg };
	void *fake_stack = NULL;

	if (__sanitizer_start_switch_fiber)
		__sanitizer_start_switch_fiber(&fake_stack, (unsigned char *)top - size, size);
	/* the old stack pointer lives in a callee-saved register across the call */
	__asm__ volatile(
		"mov %%rsp, %%r12\n\t"
		"mov %[top], %%rsp\n\t"
		"mov %[arg], %%rdi\n\t"
		"call *%[fn]\n\t"
		"mov %%r12, %%rsp\n\t"
		:
		: [fn] "r"(on_stack_entry), [arg] "r"(&s), [top] "r"(top)
		: "r12", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		  "memory", "cc");
	if (__sanitizer_finish_switch_fiber)
		__sanitizer_finish_switch_fiber(fake_stack, NULL, NULL);
}
