/*
 * \brief  Every system call of the program raises SIGSYS; the handler here has it answered
 *
 * Syscall User Dispatch (prctl PR_SET_SYSCALL_USER_DISPATCH, which core's
 * trapping profile allows and nothing else of prctl) makes each system call
 * from outside the supervisor's text raise SIGSYS while the selector byte
 * says BLOCK. The supervisor's text is its binary's text segment, at
 * 0x70000000 (the Makefile links it there, clear of the program at
 * 0x400000). The selector says ALLOW while the supervisor runs, so that its
 * calls from elsewhere pass as well: its vDSO's, and in the sanitized build
 * (dynamic, tests only) those of the loader, libc and the sanitizer
 * runtimes. It says BLOCK while the program runs.
 *
 * The handler runs on a stack of its own (sigaltstack, a RAM dataspace),
 * with every signal blocked, and returns through a restorer in the
 * supervisor's text: its rt_sigreturn must not be dispatched, and a call
 * dispatched or trapped while SIGSYS is blocked ends the process. So the
 * handler makes no call the filter refuses.
 *
 * The program owns FS, the base of its thread-local storage. The
 * supervisor's C library and runtime need theirs: errno, and the stack
 * protector's canary at %fs:0x28 in the C library's functions. So the
 * handler's entry (sigsys_entry) is code that touches no TLS and has no
 * stack protector: it loads the supervisor's FS, has the call answered in
 * C (calls.c), and loads the program's FS again, which the supervisor
 * knows (it made every change of it: arch_prctl ARCH_SET_FS is answered
 * here). This CPU has no FSGSBASE instructions for user space, so each
 * load is an arch_prctl.
 *
 * What a trapped call costs (posix_dispatch_measure, <config measure="N">,
 * scenarios/busybox): 55-70 us in a component here, beside 2-3.5 us for a
 * plain getpid from the supervisor's text (which SUD and the filter slow
 * down: 1.1 us in a host process). Of those, the trap itself (signal
 * delivery and sigreturn) is about 3 us and the two FS loads about 9 us,
 * as a host process without a tracer shows; the rest is core's tracer: a
 * signal to a traced process stops it until core has looked at it
 * (core/linux/tracer.c), for every call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <asm/prctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <nest/platform.h>
#include <nest/session/pd.h>
#include "runtimes/posix_run/posix.h"

enum {
	ALT_STACK_SIZE = 64 * 1024,
	TRAP_SECCOMP   = 1,             /* SIGSYS si_code: the filter refused a call (SECCOMP_RET_TRAP) */
	TRAP_DISPATCH  = 2,             /* SIGSYS si_code: Syscall User Dispatch */
};

/* what rt_sigaction takes on x86-64 (glibc's struct sigaction is another) */
struct kernel_sigaction {
	void        (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void        (*restorer)(void);
	uint64_t      mask;
};
enum { KERNEL_SA_RESTORER = 0x04000000 };

/* the linker's bounds of the supervisor's text */
extern const char __executable_start[], __etext[];

/* the restorer: rt_sigreturn from within the supervisor's text; the kernel
 * looks at the address after the syscall instruction, which ud2 keeps in it */
#define STRING(x)  #x
#define NUMBER(x)  STRING(x)
extern void posix_restorer(void);
__asm__(".pushsection .text\n"
        ".type posix_restorer, @function\n"
        "posix_restorer:\n"
        "	mov $" NUMBER(__NR_rt_sigreturn) ", %eax\n"
        "	syscall\n"
        "	ud2\n"
        ".popsection\n");

/* what the measurement copies out of the text: a loop of getpid calls */
extern const char posix_getpid_loop[], posix_getpid_loop_end[];
__asm__(".pushsection .text\n"
        "posix_getpid_loop:\n"
        "	mov $" NUMBER(__NR_getpid) ", %eax\n"
        "	syscall\n"
        "	dec %rdi\n"
        "	jnz posix_getpid_loop\n"
        "	ret\n"
        "posix_getpid_loop_end:\n"
        ".popsection\n");

/*
 * The process entry (the Makefile names it): the trapping filter raises
 * SIGSYS where the strict one refuses, and the C library's start-up makes
 * such a call (readlink of /proc/self/exe, for $ORIGIN), which would end
 * the process before any C of ours runs. So the entry first installs
 * the handler, which answers such a call as the strict profile does
 * (EPERM), and goes on to the C library's _start as the kernel left it.
 */
__asm__(".pushsection .text\n"
        ".globl posix_start\n"
        ".type posix_start, @function\n"
        "posix_start:\n"
        "	call posix_early_init\n"
        "	xor %edx, %edx\n"                 /* no function for atexit, as from the kernel */
        "	jmp _start\n"
        ".popsection\n");

static struct posix  *supervised;        /* the one program of the component */
static uint64_t       supervisor_fs;
static uint64_t       program_fs;        /* 0 as at exec, until the program sets one */
static unsigned       filtered;          /* calls the filter refused, answered EPERM */
static volatile char  selector = SYSCALL_DISPATCH_FILTER_ALLOW;

/* code that runs with the program's FS: no stack protector, no TLS */
#define NO_TLS __attribute__((no_stack_protector, noinline))

static inline __attribute__((always_inline)) long raw_syscall4(long nr, long a, long b, long c,
                                                              long d)
{
	register long r10 __asm__("r10") = d;
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
	                 : "rcx", "r11", "memory");
	return ret;
}

static inline __attribute__((always_inline)) long raw_syscall2(long nr, long a, long b)
{
	return raw_syscall4(nr, a, b, 0, 0);
}

/* the program's call, answered by calls.c with the supervisor's FS; the
 * program's FS to return to */
static uint64_t serve(siginfo_t *info, ucontext_t *context, uint64_t fs)
{
	greg_t *r = context->uc_mcontext.gregs;
	struct posix_call call = {
		.nr      = info->si_syscall,
		.arg     = { r[REG_RDI], r[REG_RSI], r[REG_RDX], r[REG_R10], r[REG_R8], r[REG_R9] },
		.sigmask = (uint64_t *)&context->uc_sigmask,
		.fs      = fs,
	};

	posix_call(supervised, &call);
	r[REG_RAX] = call.result;              /* rip is past the syscall already */
	return call.fs;
}

/*
 * A call the filter refused is answered as the strict profile answers it,
 * whoever made it, with no TLS. A call of the program's (its FS is
 * program_fs: the supervisor made every change of it) is answered with
 * the supervisor's FS loaded. SIGSYS of another kind is no call.
 */
NO_TLS static void sigsys_entry(int sig, siginfo_t *info, void *context)
{
	char was = selector;

	(void)sig;
	if (info->si_code == TRAP_SECCOMP) {
		((ucontext_t *)context)->uc_mcontext.gregs[REG_RAX] = -EPERM;
		filtered++;
		return;
	}
	if (info->si_code != TRAP_DISPATCH || !supervised)
		return;
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)supervisor_fs);
	program_fs = serve(info, context, program_fs);
	raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)program_fs);
	selector = was;
}

/* runs before the C library has set anything up: no TLS, no library call */
NO_TLS __attribute__((used)) void posix_early_init(void)
{
	struct kernel_sigaction action = {
		.handler  = sigsys_entry,
		.flags    = SA_SIGINFO | KERNEL_SA_RESTORER,
		.restorer = posix_restorer,
		.mask     = ~0ull,
	};
	uint64_t sigsys = 1ull << (SIGSYS - 1);

	raw_syscall4(SYS_rt_sigaction, SIGSYS, (long)&action, 0, sizeof(action.mask));
	raw_syscall4(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&sigsys, 0, sizeof(sigsys));
}

enum nest_error posix_dispatch_init(struct posix *p)
{
	uintptr_t start = posix_page_down((uintptr_t)__executable_start);
	struct kernel_sigaction action = {
		.handler  = sigsys_entry,
		.flags    = SA_SIGINFO | SA_ONSTACK | KERNEL_SA_RESTORER,
		.restorer = posix_restorer,
		.mask     = ~0ull,               /* nothing interrupts the handler */
	};
	stack_t alt = { .ss_flags = 0, .ss_size = ALT_STACK_SIZE };
	void *top;
	enum nest_error err;

	supervised = p;
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &supervisor_fs)) {
		nest_log(p->env, "posix_run: cannot read the supervisor's FS");
		return NEST_ERR_DENIED;
	}
	if ((err = nest_stack_alloc(&p->env->pd, ALT_STACK_SIZE, &top))) {
		nest_log(p->env, "posix_run: no signal stack: %s", nest_error_name(err));
		return err;
	}
	alt.ss_sp = (char *)top - ALT_STACK_SIZE;
	if (sigaltstack(&alt, NULL) ||
	    syscall(SYS_rt_sigaction, SIGSYS, &action, NULL, sizeof(action.mask)) ||
	    prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, start,
	          (uintptr_t)__etext - start, &selector)) {
		nest_log(p->env, "posix_run: cannot have the program's calls dispatched (is its "
		         "sandbox profile \"trapping\"?)");
		return NEST_ERR_DENIED;
	}
	return NEST_OK;
}

/* count getpid calls of the loop at code, with a FS of another's, trapped */
NO_TLS static void run_trapped(void (*code)(long), long count)
{
	static uint64_t other_tls[8];

	program_fs = (uint64_t)other_tls;
	selector = SYSCALL_DISPATCH_FILTER_BLOCK;
	raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)program_fs);
	code(count);
	raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)supervisor_fs);
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	program_fs = 0;
}

void posix_dispatch_measure(struct posix *p, unsigned calls)
{
	size_t size = POSIX_PAGE, len = (size_t)(posix_getpid_loop_end - posix_getpid_loop);
	struct nest_cap ds;
	void *code = NULL;
	uint64_t t0, t1, t2;

	if (!calls || nest_env_alloc_ram(p->env, size, &ds))
		return;
	if (plat_map(nest_cap_handle(ds), size, 0, true, true, &code)) {
		pd_free_ram(&p->env->pd, ds);
		nest_cap_release(&ds);
		return;
	}
	memcpy(code, posix_getpid_loop, len);
	t0 = plat_time_us();
	((void (*)(long))(uintptr_t)posix_getpid_loop)(calls);    /* from the text: not trapped */
	t1 = plat_time_us();
	run_trapped((void (*)(long))code, calls);
	t2 = plat_time_us();
	posix_calls_reset(p);
	nest_log(p->env, "posix_run: a trapped call takes %llu ns, a plain getpid %llu ns "
	         "(%u calls each)", (unsigned long long)((t2 - t1) * 1000 / calls),
	         (unsigned long long)((t1 - t0) * 1000 / calls), calls);
	plat_unmap(code, size);
	pd_free_ram(&p->env->pd, ds);
	nest_cap_release(&ds);
}

unsigned posix_dispatch_filtered(void)
{
	return filtered;
}

_Noreturn void posix_dispatch_enter(struct posix *p)
{
	/* from here on, no TLS: FS is 0 as at exec, until the program sets its own.
	 * Process entry: rsp at argc, rdx 0 (no function for atexit), the rest 0 */
	__asm__ volatile(
		"movb %[block], %[selector]\n"
		"mov %[entry], %%r12\n"
		"mov %[sp], %%r13\n"
		"mov %[arch_prctl], %%eax\n"
		"mov %[set_fs], %%edi\n"
		"xor %%esi, %%esi\n"
		"syscall\n"
		"mov %%r13, %%rsp\n"
		"mov %%r12, %%rax\n"
		"xor %%ebx, %%ebx\n xor %%ecx, %%ecx\n xor %%edx, %%edx\n xor %%esi, %%esi\n"
		"xor %%edi, %%edi\n xor %%ebp, %%ebp\n xor %%r8d, %%r8d\n xor %%r9d, %%r9d\n"
		"xor %%r10d, %%r10d\n xor %%r11d, %%r11d\n xor %%r12d, %%r12d\n xor %%r13d, %%r13d\n"
		"xor %%r14d, %%r14d\n xor %%r15d, %%r15d\n"
		"jmp *%%rax\n"
		: [selector] "=m"(selector)
		: [block] "i"(SYSCALL_DISPATCH_FILTER_BLOCK), [arch_prctl] "i"(SYS_arch_prctl),
		  [set_fs] "i"(ARCH_SET_FS), [entry] "r"(p->entry),
		  [sp] "r"(p->stack_pointer)
		: "rax", "rcx", "rdx", "rsi", "rdi", "r11", "r12", "r13", "memory");
	__builtin_unreachable();
}
