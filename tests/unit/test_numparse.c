/*
 * Tests of the bounded number parser: a table of inputs and what must come out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/numparse.h"

struct numcase {
	const char *text;
	long long min, max;
	bool ok;
	long long want;
	const char *why; /* substring of the error, when !ok */
};

static const struct numcase cases[] = {
	{ "0", 0, 10, true, 0, NULL },
	{ "10", 0, 10, true, 10, NULL },
	{ "-5", -10, 10, true, -5, NULL },
	{ "11", 0, 10, false, 0, "too large (maximum 10)" },
	{ "-1", 0, 10, false, 0, "too small (minimum 0)" },
	{ "", 0, 10, false, 0, "empty" },
	{ "10ms", 0, 100, false, 0, "not a number" },
	{ " 5", 0, 10, false, 0, "not a number" },
	{ "abc", 0, 10, false, 0, "not a number" },
	{ "99999999999999999999999", 0, 10, false, 0, "too large" },
	{ "-99999999999999999999999", -10, 10, false, 0, "too small" },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct numcase *c = &cases[i];
		long long out = 12345;
		char err[128] = "";
		bool ok = parse_bounded(c->text, c->min, c->max, &out, err, sizeof err);
		assert_int_equal(ok, c->ok);
		if (ok) {
			assert_int_equal(out, c->want);
		} else {
			assert_int_equal(out, 12345);
			assert_non_null(strstr(err, c->why));
		}
	}
}

static void test_option_message_names_option(void **state)
{
	(void)state;
	long long out;
	char err[128];
	assert_false(parse_option_num("--pps", "fast", 0, 1000000, &out, err, sizeof err));
	assert_string_equal(err, "--pps: 'fast' is not a number");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_option_message_names_option),
	};
	return cmocka_run_group_tests_name("numparse", tests, NULL, NULL);
}
