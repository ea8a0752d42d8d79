/*
 * Tests of the address rules of the remote check-host (controller/reach_addr):
 * the target policy decides what is probed, and the host part of a connection's peer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "controller/reach_addr.h"

/* The reach check follows the target policy: here the lab's, defaults plus two allows. */
static void test_policy(void **state)
{
	(void)state;
	static struct target_policy tp;
	char why[400];
	targets_init(&tp);
	assert_int_equal(reach_addr_allowed(&tp, "198.18.0.1", why, sizeof why), 0);
	assert_non_null(strstr(why, "Benchmarking"));
	assert_int_equal(reach_addr_allowed(&tp, "193.0.14.129", why, sizeof why), 4);
	assert_int_equal(targets_add(&tp, "allow 198.18.0.0/15", "t", why, sizeof why), 0);
	assert_int_equal(targets_add(&tp, "allow 2001:db8::/32", "t", why, sizeof why), 0);
	static const struct { const char *addr; int want; } cases[] = {
		{ "198.18.0.1", 4 }, { "198.19.255.254", 4 }, { "198.17.255.255", 4 },
		{ "198.20.0.0", 4 }, { "10.0.0.1", 0 }, { "127.0.0.1", 0 },
		{ "192.0.2.7", 0 }, { "2001:db8::1", 6 }, { "2001:db8:ffff::1", 6 },
		{ "2001:db9::1", 6 }, { "::1", 0 }, { "fe80::1", 0 }, { "", 0 },
		{ "198.18.0.1/32", 0 }, { "not an address", 0 }, { "198.18.0.256", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (reach_addr_allowed(&tp, cases[i].addr, why, sizeof why) != cases[i].want)
			fail_msg("'%s': want %d", cases[i].addr, cases[i].want);
}

static void test_peer_host(void **state)
{
	(void)state;
	static const struct { const char *peer, *host; } cases[] = {
		{ "198.18.250.2:40000", "198.18.250.2" }, { "[2001:db8::2]:443", "2001:db8::2" },
		{ "198.18.250.2", NULL }, { "[2001:db8::2]", NULL }, { "[2001:db8::2]x:1", NULL },
		{ "2001:db8::2:443", NULL }, { ":443", NULL }, { "[]:1", NULL }, { "?", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[64] = "";
		int rc = reach_peer_host(cases[i].peer, out, sizeof out);
		if (cases[i].host == NULL ? rc != -1 : rc != 0 || strcmp(out, cases[i].host) != 0)
			fail_msg("'%s': rc %d, '%s'", cases[i].peer, rc, out);
	}
	char small[4];
	assert_int_equal(reach_peer_host("198.18.250.2:1", small, sizeof small), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_peer_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
