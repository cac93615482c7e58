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
	STARTUP_OBJECTS = 5,    /* to core, which makes its socket pairs and pipes */
	/* host handles (a file, a terminal) that core installs at a component's
	 * request, in order; each holds a placeholder until then and cannot be
	 * closed, so a number here names the handle and nothing else */
	HOST_HANDLE_FIRST = 6,
	HOST_HANDLE_COUNT = 4,
	STARTUP_BINARY = 1023,  /* ROM dataspace of the binary, close-on-exec */
};

/* ioctl(session capability, HOST_HANDLE_TAKE): the filter hands it to core,
 * which installs the host handle of that session and returns its number */
#define HOST_HANDLE_TAKE 0x4e455354u   /* "NEST" */

#endif
