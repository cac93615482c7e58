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
	STARTUP_BINARY = 1023,  /* ROM dataspace of the binary, close-on-exec */
};

#endif
