/*
 * Tests of the controller's HELLO limit (hello_bucket): a burst of the limit
 * goes through, then one a 60/limit seconds; refused HELLOs take nothing, so
 * an agent that retries every second all along is let in again as soon as a
 * token is back, and a flood is held to the limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controller/hello_bucket.h"

static void test_burst_then_refused_with_the_wait(void **state)
{
	(void)state;
	struct hello_bucket b = { 0 };
	int64_t wait = 0;
	for (int i = 0; i < 10; i++)
		assert_int_equal(hello_bucket_take(&b, 10, 1000, &wait), 0);
	assert_int_equal(hello_bucket_take(&b, 10, 1000, &wait), -1);
	assert_true(wait > 5900 && wait <= 6001);
	assert_int_equal(hello_bucket_take(&b, 10, 1000 + 5900, &wait), -1);
	assert_int_equal(hello_bucket_take(&b, 10, 1000 + 6001, &wait), 0);
}

/* An agent that dials every second for 10 minutes: never locked out. */
static void test_retrying_faster_than_the_limit_gets_in(void **state)
{
	(void)state;
	struct hello_bucket b = { 0 };
	int64_t wait = 0, last_in = 0;
	int in = 0;
	for (int64_t t = 0; t < 600000; t += 1000) {
		if (hello_bucket_take(&b, 10, t, &wait) == 0) {
			in++;
			assert_true(t - last_in <= 7000 || in == 1);
			last_in = t;
		}
	}
	/* the burst, then one each 6 s: held to the limit all the same */
	assert_true(in >= 10 + 590 / 6 - 1 && in <= 10 + 600 / 6);
}

/* A flood of 1000 HELLOs in 10 s is held to the limit plus the refill. */
static void test_flood_is_held(void **state)
{
	(void)state;
	struct hello_bucket b = { 0 };
	int64_t wait = 0;
	int in = 0;
	for (int i = 0; i < 1000; i++)
		in += hello_bucket_take(&b, 10, 50000 + i * 10, &wait) == 0;
	assert_int_equal(in, 11);    /* 10 at once, 1 more after 6 s */
}

static void test_idle_refills_only_to_the_limit(void **state)
{
	(void)state;
	struct hello_bucket b = { 0 };
	int64_t wait = 0;
	assert_int_equal(hello_bucket_take(&b, 3, 0, &wait), 0);
	int in = 0;
	for (int i = 0; i < 10; i++)
		in += hello_bucket_take(&b, 3, 3600000, &wait) == 0;
	assert_int_equal(in, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refused_with_the_wait),
		cmocka_unit_test(test_retrying_faster_than_the_limit_gets_in),
		cmocka_unit_test(test_flood_is_held),
		cmocka_unit_test(test_idle_refills_only_to_the_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
