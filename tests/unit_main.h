/*
 * tests/unit_main.h - the one CUnit runner every test program shares.
 *
 * A test program includes it at the top for the types, defines
 * `static const struct unit_suite suites[]` (each a name and a {NULL}-ended
 * list of {name, fn}), ends the list with {NULL}, and defines
 * UNIT_MAIN(suites) at the bottom, which expands to main(): it runs every
 * suite in verbose basic mode and exits non-zero when any assertion failed,
 * so automake's harness reports it.
 */
#ifndef PKTSIM_TESTS_UNIT_MAIN_H
#define PKTSIM_TESTS_UNIT_MAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

struct unit_suite {
	const char *name;
	const struct unit_test *tests;
};

static inline int unit_run(const struct unit_suite *suites)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (const struct unit_suite *s = suites; s->name; s++) {
		CU_pSuite cs = CU_add_suite(s->name, NULL, NULL);
		if (!cs)
			return 2;
		for (const struct unit_test *t = s->tests; t->name; t++)
			if (!CU_add_test(cs, t->name, t->fn))
				return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}

#define UNIT_MAIN(tab) \
	int main(void) { return unit_run(tab); }

#endif
