/*
 * \brief  Linux start-up of a component: initial handles and fault reports
 *
 * Core placed the parent and PD capabilities at fixed descriptors. A fatal
 * signal is reported to core over the fault channel (signal, address,
 * instruction pointer) before the default action ends the process; core,
 * not the component, then decides what to log and whom to tell.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <ucontext.h>
#include <unistd.h>
#include <nest/env.h>
#include "lib/base/linux/startup_handles.h"

static void report_fault(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	struct fault_report report = {
		.signal = sig,
		.code   = info->si_code,
		.addr   = (unsigned long long)(unsigned long)info->si_addr,
		.ip     = (unsigned long long)uc->uc_mcontext.gregs[REG_RIP],
	};
	if (info->si_code <= 0)            /* sent, not caused: no fault address */
		report.addr = 0;
	send(STARTUP_FAULT, &report, sizeof(report), MSG_NOSIGNAL | MSG_DONTWAIT);
	/* SA_RESETHAND restored the default action: a hardware fault recurs on
	 * return and ends the process. A raised signal (abort) would be ignored
	 * by the kernel, the component being PID 1 of its namespace. */
	if (info->si_code <= 0)
		_exit(128 + sig);
}

static void install_fault_handlers(void)
{
	static char altstack[16384] __attribute__((aligned(16)));
	static const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = report_fault;
	sa.sa_flags     = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, NULL);
}

enum nest_error nest_platform_startup(struct nest_startup *startup, int argc, char **argv)
{
	install_fault_handlers();
	startup->parent = nest_cap_from_handle(STARTUP_PARENT);
	startup->pd     = nest_cap_from_handle(STARTUP_PD);
	startup->name   = argc > 0 ? argv[0] : "?";
	return NEST_OK;
}
