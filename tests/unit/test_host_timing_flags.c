/*
 * Tests of the rules that call a timing report poor (host/timing_flags): a
 * table of reports, each with the flags it must raise under the default
 * limits, plus tightened limits, and the flag names both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "host/timing_flags.h"

/* A report with every part good, the fields changed by the case patched in. */
static const char good[] =
	"{\"timestamp\":1700000000,"
	"\"kernel_ts\":{\"rx\":true,\"tx\":true,\"step_ns\":1000,\"quantum_ns\":0},"
	"\"steal\":{\"ok\":true,\"pct\":0.5},"
	"\"sync\":{\"ok\":true,\"synced\":true,\"maxerror_us\":16000000},"
	"\"realtime\":{\"stepped\":false}}";

struct flag_case {
	const char *section, *key, *value;   /* JSON value replacing the good one */
	unsigned want;
};

static const struct flag_case cases[] = {
	{ NULL, NULL, NULL, 0 },
	{ "realtime", "stepped", "true", TIMING_F_STEPPED },
	{ "sync", "synced", "false", TIMING_F_UNSYNC },       /* 16 s error > 100 ms */
	{ "steal", "pct", "5.5", TIMING_F_STEAL },
	{ "steal", "pct", "5.0", 0 },                         /* at the limit: fine */
	{ "steal", "ok", "false", 0 },                        /* not measured */
	{ "kernel_ts", "step_ns", "10001", TIMING_F_COARSE },
	{ "kernel_ts", "step_ns", "10000", 0 },
	{ "kernel_ts", "quantum_ns", "1000000.0", TIMING_F_COARSE },
	{ "kernel_ts", "rx", "false", TIMING_F_NO_KTS },
	{ "kernel_ts", "rx", "\"yes\"", TIMING_F_NO_KTS },    /* not a boolean */
	{ "steal", "pct", "\"90\"", 0 },                      /* not a number */
};

/* Evaluate the good report with one field replaced. */
static unsigned eval_case(const struct flag_case *c, const struct timing_limits *l)
{
	json_t *r = json_loads(good, 0, NULL);
	assert_non_null(r);
	if (c->section)
		json_object_set_new(json_object_get(r, c->section), c->key,
				    json_loads(c->value, JSON_DECODE_ANY, NULL));
	unsigned f = timing_flags_eval(r, l);
	json_decref(r);
	return f;
}

static void test_rules(void **state)
{
	(void)state;
	struct timing_limits l;
	timing_limits_default(&l);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (eval_case(&cases[i], &l) != cases[i].want)
			fail_msg("case %zu (%s.%s = %s): flags %#x, want %#x", i,
				 cases[i].section ? cases[i].section : "-",
				 cases[i].key ? cases[i].key : "-",
				 cases[i].value ? cases[i].value : "-", eval_case(&cases[i], &l),
				 cases[i].want);
}

static void test_unsync_small_error(void **state)
{
	(void)state;
	struct timing_limits l;
	timing_limits_default(&l);
	json_t *r = json_loads(good, 0, NULL);
	json_t *sync = json_object_get(r, "sync");
	json_object_set_new(sync, "synced", json_false());
	json_object_set_new(sync, "maxerror_us", json_integer(50000));
	assert_int_equal(timing_flags_eval(r, &l), 0);
	l.max_error_us = 1000;
	assert_int_equal(timing_flags_eval(r, &l), TIMING_F_UNSYNC);
	json_decref(r);
}

static void test_tight_limits(void **state)
{
	(void)state;
	struct timing_limits l;
	timing_limits_default(&l);
	l.coarse_ns = 1;
	l.steal_pct = 0;
	struct flag_case none = { 0 };
	assert_int_equal(eval_case(&none, &l), TIMING_F_COARSE | TIMING_F_STEAL);
}

static void test_not_object(void **state)
{
	(void)state;
	struct timing_limits l;
	timing_limits_default(&l);
	json_t *a = json_array();
	assert_int_equal(timing_flags_eval(a, &l), 0);
	assert_int_equal(timing_flags_eval(NULL, &l), 0);
	json_decref(a);
}

static void test_names(void **state)
{
	(void)state;
	char err[128];
	unsigned back;
	for (unsigned f = 0; f <= TIMING_F_ALL; f++) {
		json_t *a = timing_flags_json(f);
		assert_int_equal(timing_flags_parse(a, &back, err, sizeof err), 0);
		assert_int_equal(back, f);
		json_decref(a);
	}
	json_t *a = timing_flags_json(TIMING_F_STEAL | TIMING_F_STEPPED);
	char *s = json_dumps(a, JSON_COMPACT);
	assert_string_equal(s, "[\"clock_stepped\",\"steal\"]");
	free(s);
	json_decref(a);
	json_t *bad = json_loads("[\"steal\",\"bogus\"]", 0, NULL);
	assert_int_equal(timing_flags_parse(bad, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "index 1"));
	json_decref(bad);
	json_t *num = json_integer(3);
	assert_int_equal(timing_flags_parse(num, &back, err, sizeof err), -1);
	json_decref(num);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_unsync_small_error),
		cmocka_unit_test(test_tight_limits),
		cmocka_unit_test(test_not_object),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
