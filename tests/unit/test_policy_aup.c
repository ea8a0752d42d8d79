/*
 * Tests of the site policy: the no-probe list loader (table of list texts and
 * the file:line error each must give), the AUP's setters and its check (a
 * table of method/destination/rate and the verdict and reason), and the
 * per-destination spacing table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/aup.h"
#include "policy/noprobe.h"
#include "policy/spacing.h"

struct listcase {
	const char *text;
	int want;          /* prefix count, or -1 */
	const char *error; /* substring of the error when -1 */
};

static const struct listcase lists[] = {
	{ "", 0, NULL },
	{ "# only a comment\n\n   \n", 0, NULL },
	{ "198.18.5.0/24\n2001:db8:5::/48\n", 2, NULL },
	{ "  198.18.5.0/24   # lab\r\n\t198.18.6.1\n", 2, NULL },
	{ "198.18.5.0/24", 1, NULL },
	{ "198.18.5.0/24\nbogus\n", -1, "list:2: 'bogus' is not an IPv4 or IPv6 address" },
	{ "\n\n198.18.5.1/24\n", -1, "list:3: '198.18.5.1/24': host bits set after /24" },
	{ "198.18.0.0/40\n", -1, "list:1: '198.18.0.0/40': prefix length too large" },
	{ "198.18.0.0/15 198.20.0.0/15\n", -1, "list:1:" },
};

/* Load every list text and compare count or error. */
static void test_noprobe_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct ptrie *t = ptrie_new(10000);
		char err[256] = "";
		int n = noprobe_load_text(t, lists[i].text, strlen(lists[i].text), "list", err,
		                          sizeof err);
		if (n != lists[i].want)
			fail_msg("case %zu: got %d (%s)", i, n, err);
		if (n < 0 && strstr(err, lists[i].error) == NULL)
			fail_msg("case %zu: error '%s' lacks '%s'", i, err, lists[i].error);
		ptrie_free(t);
	}
}

/* Odd input: a NUL byte, an over-long line, a missing file. */
static void test_noprobe_hostile(void **state)
{
	(void)state;
	struct ptrie *t = ptrie_new(1000);
	char err[256];
	const char nul[] = "198.18.5.0/24\n198.18\0.6.0/24\n";
	assert_int_equal(noprobe_load_text(t, nul, sizeof nul - 1, "f", err, sizeof err), -1);
	assert_string_equal(err, "f:2: NUL byte in line");
	char longline[NOPROBE_LINE_MAX + 10];
	memset(longline, '1', sizeof longline);
	assert_int_equal(noprobe_load_text(t, longline, sizeof longline, "f", err, sizeof err), -1);
	assert_non_null(strstr(err, "f:1: line longer than"));
	assert_int_equal(noprobe_load_file(t, "/nonexistent/vcod-list", err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent/vcod-list: No such file or directory");
	ptrie_free(t);
}

/* Build the AUP the check table runs against, loading a real no-probe file. */
static void make_aup(struct aup *a)
{
	char err[256], path[] = "/tmp/vcod-noprobe-XXXXXX";
	assert_int_equal(aup_init(a, 10000, err, sizeof err), 0);
	assert_int_equal(aup_set_methods(a, "ping, trace", err, sizeof err), 0);
	assert_int_equal(aup_set_pps(a, "1000", err, sizeof err), 0);
	assert_int_equal(aup_allow_prefix(a, "198.18.0.0/15", err, sizeof err), 0);
	assert_int_equal(aup_allow_prefix(a, "2001:db8::/32", err, sizeof err), 0);
	assert_int_equal(aup_forbid_prefix(a, "198.18.200.0/24", err, sizeof err), 0);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *list = "# site no-probe list\n198.18.5.0/24\n2001:db8:5::/48\n";
	assert_int_equal(write(fd, list, strlen(list)), (ssize_t)strlen(list));
	close(fd);
	assert_int_equal(aup_load_noprobe(a, path, err, sizeof err), 2);
	unlink(path);
}

struct checkcase {
	const char *method, *dst;
	uint32_t pps;
	enum aup_verdict want;
	const char *reason;
};

static const struct checkcase checks[] = {
	{ "ping", "198.18.3.2", 100, AUP_ALLOW, "allowed" },
	{ "trace", "2001:db8:3::2", 1000, AUP_ALLOW, "allowed" },
	{ "dns", "198.18.3.2", 100, AUP_DENY, "method 'dns' not allowed by site policy" },
	{ "ping", "198.18.3.2", 1001, AUP_DENY, "rate 1001 pps above site ceiling 1000" },
	{ "ping", "198.18.5.9", 1, AUP_DENY, "198.18.5.9 is on the no-probe list (198.18.5.0/24)" },
	{ "ping", "2001:db8:5::9", 1, AUP_DENY, "2001:db8:5::9 is on the no-probe list (2001:db8:5::/48)" },
	{ "ping", "198.18.200.1", 1, AUP_DENY, "198.18.200.1 is in a forbidden range (198.18.200.0/24)" },
	{ "ping", "192.0.2.1", 1, AUP_DENY, "192.0.2.1 is outside the allowed ranges" },
	{ "ping", "2001:db9::1", 1, AUP_DENY, "2001:db9::1 is outside the allowed ranges" },
};

/* Every row of the check table gives its verdict and reason. */
static void test_aup_check_table(void **state)
{
	(void)state;
	struct aup a;
	make_aup(&a);
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		struct net_addr d;
		char err[128], reason[AUP_REASON_MAX];
		assert_true(net_addr_parse(checks[i].dst, &d, err, sizeof err));
		enum aup_verdict v = aup_check(&a, checks[i].method, &d, checks[i].pps, reason,
		                               sizeof reason);
		if (v != checks[i].want || strcmp(reason, checks[i].reason) != 0)
			fail_msg("case %zu: %d '%s'", i, v, reason);
	}
	aup_free(&a);
}

/* Bad values are refused with a message and leave the AUP as it was. */
static void test_aup_setters(void **state)
{
	(void)state;
	struct aup a;
	char err[256];
	assert_int_equal(aup_init(&a, 100, err, sizeof err), 0);
	struct net_addr d;
	assert_true(net_addr_parse("198.18.3.2", &d, err, sizeof err));
	char reason[AUP_REASON_MAX];
	assert_int_equal(aup_check(&a, "anything", &d, 99999, reason, sizeof reason), AUP_ALLOW);
	assert_int_equal(aup_set_methods(&a, "ping,Trace", err, sizeof err), -1);
	assert_string_equal(err, "methods: 'Trace' is not a method name");
	assert_false(a.methods_restricted);
	assert_int_equal(aup_set_pps(&a, "0", err, sizeof err), -1);
	assert_string_equal(err, "pps: '0' too small (minimum 1)");
	assert_int_equal(aup_set_pps(&a, "fast", err, sizeof err), -1);
	assert_string_equal(err, "pps: 'fast' not a number");
	assert_int_equal(a.pps_max, 0);
	assert_int_equal(aup_forbid_prefix(&a, "198.18.0.1/8", err, sizeof err), -1);
	assert_string_equal(err, "forbidden destinations: '198.18.0.1/8': host bits set after /8");
	assert_int_equal(aup_allow_prefix(&a, "2001:db8::1", err, sizeof err), -1); /* 128 nodes > 100 */
	assert_string_equal(err, "allowed destinations: too many prefixes");
	aup_free(&a);
}

/* A destination must wait the gap; others are independent; a full window waits. */
static void test_spacing(void **state)
{
	(void)state;
	const uint64_t gap = 1000000; /* 1 ms */
	struct spacing *s = spacing_new(64, gap);
	struct net_addr a, b;
	char err[64];
	uint64_t wait = 0;
	assert_true(net_addr_parse("198.18.3.2", &a, err, sizeof err));
	assert_true(net_addr_parse("2001:db8::2", &b, err, sizeof err));
	assert_true(spacing_try(s, &a, 10 * gap, &wait));
	assert_false(spacing_try(s, &a, 10 * gap + 400000, &wait));
	assert_int_equal(wait, 600000);
	assert_true(spacing_try(s, &b, 10 * gap + 400000, &wait));
	assert_true(spacing_try(s, &a, 11 * gap, &wait));
	/* many distinct destinations at once: the bounded table says wait */
	int refused = 0;
	for (uint32_t i = 0; i < 1000; i++) {
		struct net_addr x = { .family = AF_INET, .a = { 198, 18, (uint8_t)(i >> 8), (uint8_t)i } };
		refused += !spacing_try(s, &x, 20 * gap, &wait);
	}
	assert_true(refused > 0 && refused < 1000);
	assert_true(wait > 0 && wait <= gap);
	/* after the gap every slot is reusable again */
	struct net_addr y = { .family = AF_INET, .a = { 198, 19, 0, 1 } };
	assert_true(spacing_try(s, &y, 22 * gap, NULL));
	assert_null(spacing_new(0, gap));
	assert_null(spacing_new(16, 0));
	spacing_free(s);
}

/* aup_check_at enforces the gap per destination, after the other checks. */
static void test_aup_spacing(void **state)
{
	(void)state;
	struct aup a;
	char err[256], reason[AUP_REASON_MAX];
	assert_int_equal(aup_init(&a, 100, err, sizeof err), 0);
	assert_int_equal(aup_set_spacing(&a, "0", err, sizeof err), -1);
	assert_string_equal(err, "spacing: '0' too small (minimum 1)");
	assert_int_equal(aup_set_spacing(&a, "1000", err, sizeof err), 0);
	struct net_addr d, e;
	assert_true(net_addr_parse("198.18.3.2", &d, err, sizeof err));
	assert_true(net_addr_parse("198.18.3.3", &e, err, sizeof err));
	uint64_t t0 = 5000000000ull;
	assert_int_equal(aup_check_at(&a, "ping", &d, 0, t0, reason, sizeof reason), AUP_ALLOW);
	assert_int_equal(aup_check_at(&a, "ping", &d, 0, t0 + 200000, reason, sizeof reason), AUP_DENY);
	assert_string_equal(reason, "198.18.3.2 probed 200 us ago, site minimum gap 1000 us");
	assert_int_equal(aup_check_at(&a, "ping", &e, 0, t0 + 200000, reason, sizeof reason), AUP_ALLOW);
	assert_int_equal(aup_check_at(&a, "ping", &d, 0, t0 + 1000000, reason, sizeof reason), AUP_ALLOW);
	aup_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noprobe_table),
		cmocka_unit_test(test_noprobe_hostile),
		cmocka_unit_test(test_aup_check_table),
		cmocka_unit_test(test_aup_setters),
		cmocka_unit_test(test_spacing),
		cmocka_unit_test(test_aup_spacing),
	};
	return cmocka_run_group_tests_name("policy_aup", tests, NULL, NULL);
}
