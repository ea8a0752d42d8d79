/*
 * Tests of the requirements file: a table of texts and what must come out
 * (values or an error naming FILE:LINE), and the shipped files under
 * etc/vantage/ being equal to the compiled-in defaults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/requirements.h"

struct rcase {
	const char *text;
	enum host_role role;
	int ok;
	const char *err;       /* substring of the error when !ok */
	long long cpus, ram_mb;
	enum req_level ipv6;
};

static const struct rcase cases[] = {
	{ "", ROLE_PROBE, 1, NULL, 1, 512, REQ_PREFERRED },
	{ "role anchor\n", ROLE_PROBE, 1, NULL, 2, 2048, REQ_REQUIRED },
	{ "# comment\n\n  cpus   4  # four\nram_mb 8192", ROLE_PROBE, 1, NULL, 4, 8192, REQ_PREFERRED },
	{ "role anchor\nipv6 ignored\r\n", ROLE_PROBE, 1, NULL, 2, 2048, REQ_IGNORED },
	{ "cpus four\n", ROLE_PROBE, 0, "f.conf:1: cpus: 'four' is not a number", 0, 0, 0 },
	{ "\n\ncpus -1\n", ROLE_PROBE, 0, "f.conf:3: cpus: '-1' is too small", 0, 0, 0 },
	{ "colour blue\n", ROLE_PROBE, 0, "f.conf:1: unknown key 'colour'", 0, 0, 0 },
	{ "cpus\n", ROLE_PROBE, 0, "f.conf:1: 'cpus' has no value", 0, 0, 0 },
	{ "cpus 2\nrole anchor\n", ROLE_PROBE, 0, "f.conf:2: role must be the first", 0, 0, 0 },
	{ "role router\n", ROLE_PROBE, 0, "f.conf:1: role: 'router'", 0, 0, 0 },
	{ "ipv6 maybe\n", ROLE_PROBE, 0, "f.conf:1: ipv6: 'maybe' is not required", 0, 0, 0 },
	{ "storage_path var\n", ROLE_PROBE, 0, "f.conf:1: storage_path: 'var' is not an absolute", 0, 0, 0 },
	{ "steal_pct_warn 101\n", ROLE_PROBE, 0, "too large (maximum 100)", 0, 0, 0 },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct rcase *c = &cases[i];
		struct host_requirements r;
		char err[512] = "";
		int rc = requirements_parse(c->text, strlen(c->text), "f.conf", c->role, &r,
					    err, sizeof err);
		if (c->ok) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err);
			assert_int_equal(r.cpus, c->cpus);
			assert_int_equal(r.ram_mb, c->ram_mb);
			assert_int_equal(r.ipv6, c->ipv6);
		} else {
			assert_int_equal(rc, -1);
			if (!strstr(err, c->err))
				fail_msg("case %zu: got '%s', want '%s'", i, err, c->err);
		}
	}
}

static void test_long_line_and_nul(void **state)
{
	(void)state;
	char text[700];
	memset(text, 'x', sizeof text);
	struct host_requirements r;
	char err[256];
	assert_int_equal(requirements_parse(text, sizeof text, "g", ROLE_PROBE, &r, err,
					    sizeof err), -1);
	assert_non_null(strstr(err, "g:1: line longer"));
	const char nul[] = "cpus 2\0x\n";
	assert_int_equal(requirements_parse(nul, sizeof nul - 1, "g", ROLE_PROBE, &r, err,
					    sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));
}

/* The shipped file of role must parse to exactly the compiled-in defaults. */
static void shipped_equals_default(enum host_role role, const char *file)
{
	const char *root = getenv("VANTAGE_SOURCE_ROOT");
	if (!root)
		skip();
	char path[1024], err[512];
	snprintf(path, sizeof path, "%s/etc/vantage/%s", root, file);
	struct host_requirements got, want;
	/* start from the other role so the file's `role` line must do the work */
	int rc = requirements_load(path, role == ROLE_ANCHOR ? ROLE_PROBE : ROLE_ANCHOR,
				   &got, err, sizeof err);
	if (rc != 0)
		fail_msg("%s", err);
	requirements_default(role, &want);
	assert_memory_equal(&got, &want, sizeof got);
}

static void test_shipped_anchor(void **state)
{
	(void)state;
	shipped_equals_default(ROLE_ANCHOR, "host-anchor.conf");
}

static void test_shipped_probe(void **state)
{
	(void)state;
	shipped_equals_default(ROLE_PROBE, "host-probe.conf");
}

static void test_missing_file(void **state)
{
	(void)state;
	struct host_requirements r;
	char err[256];
	assert_int_equal(requirements_load("/nonexistent/x.conf", ROLE_PROBE, &r, err,
					   sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.conf: cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_shipped_anchor),
		cmocka_unit_test(test_shipped_probe),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests_name("host_requirements", tests, NULL, NULL);
}
