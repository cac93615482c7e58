/*
 * \brief  Sanitizer options of a component of the sanitized build
 *
 * Linked into the components of build/san/ only (see the Makefile). A
 * component has no environment, so the options that core's sandbox needs
 * are compiled in; the runtimes look these functions up when they start.
 * Faults are the kernel's word, which core reports (core/linux/tracer.c),
 * so the runtime installs no handler for them; a sanitizer report ends the
 * component with SIGABRT, which core reports as a fault, after the report
 * went to core's stderr. LeakSanitizer would have to ptrace the component,
 * which the filter refuses and core's tracer already does, and RLIMIT_CORE
 * is 0 already but may not be changed.
 */

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0:abort_on_error=1:disable_coredump=0:"
	       "handle_segv=0:handle_sigbus=0:handle_sigill=0:handle_sigfpe=0:handle_abort=0";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1:abort_on_error=1";
}
