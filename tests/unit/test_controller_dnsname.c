/*
 * Tests of dnsname: names by a convention (tables of convention, probe and
 * the name or the error), zone checks and reverse names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "controller/dnsname.h"

static const struct dnsname_probe probe7 = { 7, "probe", "NL", 3333, "RIPE NCC, Amsterdam" };
static const struct dnsname_probe anchor9 = { 9, "anchor", NULL, 0, "" };

struct namecase {
	const char *conv, *zone;
	const struct dnsname_probe *p;
	const char *want;   /* the name, or a substring of the error */
	int ok;
};

static const struct namecase cases[] = {
	{ "p{id}.{role}", "vp.example.net", &probe7, "p7.probe.vp.example.net", 1 },
	{ "p{id}.{role}", "vp.example.net.", &probe7, "p7.probe.vp.example.net", 1 },
	{ "{country}-{id}", "example.net", &probe7, "nl-7.example.net", 1 },
	{ "{asn}.{org}.{id}", "example.net", &probe7, "as3333.ripe-ncc-amsterdam.7.example.net", 1 },
	{ "a{id}.{role}", "example.net", &anchor9, "a9.anchor.example.net", 1 },
	{ "{country}.{id}", "example.net", &anchor9, "probe 9 has no country", 0 },
	{ "{asn}", "example.net", &anchor9, "probe 9 has no asn", 0 },
	{ "{org}-{id}", "example.net", &anchor9, "probe 9 has no org", 0 },
	{ "{org}", "example.net", &probe7 + 0, "ripe-ncc-amsterdam.example.net", 1 },
	{ "p{id}", "Example.net", &probe7, "'E' is not allowed", 0 },
	{ "p{id}", "", &probe7, "is empty", 0 },
	{ "p{id}", "a..b", &probe7, "label that is empty", 0 },
};

static void test_make_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[DNSNAME_MAX], err[256] = "";
		int rc = dnsname_make(cases[i].conv, cases[i].zone, cases[i].p, out, sizeof out,
				      err, sizeof err);
		if (cases[i].ok) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, cases[i].want));
		}
	}
}

static void test_conventions(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(dnsname_check_convention("p{id}.{role}", err, sizeof err), 0);
	assert_int_equal(dnsname_check_convention("{country}{id}.{asn}.{org}", err, sizeof err), 0);
	assert_int_equal(dnsname_check_convention("p{ip}", err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown field"));
	assert_int_equal(dnsname_check_convention("p{id", err, sizeof err), -1);
	assert_int_equal(dnsname_check_convention("p_{id}", err, sizeof err), -1);
	assert_non_null(strstr(err, "'_' is not allowed"));
	assert_int_equal(dnsname_check_convention("p{id}.", err, sizeof err), -1);
	assert_int_equal(dnsname_check_convention("", err, sizeof err), -1);
	assert_int_equal(dnsname_check_convention("-{id}", err, sizeof err), -1);
}

/* A name that does not fit: a label over 63, a name over the buffer. */
static void test_too_long(void **state)
{
	(void)state;
	char out[DNSNAME_MAX], err[256];
	char org[80];
	memset(org, 'x', sizeof org - 1);
	org[sizeof org - 1] = 0;
	struct dnsname_probe p = { 1, "probe", "nl", 1, org };
	assert_int_equal(dnsname_make("{org}", "example.net", &p, out, sizeof out, err, sizeof err), -1);
	assert_non_null(strstr(err, "over 63"));
	char small[12];
	assert_int_equal(dnsname_make("p{id}", "example.net", &p, small, sizeof small, err,
				      sizeof err), -1);
}

static void test_ptr(void **state)
{
	(void)state;
	char out[DNSNAME_PTR_MAX];
	assert_int_equal(dnsname_ptr("198.18.1.2", out, sizeof out), 0);
	assert_string_equal(out, "2.1.18.198.in-addr.arpa");
	assert_int_equal(dnsname_ptr("2001:db8::1", out, sizeof out), 0);
	assert_string_equal(out, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_int_equal(dnsname_ptr("198.18.1", out, sizeof out), -1);
	assert_int_equal(dnsname_ptr("2.1.18.198.in-addr.arpa", out, sizeof out), -1);
	char small[16];
	assert_int_equal(dnsname_ptr("198.18.1.2", small, sizeof small), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_table),
		cmocka_unit_test(test_conventions),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_ptr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
