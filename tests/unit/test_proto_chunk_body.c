/*
 * Tests of a CHUNK's body as the agent reads it (src/proto/chunk_body.c):
 * the member's rate, its absence (an older controller: no rate of its own)
 * and what is refused, each with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proto/chunk_body.h"

/* Parse text; returns chunk_body_parse's result, *cb and err filled. */
static int parse(const char *text, struct chunk_body *cb, char *err, size_t errlen)
{
	json_t *b = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(b);
	int rc = chunk_body_parse(b, cb, err, errlen);
	json_decref(b);
	return rc;
}

static void test_rate_read(void **state)
{
	(void)state;
	struct chunk_body cb;
	char err[256] = "";
	assert_int_equal(parse("{\"team\":1,\"name\":\"ark\",\"cycle\":2,\"chunk\":3,\"repeat\":true,"
			       "\"pps\":50,\"def\":{},\"targets\":[\"198.18.1.1\"]}", &cb, err,
			       sizeof err), 0);
	assert_int_equal(cb.team, 1);
	assert_int_equal(cb.cycle, 2);
	assert_int_equal(cb.chunk, 3);
	assert_int_equal(cb.repeat, 1);
	assert_int_equal(cb.pps, 50);
}

static void test_older_controller_has_no_rate(void **state)
{
	(void)state;
	struct chunk_body cb;
	char err[256] = "";
	assert_int_equal(parse("{\"team\":1,\"cycle\":1,\"chunk\":0,\"def\":{},\"targets\":[]}", &cb,
			       err, sizeof err), 0);
	assert_int_equal(cb.pps, 0);
	assert_int_equal(cb.repeat, 0);
}

static void test_refused_with_reason(void **state)
{
	(void)state;
	static const struct { const char *body, *reason; } bad[] = {
		{ "[]", "not an object" },
		{ "{\"cycle\":1,\"chunk\":0,\"def\":{},\"targets\":[]}", "team: missing" },
		{ "{\"team\":-1,\"cycle\":1,\"chunk\":0,\"def\":{},\"targets\":[]}",
		  "team: not a non-negative integer" },
		{ "{\"team\":1,\"cycle\":1,\"chunk\":0,\"pps\":-5,\"def\":{},\"targets\":[]}",
		  "pps: not an integer from 0 to 10000000" },
		{ "{\"team\":1,\"cycle\":1,\"chunk\":0,\"pps\":\"100\",\"def\":{},\"targets\":[]}",
		  "pps: not an integer from 0 to 10000000" },
		{ "{\"team\":1,\"cycle\":1,\"chunk\":0,\"pps\":20000000,\"def\":{},\"targets\":[]}",
		  "pps: not an integer from 0 to 10000000" },
		{ "{\"team\":1,\"cycle\":1,\"chunk\":0,\"targets\":[]}", "def: missing" },
		{ "{\"team\":1,\"cycle\":1,\"chunk\":0,\"def\":{},\"targets\":[1]}",
		  "targets: entry 0 is not a string" },
		{ "{\"team\":1,\"cycle\":1,\"chunk\":0,\"def\":{},\"targets\":[],\"repeat\":1}",
		  "repeat: not true or false" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct chunk_body cb;
		char err[256] = "";
		assert_int_equal(parse(bad[i].body, &cb, err, sizeof err), -1);
		assert_string_equal(err, bad[i].reason);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_read),
		cmocka_unit_test(test_older_controller_has_no_rate),
		cmocka_unit_test(test_refused_with_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
