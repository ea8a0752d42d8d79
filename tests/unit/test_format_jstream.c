/*
 * Tests of the streaming JSON writer: commas and nesting, string escaping
 * (always valid JSON, whatever the bytes), and milliseconds printed from
 * nanoseconds that jansson parses back to exactly ns / 1e6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "format/jstream.h"

/* The text in b as a C string (b keeps a NUL after it). */
static const char *text(struct wbuf *b)
{
	wbuf_u8(b, 0);
	b->len--;
	return (const char *)b->p;
}

struct mscase {
	uint64_t ns;
	const char *want;
};

static const struct mscase mscases[] = {
	{ 0, "0.0" },
	{ 1, "0.000001" },
	{ 39123, "0.039123" },
	{ 1000000, "1.0" },
	{ 1500000000, "1500.0" },
	{ 2345678901, "2345.678901" },
	{ UINT64_MAX, "18446744073709.551615" },
};

static void test_ms_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof mscases / sizeof mscases[0]; i++) {
		struct wbuf b;
		struct jstream j;
		wbuf_init(&b);
		js_init(&j, &b);
		js_ms(&j, mscases[i].ns);
		assert_string_equal(text(&b), mscases[i].want);
		wbuf_free(&b);
	}
}

static void test_ms_parses_back_exactly(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t ns = x % 100000000000ull; /* up to 100 s */
		struct wbuf b;
		struct jstream j;
		wbuf_init(&b);
		js_init(&j, &b);
		js_arr(&j);
		js_ms(&j, ns);
		js_arr_end(&j);
		json_t *a = json_loads(text(&b), 0, NULL);
		assert_non_null(a);
		assert_true(json_is_real(json_array_get(a, 0)));
		assert_true(json_real_value(json_array_get(a, 0)) == (double)ns / 1e6);
		json_decref(a);
		wbuf_free(&b);
	}
}

static void test_nesting_and_escapes(void **state)
{
	(void)state;
	struct wbuf b;
	struct jstream j;
	wbuf_init(&b);
	js_init(&j, &b);
	js_obj(&j);
	js_key(&j, "a");
	js_arr(&j);
	js_int(&j, 1);
	js_int(&j, -2);
	js_obj(&j);
	js_key(&j, "b");
	js_null(&j);
	js_obj_end(&j);
	js_arr(&j);
	js_arr_end(&j);
	js_arr_end(&j);
	js_key(&j, "c\"");
	js_bool(&j, true);
	js_key(&j, "s");
	js_str(&j, "q\"b\\s\n\x01\xc3\xa9\xff");
	js_key(&j, "u");  /* UTF-8 of U+00E9, U+20AC, U+1F600; an overlong '/'; a cut sequence */
	js_str(&j, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc0\xaf\xe2\x82");
	js_obj_end(&j);
	assert_string_equal(text(&b), "{\"a\":[1,-2,{\"b\":null},[]],\"c\\\"\":true,"
			    "\"s\":\"q\\\"b\\\\s\\u000a\\u0001\\u00e9\\u00ff\","
			    "\"u\":\"\\u00e9\\u20ac\\ud83d\\ude00\\u00c0\\u00af\\u00e2\\u0082\"}");
	json_t *o = json_loads(text(&b), 0, NULL);
	assert_non_null(o);
	/* a UTF-8 string reads back as itself */
	assert_string_equal(json_string_value(json_object_get(o, "u")),
			    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\x80\xc2\xaf\xc3\xa2\xc2\x82");
	json_decref(o);
	wbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_table),
		cmocka_unit_test(test_ms_parses_back_exactly),
		cmocka_unit_test(test_nesting_and_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
