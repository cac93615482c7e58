/*
 * \brief  Minimal unit-test harness shared by all host unit tests
 *
 * A unit-test program defines test cases with UNIT_TEST(name) and ends with
 * UNIT_MAIN(). Each case prints "PASS name" or "FAIL name: file:line: what";
 * the test runner counts these lines. The program exits non-zero if any case
 * failed. No timing decides a unit test.
 */
#ifndef NEST_TESTS_UNIT_H
#define NEST_TESTS_UNIT_H

#include <signal.h>
#include <stdio.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*fn)(int *failed);
	struct unit_case *next;
};

struct unit_registry { struct unit_case *first, *last; };

static struct unit_registry unit_registry;

static inline void unit_register(struct unit_case *c)
{
	if (unit_registry.last) unit_registry.last->next = c;
	else unit_registry.first = c;
	unit_registry.last = c;
}

#define UNIT_TEST(name) \
	static void unit_fn_##name(int *unit_failed); \
	static struct unit_case unit_case_##name = { #name, unit_fn_##name, 0 }; \
	__attribute__((constructor)) static void unit_reg_##name(void) \
	{ unit_register(&unit_case_##name); } \
	static void unit_fn_##name(int *unit_failed)

#define CHECK(cond) do { if (!(cond)) { \
	printf("  check failed: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	*unit_failed = 1; } } while (0)

#define CHECK_EQ_INT(a, b) do { long long unit_a = (long long)(a), unit_b = (long long)(b); \
	if (unit_a != unit_b) { \
	printf("  check failed: %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, \
	       #a, #b, unit_a, unit_b); *unit_failed = 1; } } while (0)

#define CHECK_EQ_STR(a, b) do { const char *unit_a = (a), *unit_b = (b); \
	if (!unit_a || !unit_b || strcmp(unit_a, unit_b)) { \
	printf("  check failed: %s:%d: %s == %s (\"%s\" != \"%s\")\n", __FILE__, __LINE__, \
	       #a, #b, unit_a ? unit_a : "(null)", unit_b ? unit_b : "(null)"); \
	*unit_failed = 1; } } while (0)

/* with an argument, only the cases whose name contains it run */
#define UNIT_MAIN() \
	int main(int argc, char **argv) { \
		int any_failed = 0; \
		setvbuf(stdout, NULL, _IONBF, 0); \
		signal(SIGPIPE, SIG_IGN);    /* as every process that submits signals */ \
		for (struct unit_case *c = unit_registry.first; c; c = c->next) { \
			int failed = 0; \
			if (argc > 1 && !strstr(c->name, argv[1])) \
				continue; \
			c->fn(&failed); \
			printf("%s %s\n", failed ? "FAIL" : "PASS", c->name); \
			any_failed |= failed; \
		} \
		return any_failed; \
	}

#endif
