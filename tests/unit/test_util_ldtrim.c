/*
 * test_util_ldtrim: dropping the loader's tables gives pages back and the
 * program goes on working, also where the loader must read those tables
 * again (a symbol looked up after the trim).
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/ldtrim.h"

static void test_trim_then_lookup(void **state)
{
	(void)state;
	assert_true(ldtrim_linker_tables() > 0);   /* libc's tables at least */
	size_t (*len)(const char *) = (size_t (*)(const char *))dlsym(RTLD_DEFAULT, "strlen");
	assert_non_null(len);
	assert_int_equal(len("vantage"), 7);
	assert_true(ldtrim_linker_tables() > 0);   /* twice is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim_then_lookup),
	};
	return cmocka_run_group_tests_name("util_ldtrim", tests, NULL, NULL);
}
