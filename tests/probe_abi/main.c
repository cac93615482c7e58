/*
 * \brief  Sandbox probe: can a component call the kernel through another system-call ABI?
 *
 * Plays the attacker, so unlike every other component it calls Linux
 * directly. The filter judges calls by their x86_64 numbers; a call of the
 * x32 ABI (number | 0x40000000) would be judged by a number that means
 * something else, so the filter kills the process for it (SIGSYS) instead
 * of refusing it with an errno. The probe cannot report its own death: it
 * says what it attempts and which refusal it expects, and the scenario
 * checks core's word on how it ended ("killed by SIGSYS"). If the call
 * returns, nothing stopped it: where there is no sandbox, that is what
 * must happen, whatever the kernel answers (a kernel without the x32 ABI
 * answers ENOSYS).
 *
 * Not tried: the i386 ABI (int 0x80), which the filter kills for too but
 * which not every host has (this one's hypervisor faults on it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <nest/env.h>
#include "../probe_common.h"

enum { X32_SYSCALL_BIT = 0x40000000 };

void component_construct(struct nest_env *env)
{
	static struct probe p;
	char answer[64];
	long r;

	p.env = env;
	nest_log(env, "probe: getpid through the x32 ABI: attempted; the sandbox kills for it "
	              "(SIGSYS)");
	r = syscall(X32_SYSCALL_BIT | SYS_getpid);
	if (r < 0)
		snprintf(answer, sizeof(answer), "%s", error_name(errno));
	else
		snprintf(answer, sizeof(answer), "%ld", r);
	p.allowed++;
	nest_log(env, "probe: getpid through the x32 ABI: ALLOWED (not killed; the kernel "
	              "answered %s)", answer);
	probe_finish(&p);
}
