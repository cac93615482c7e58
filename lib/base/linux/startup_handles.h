/*
 * \brief  Where core places a component's initial handles on Linux
 *
 * Shared by core's spawn code and the component runtime. The binary sits at
 * BINARY, the one descriptor number the sandbox lets execveat use; the
 * descriptor limit is set to BINARY so that, once it is closed by exec, no
 * descriptor of that number can ever exist again in the component.
 */
#ifndef NEST_STARTUP_HANDLES_H
#define NEST_STARTUP_HANDLES_H

enum {
	STARTUP_PARENT = 3,     /* capability of the parent interface */
	STARTUP_PD     = 4,     /* the component's own PD session */
	STARTUP_FAULT  = 5,     /* channel to core for fault reports */
	STARTUP_BINARY = 1023,  /* ROM dataspace of the binary, close-on-exec */
};

/* what the runtime's fault handler tells core before the process dies */
struct fault_report {
	int                signal;
	int                code;
	unsigned long long addr;   /* faulting data address */
	unsigned long long ip;     /* instruction pointer */
};

#endif
