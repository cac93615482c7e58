/*
 * \brief  Core's CPU service: the registry of a component's threads
 *
 * On Linux a component's threads run in its own process; the CPU session
 * names them, so that core's diagnostics can say which thread of which
 * component did what. The kernel holds the process to as many threads as
 * one session names (pd_session.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session_args.h>
#include <nest/session/cpu.h>
#include "core/core.h"

NEST_RPC_DISPATCH(cpu, CPU_INTERFACE)

enum { MAX_THREADS = CPU_THREADS_MAX, THREAD_NAME_MAX = 64 };

struct cpu_server {
	struct nest_rpc_object object;
	char                   label[LABEL_MAX];
	char                   names[MAX_THREADS][THREAD_NAME_MAX];   /* "" means free */
};

enum nest_error cpu_serve_create_thread(struct cpu_server *cpu, const char *name, uint32_t *thread)
{
	if (!*name || !nest_text_printable(name))
		return NEST_ERR_INVALID_ARGS;
	for (uint32_t i = 0; i < MAX_THREADS; i++)
		if (!cpu->names[i][0]) {
			snprintf(cpu->names[i], THREAD_NAME_MAX, "%s", name);
			*thread = i;
			return NEST_OK;
		}
	return NEST_ERR_OUT_OF_CAPS;
}

enum nest_error cpu_serve_kill_thread(struct cpu_server *cpu, uint32_t thread)
{
	if (thread >= MAX_THREADS || !cpu->names[thread][0])
		return NEST_ERR_NOT_FOUND;
	cpu->names[thread][0] = 0;
	return NEST_OK;
}

enum nest_error cpu_serve_thread_name(struct cpu_server *cpu, uint32_t thread,
                                      struct nest_bytes *name)
{
	size_t len;
	if (thread >= MAX_THREADS || !cpu->names[thread][0])
		return NEST_ERR_NOT_FOUND;
	len = strlen(cpu->names[thread]);
	memcpy(name->data, cpu->names[thread], len);
	name->len = len;
	return NEST_OK;
}

enum nest_error cpu_serve_thread_count(struct cpu_server *cpu, uint32_t *count)
{
	*count = 0;
	for (unsigned i = 0; i < MAX_THREADS; i++)
		*count += cpu->names[i][0] != 0;
	return NEST_OK;
}

enum nest_error cpu_session_create(struct core *core, const char *label, void **server,
                                   struct nest_rpc_object **object)
{
	struct cpu_server *cpu = calloc(1, sizeof(*cpu));
	if (!cpu)
		return NEST_ERR_OUT_OF_RAM;
	snprintf(cpu->label, sizeof(cpu->label), "%s", label);
	if (nest_ep_manage(&core->ep, &cpu->object, cpu, cpu)) {
		free(cpu);
		return NEST_ERR_OUT_OF_CAPS;
	}
	*server = cpu;
	*object = &cpu->object;
	return NEST_OK;
}

void cpu_session_destroy(void *server)
{
	struct cpu_server *cpu = server;
	nest_ep_dissolve(&cpu->object);
	free(cpu);
}
