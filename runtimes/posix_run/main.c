/*
 * \brief  POSIX runtime: runs an unmodified static Linux program inside the
 *         component, every system call of it answered by the component
 *
 *   <config measure="10000">
 *     <program rom="busybox" heap="1M" mmap="1M" stack="128K">
 *       <arg value="busybox"/> <arg value="echo"/> <arg value="hello"/>
 *     </program>
 *   </config>
 *
 * The program is the ROM "rom" (a static x86-64 executable, such as
 * Debian's busybox-static as it is), started with the <arg> values as its
 * argv (default: the ROM's name) and an empty environment. It runs in the
 * component's own thread and address space, beside the supervisor (this
 * component, linked at 0x70000000), in memory the supervisor made of the
 * ROM and of RAM dataspaces charged to the component's quota: "heap" bytes
 * of program break, "mmap" bytes for anonymous mappings, "stack" bytes of
 * stack. Each of its system calls raises SIGSYS (dispatch.c) and is
 * answered by the supervisor (calls.c): its output becomes lines of the
 * component's LOG session, its exit the component's exit, its memory
 * calls act within the memory it was given, and everything else is refused
 * and logged. At its exit a line sums up what was served and refused.
 * With "measure", the supervisor first logs what a trapped call costs.
 *
 * What is a security boundary and what is not: the boundary is core's
 * seccomp filter of the "trapping" profile (core's config must give the
 * component's label that profile), which holds the whole process, program
 * and supervisor alike, to the strict profile's calls. Syscall User
 * Dispatch only routes the program's calls to the supervisor: the program
 * shares the supervisor's memory, so it can rewrite the supervisor's state
 * or jump to a system call instruction in the supervisor's text, and so
 * reach what the strict profile allows (its descriptors: the component's
 * sessions, core's object supply), but nothing more. The supervisor's
 * checks (which memory a call may touch, which descriptors it may write)
 * keep a program that does not attack it correct; they bound nothing.
 * Only the one thread is supervised (SUD and the signal stack are per
 * thread): clone is refused.
 *
 * Linux-only: the runtime runs Linux x86-64 programs by the host's Syscall
 * User Dispatch; a second kernel would need a runtime of its own.
 */
#include <stdio.h>
#include <string.h>
#include <nest/env.h>
#include <nest/xml.h>
#include <nest/session/rom.h>
#include "runtimes/posix_run/posix.h"

enum {
	HEAP_DEFAULT  = 1 << 20, MMAP_DEFAULT = 1 << 20, STACK_DEFAULT = 128 << 10,
	AREA_MIN      = 64 << 10, AREA_MAX     = 256 << 20,
	MEASURE_MAX   = 1000000,
	EXIT_NO_START = 127,            /* the program could not be started */
};

static bool name_ok(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
		      (*name >= '0' && *name <= '9') || strchr("._-", *name)))
			return false;
	return true;
}

/* a size attribute of <program>, page-rounded, within the limits */
static bool area_size(struct posix *p, const struct nest_xml_node *program, const char *attr,
                      size_t fallback, size_t *size)
{
	uint64_t value = fallback;

	if (nest_xml_has_attr(program, attr) && !nest_xml_attr_u64(program, attr, &value))
		value = 0;
	if (value < AREA_MIN || value > AREA_MAX) {
		nest_log(p->env, "posix_run: %s must be between 64K and 256M", attr);
		return false;
	}
	*size = (size_t)posix_page_up((uintptr_t)value);
	return true;
}

static bool read_program(struct posix *p, const struct nest_xml_node *program)
{
	struct nest_xml_node arg;
	bool more;

	if (!nest_xml_attr_str(program, "rom", p->rom, sizeof(p->rom)) || !name_ok(p->rom)) {
		nest_log(p->env, "posix_run: <program rom> must name a ROM (letters, digits, . _ -)");
		return false;
	}
	if (!area_size(p, program, "heap", HEAP_DEFAULT, &p->heap_size) ||
	    !area_size(p, program, "mmap", MMAP_DEFAULT, &p->mmap_size) ||
	    !area_size(p, program, "stack", STACK_DEFAULT, &p->stack_size))
		return false;
	for (more = nest_xml_sub(program, "arg", &arg); more;
	     more = nest_xml_next_of_type(&arg, "arg", &arg)) {
		if (p->argc == POSIX_ARGS_MAX ||
		    !nest_xml_attr_str(&arg, "value", p->argv[p->argc], POSIX_ARG_LEN)) {
			nest_log(p->env, "posix_run: at most %u <arg value>s of less than %u bytes",
			         POSIX_ARGS_MAX, POSIX_ARG_LEN);
			return false;
		}
		p->argc++;
	}
	if (!p->argc)
		snprintf(p->argv[p->argc++], POSIX_ARG_LEN, "%s", p->rom);
	return true;
}

static bool read_config(struct posix *p, unsigned *measure)
{
	struct rom_client rom;
	struct nest_cap session, ds;
	struct nest_xml_node config, program;
	uint64_t size = 0, calls = 0;
	void *text = NULL;

	if (nest_env_session(p->env, "ROM", "label=\"config\", ram_quota=4K, cap_quota=1", &session)) {
		nest_log(p->env, "posix_run: no config ROM");
		return false;
	}
	rom_client_init(&rom, session);
	if (rom_dataspace(&rom, &ds, &size) || nest_env_attach(p->env, ds, size, false, &text) ||
	    nest_xml_parse(text, size, &config, NULL)) {
		nest_log(p->env, "posix_run: config ROM unreadable");
		return false;
	}
	if (!nest_xml_sub(&config, "program", &program)) {
		nest_log(p->env, "posix_run: config names no <program>");
		return false;
	}
	if (nest_xml_attr_u64(&config, "measure", &calls))
		*measure = calls > MEASURE_MAX ? MEASURE_MAX : (unsigned)calls;
	return read_program(p, &program);
}

void component_construct(struct nest_env *env)
{
	static struct posix posix;
	struct posix *p = &posix;
	unsigned measure = 0;

	p->env = env;
	if (!read_config(p, &measure))
		nest_env_exit(env, EXIT_NO_START);
	if (posix_load(p) || posix_memory_init(p) || posix_stack_build(p) ||
	    posix_dispatch_init(p))
		nest_env_exit(env, EXIT_NO_START);
	if (measure)
		posix_dispatch_measure(p, measure);
	nest_env_ready(env);
	posix_dispatch_enter(p);
}
