/*
 * Tests of anyaddr: which listen address a host with or without IPv6 gets.
 * Only the IPv6 wildcard falls back; everything else stays as given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/anyaddr.h"

struct anycase {
	const char *addr;
	int have_inet6;
	int want_rc;
	const char *want;
};

static const struct anycase cases[] = {
	{ "::", 0, 1, "0.0.0.0" },
	{ "0::0", 0, 1, "0.0.0.0" },
	{ "::", 1, 0, "::" },
	{ "::1", 0, 0, "::1" },          /* a given IPv6 address: the bind says why not */
	{ "2001:db8::1", 0, 0, "2001:db8::1" },
	{ "0.0.0.0", 0, 0, "0.0.0.0" },
	{ "127.0.0.1", 1, 0, "127.0.0.1" },
	{ "not-an-address", 0, 0, "not-an-address" },
};

static void test_pick_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[64];
		int rc = anyaddr_pick(cases[i].addr, cases[i].have_inet6, out, sizeof out);
		assert_int_equal(rc, cases[i].want_rc);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_pick_too_small(void **state)
{
	(void)state;
	char out[4];
	assert_int_equal(anyaddr_pick("::", 0, out, sizeof out), -1);
	assert_int_equal(anyaddr_pick("127.0.0.1", 1, out, sizeof out), -1);
}

/* This host: an address that is not the wildcard never asks the kernel. */
static void test_listen_keeps_v4(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(anyaddr_listen("127.0.0.1", out, sizeof out), 0);
	assert_string_equal(out, "127.0.0.1");
	int rc = anyaddr_listen("::", out, sizeof out);
	assert_string_equal(out, anyaddr_have_inet6() ? "::" : "0.0.0.0");
	assert_int_equal(rc, !anyaddr_have_inet6());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_table),
		cmocka_unit_test(test_pick_too_small),
		cmocka_unit_test(test_listen_keeps_v4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
