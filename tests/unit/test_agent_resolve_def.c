/*
 * Tests of the definitions an agent resolves itself (resolve_on_probe,
 * src/agent/resolve_def.h): a table of definitions and what the reader
 * makes of them; binding to an address; the error results in RIPE's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "agent/resolve_def.h"

static const struct defcase {
	const char *def;
	int want;                 /* 1: resolve, 0: not, -1: refused */
	const char *name_or_why;  /* the name read, or a piece of the reason */
	int af;
} cases[] = {
	{ "{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.1.2\"}", 0, NULL, 0 },
	{ "{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.1.2\",\"resolve_on_probe\":false}", 0,
	  NULL, 0 },
	{ "{\"type\":\"ping\",\"af\":4,\"target\":\"t.lab.example\",\"resolve_on_probe\":true}", 1,
	  "t.lab.example", 4 },
	{ "{\"type\":\"traceroute\",\"af\":6,\"target\":\"A-1.b\",\"resolve_on_probe\":true}", 1,
	  "A-1.b", 6 },
	{ "{\"af\":4,\"target\":\"198.18.1.2\",\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":4,\"target\":\"-a.example\",\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":4,\"target\":\"a..example\",\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":4,\"target\":\"a_b.example\",\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":4,\"target\":\"a.example.\",\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":4,\"target\":\"\",\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":4,\"target\":\"a\\u0000b\",\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":4,\"target\":7,\"resolve_on_probe\":true}", -1, "host name", 0 },
	{ "{\"af\":5,\"target\":\"a.example\",\"resolve_on_probe\":true}", -1, "af 4 or 6", 0 },
	{ "{\"target\":\"a.example\",\"resolve_on_probe\":true}", -1, "af 4 or 6", 0 },
	{ "{\"af\":4,\"target\":\"a.example\",\"resolve_on_probe\":1}", -1, "true or false", 0 },
};

static void test_read(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_error_t jerr;
		json_t *d = json_loads(cases[i].def, JSON_ALLOW_NUL, &jerr);
		char name[RESOLVE_NAME_MAX] = "", err[200] = "";
		int af = 0;
		assert_non_null(d);
		int rc = resolve_def_parse(d, name, &af, err, sizeof err);
		if (rc != cases[i].want)
			fail_msg("case %zu: %d, want %d (%s)", i, rc, cases[i].want, err);
		if (rc == 1) {
			assert_string_equal(name, cases[i].name_or_why);
			assert_int_equal(af, cases[i].af);
		}
		if (rc < 0 && !strstr(err, cases[i].name_or_why))
			fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].name_or_why);
		json_decref(d);
	}
}

/* The longest name (253) is read; one more is refused. */
static void test_name_length(void **state)
{
	(void)state;
	char host[300], name[RESOLVE_NAME_MAX], err[200];
	int af;
	for (size_t len = 253; len <= 254; len++) {
		memset(host, 'a', len);
		for (size_t i = 60; i < len; i += 61)
			host[i] = '.';
		host[len] = 0;
		json_t *d = json_pack("{s:i, s:s, s:b}", "af", 4, "target", host, "resolve_on_probe", 1);
		assert_int_equal(resolve_def_parse(d, name, &af, err, sizeof err), len == 253 ? 1 : -1);
		json_decref(d);
	}
}

static void test_bind_and_errors(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:s, s:i, s:s, s:b, s:i, s:i}", "type", "ping", "af", 4, "target",
			      "t.lab.example", "resolve_on_probe", 1, "packets", 3, "msm_id", 1001);
	json_t *b = resolve_def_bind(d, "t.lab.example", "198.18.1.9");
	char *s = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"af\":4,\"dst_name\":\"t.lab.example\",\"msm_id\":1001,"
			    "\"packets\":3,\"target\":\"198.18.1.9\",\"type\":\"ping\"}");
	free(s);
	json_t *e = resolve_def_error(d, "t.lab.example", NULL, "getaddrinfo",
				      "Name or service not known", 1796169600);
	s = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"af\":4,\"dst_name\":\"t.lab.example\",\"error\":{\"getaddrinfo\":"
			    "\"Name or service not known\"},\"fw\":5080,\"msm_id\":1001,"
			    "\"msm_name\":\"Ping\",\"timestamp\":1796169600,\"type\":\"ping\"}");
	free(s);
	json_decref(e);
	e = resolve_def_error(d, "t.lab.example", "198.18.7.7", "policy", "forbidden", 1);
	assert_string_equal(json_string_value(json_object_get(e, "dst_addr")), "198.18.7.7");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "error"),
							      "policy")), "forbidden");
	json_decref(e);
	/* a site that refuses resolve_on_probe: a policy error, no address */
	e = resolve_def_refused(d, "t.lab.example", 2);
	s = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"af\":4,\"dst_name\":\"t.lab.example\",\"error\":{\"policy\":"
			    "\"" RESOLVE_REFUSED_WHY "\"},\"fw\":5080,\"msm_id\":1001,"
			    "\"msm_name\":\"Ping\",\"timestamp\":2,\"type\":\"ping\"}");
	free(s);
	json_decref(e);
	json_decref(b);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_bind_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
