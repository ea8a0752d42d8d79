/*
 * test_util_json_peek: the top-level integer read without a parse agrees with
 * jansson's json_integer_value(json_object_get(...)) (what the agent's upload
 * read before it) on a table of texts, and on jansson's own compact printing
 * of objects with the key at every depth and position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_peek.h"

/* What the upload read before json_peek: 0 when absent or not an integer. */
static int64_t by_jansson(const char *text)
{
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(o);
	int64_t v = json_integer_value(json_object_get(o, "msm_id"));
	json_decref(o);
	return v;
}

static void test_table(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int found;
		int64_t v;
	} cases[] = {
		{ "{\"msm_id\":7}", 1, 7 },
		{ "{\"type\":\"traceroute\",\"msm_id\":1000001,\"af\":4}", 1, 1000001 },
		{ "{ \"msm_id\" : -3 , \"x\":1}", 1, -3 },
		{ "{\"msm_id\":9223372036854775807}", 1, INT64_MAX },
		{ "{\"msm_id\":-9223372036854775808}", 1, INT64_MIN },
		{ "{\"msm_id\":5.0}", 0, 0 },
		{ "{\"msm_id\":1e3}", 0, 0 },
		{ "{\"msm_id\":\"7\"}", 0, 0 },
		{ "{\"msm_id\":null}", 0, 0 },
		{ "{\"msm_id\":[7]}", 0, 0 },
		{ "{\"a\":{\"msm_id\":7}}", 0, 0 },          /* not at the top level */
		{ "{\"a\":[{\"msm_id\":7}],\"b\":1}", 0, 0 },
		{ "{\"a\":\"msm_id\",\"b\":\"}\"}", 0, 0 },  /* a value, and a brace in a string */
		{ "{\"a\":\"\\\"msm_id\\\":1\"}", 0, 0 },    /* escaped quotes in a string */
		{ "{\"msm_idx\":1,\"msm_i\":2}", 0, 0 },
		{ "{\"a\":{\"b\":[1,{\"c\":\"}]\"}]},\"msm_id\":42}", 1, 42 },
		{ "{}", 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = -1;
		int found = json_peek_int(cases[i].text, strlen(cases[i].text), "msm_id", &v);
		assert_int_equal(found, cases[i].found);
		if (found)
			assert_int_equal(v, cases[i].v);
		assert_int_equal(found ? v : 0, by_jansson(cases[i].text));
	}
}

/* Text that is not a valid object: an answer, nothing read past len. */
static void test_bounded(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "{", "{\"msm_id\"", "{\"msm_id\":", "{\"msm_id\":-", "{\"msm_id", "\"",
		"}}}", "{\"msm_id\":99999999999999999999}", "[\"msm_id\":1]", "{\"a\":\"\\",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = strlen(bad[i]);
		char *copy = malloc(n ? n : 1);       /* exact size: ASan sees any overread */
		memcpy(copy, bad[i], n);
		int64_t v = 0;
		assert_int_equal(json_peek_int(copy, n, "msm_id", &v), 0);
		free(copy);
	}
	int64_t v = 0;                              /* a number cut by len ends there */
	assert_int_equal(json_peek_int("{\"msm_id\":12", 12, "msm_id", &v), 1);
	assert_int_equal(v, 12);
}

/* jansson's compact printing with msm_id first, last, amid nested values. */
static void test_jansson_printed(void **state)
{
	(void)state;
	for (int pos = 0; pos <= 4; pos++) {
		json_t *o = json_object();
		for (int k = 0; k <= 4; k++) {
			char key[16];
			if (k == pos)
				json_object_set_new(o, "msm_id", json_integer(5000 + pos));
			if (k == 4)
				break;
			snprintf(key, sizeof key, "k%d", k);
			json_object_set_new(o, key, json_pack("{s:[s,{s:i}],s:f}", "result", "x\"}{",
							      "msm_id", 1, "rtt", 1.5));
		}
		char *text = json_dumps(o, JSON_COMPACT);
		int64_t v = 0;
		assert_int_equal(json_peek_int(text, strlen(text), "msm_id", &v), 1);
		assert_int_equal(v, 5000 + pos);
		assert_int_equal(v, by_jansson(text));
		free(text);
		json_decref(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_jansson_printed),
	};
	return cmocka_run_group_tests_name("util_json_peek", tests, NULL, NULL);
}
