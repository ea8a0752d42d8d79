/*
 * Tests of tslive: on this host's loopback the kernel's software receive
 * stamps come on (the wait returns 0) within the engine's own limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/tslive.h"

/* Stamps come on within the engine's 200 ms, every time it asks. */
static void test_stamps_come_on(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(tslive_wait(200), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamps_come_on),
	};
	return cmocka_run_group_tests_name("engine_tslive", tests, NULL, NULL);
}
