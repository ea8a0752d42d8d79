/*
 * Tests of the platform policy file (controller/platform_policy): the
 * defaults the issue names, a file over them remembering file and line,
 * bad lines refused with file and line, bounds at their edges, the shipped
 * example file, and the JSON `vantage policy show` prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/platform_policy.h"

static struct platform_policy *fresh(void)
{
	struct platform_policy *p = malloc(sizeof *p);
	assert_non_null(p);
	platform_policy_defaults(p);
	return p;
}

static int parse(struct platform_policy *p, const char *text, char *err, size_t errlen)
{
	return platform_policy_parse(p, text, strlen(text), "policy.conf", err, errlen);
}

static void test_defaults(void **state)
{
	(void)state;
	struct platform_policy *p = fresh();
	assert_int_equal(p->probes_per_address, 2);
	assert_int_equal(p->probes_per_account_prefix, 4);
	assert_int_equal(p->probes_per_prefix_v4, 32);
	assert_int_equal(p->probes_per_prefix_v6, 64);
	assert_int_equal(p->anchor_check, 1);
	assert_int_equal(p->location_check, 1);
	assert_int_equal(p->credits_per_minute, 15);
	assert_int_equal(p->anchor_credit_factor, 10);
	assert_int_equal(p->max_running, 100);
	assert_int_equal(p->max_probes, 1000);
	assert_int_equal(p->max_results_per_day, 100000);
	for (size_t i = 0; i < POLICY_NKEYS; i++)
		assert_string_equal(p->origin[i], "default");
	free(p);
}

static void test_file_over_defaults(void **state)
{
	(void)state;
	struct platform_policy *p = fresh();
	char err[1400];
	assert_int_equal(parse(p, "# rules\nprobes_per_address 1\n\nanchor_check no\n"
			       "max_credits_per_day 0   # nothing may be spent\n", err, sizeof err), 0);
	assert_int_equal(p->probes_per_address, 1);
	assert_int_equal(p->anchor_check, 0);
	assert_int_equal(p->max_credits_per_day, 0);
	assert_int_equal(p->probes_per_account_prefix, 4);
	json_t *shown = platform_policy_json(p);
	assert_int_equal(json_array_size(shown), POLICY_NKEYS);
	json_t *first = json_array_get(shown, 0);
	assert_string_equal(json_string_value(json_object_get(first, "key")), "probes_per_address");
	assert_int_equal(json_integer_value(json_object_get(first, "value")), 1);
	assert_string_equal(json_string_value(json_object_get(first, "origin")), "policy.conf:2");
	json_t *check = json_array_get(shown, 5);
	assert_true(json_is_false(json_object_get(check, "value")));
	json_decref(shown);
	free(p);
}

static void test_bad_lines(void **state)
{
	(void)state;
	static const struct { const char *text, *why; } bad[] = {
		{ "probes_per_adress 2\n", "policy.conf:1: unknown rule 'probes_per_adress'" },
		{ "\nmax_probes 0\n", "policy.conf:2:" },           /* below its floor of 1 */
		{ "max_running -1\n", "policy.conf:1:" },
		{ "anchor_check maybe\n", "neither yes nor no" },
		{ "credits_per_minute 1000001\n", "policy.conf:1:" },
		{ "max_probes\n", "policy.conf:1:" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct platform_policy *p = fresh();
		char err[1400] = "";
		assert_int_equal(parse(p, bad[i].text, err, sizeof err), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, err, bad[i].why);
		free(p);
	}
	struct platform_policy *p = fresh();
	char err[1400];
	assert_int_equal(parse(p, "max_probes 1\ncredits_per_minute 1000000\n", err, sizeof err), 0);
	assert_int_equal(p->max_probes, 1);
	free(p);
}

/* The example shipped beside controller.conf parses and changes nothing. */
static void test_shipped_file(void **state)
{
	(void)state;
	const char *root = getenv("VANTAGE_SOURCE_ROOT");
	assert_non_null(root);
	struct platform_policy *p = fresh(), *d = fresh();
	char path[4096], err[1400] = "";
	snprintf(path, sizeof path, "%s/etc/vantage/policy.conf", root);
	if (platform_policy_load(p, path, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_memory_equal(p, d, offsetof(struct platform_policy, origin));
	assert_int_equal(platform_policy_load(p, "/nonexistent/policy.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/policy.conf"));
	free(p);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_over_defaults),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_shipped_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
