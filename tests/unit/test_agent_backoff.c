/*
 * Tests of the agent's reconnect backoff: the ceiling doubles up to the
 * maximum, every delay lies between half the ceiling and the ceiling, a
 * session that dies right after its WELCOME does not reset it, and one that
 * held for BACKOFF_STABLE_S does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "agent/backoff.h"

/* The delay bounds for rnd 0 (lowest) and a huge rnd near the top. */
static void test_doubles_up_to_the_maximum(void **state)
{
	(void)state;
	struct backoff b;
	backoff_init(&b);
	int want[] = { 500, 1000, 2000, 4000, 5000, 5000 };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		int d = backoff_next(&b, 100, 5000, 0);
		assert_int_equal(b.ceiling_ms, want[i]);
		assert_int_equal(d, want[i] / 2);
	}
}

static void test_delay_is_jittered_within_the_ceiling(void **state)
{
	(void)state;
	struct backoff b;
	backoff_init(&b);
	int seen_low = 0, seen_high = 0;
	for (long rnd = 0; rnd < 5000; rnd += 7) {
		b.ceiling_ms = 1000;       /* next ceiling: 2000 */
		int d = backoff_next(&b, 100, 60000, rnd);
		assert_true(d >= 1000 && d <= 2000);
		seen_low |= d < 1100;
		seen_high |= d > 1900;
	}
	assert_true(seen_low && seen_high);
}

static void test_short_session_keeps_growing(void **state)
{
	(void)state;
	struct backoff b;
	backoff_init(&b);
	backoff_next(&b, 100, 60000, 0);                  /* 500 */
	backoff_next(&b, 101, 60000, 0);                  /* 1000 */
	backoff_session_up(&b, 102);
	backoff_next(&b, 102 + BACKOFF_STABLE_S - 1, 60000, 0);   /* died too soon */
	assert_int_equal(b.ceiling_ms, 2000);
	backoff_session_up(&b, 200);
	backoff_next(&b, 200, 60000, 0);                  /* died right after WELCOME */
	assert_int_equal(b.ceiling_ms, 4000);
}

static void test_session_that_held_resets(void **state)
{
	(void)state;
	struct backoff b;
	backoff_init(&b);
	for (int i = 0; i < 6; i++)
		backoff_next(&b, 100, 60000, 0);
	assert_int_equal(b.ceiling_ms, 16000);
	backoff_session_up(&b, 1000);
	int d = backoff_next(&b, 1000 + BACKOFF_STABLE_S, 60000, 0);
	assert_int_equal(b.ceiling_ms, BACKOFF_MIN_MS);
	assert_int_equal(d, BACKOFF_MIN_MS / 2);
	/* a failed dial after that (no session) grows again from there */
	backoff_next(&b, 1000 + 10 * BACKOFF_STABLE_S, 60000, 0);
	assert_int_equal(b.ceiling_ms, 2 * BACKOFF_MIN_MS);
}

static void test_small_maximum_caps_the_first_delay(void **state)
{
	(void)state;
	struct backoff b;
	backoff_init(&b);
	backoff_next(&b, 0, 300, 0);
	assert_int_equal(b.ceiling_ms, 300);
	int d = backoff_next(&b, 0, 300, 1000000);
	assert_true(d >= 150 && d <= 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubles_up_to_the_maximum),
		cmocka_unit_test(test_delay_is_jittered_within_the_ceiling),
		cmocka_unit_test(test_short_session_keeps_growing),
		cmocka_unit_test(test_session_that_held_resets),
		cmocka_unit_test(test_small_maximum_caps_the_first_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
