/*
 * Tests of the type-to-packet-method mapping (src/policy/methods.h): the
 * table names exactly the methods the measurement types themselves name
 * (ping_method_name, trace_method_name), and site lists expand as documented.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"
#include "policy/methods.h"

/* The table of type equals the names name_of(0..) gives until "?". */
static void same_names(const char *type, const char *(*name_of)(unsigned))
{
	const char *const *m = policy_type_methods(type);
	size_t n = 0;
	assert_non_null(m);
	for (; strcmp(name_of((unsigned)n), "?") != 0; n++) {
		assert_non_null(m[n]);
		assert_string_equal(m[n], name_of((unsigned)n));
	}
	assert_null(m[n]);
}

static void test_table_matches_types(void **state)
{
	(void)state;
	same_names("ping", ping_method_name);
	same_names("traceroute", trace_method_name);
	same_names("trace", trace_method_name);
	assert_null(policy_type_methods("dns"));
	assert_null(policy_type_methods(""));
}

static void test_expand(void **state)
{
	static const struct { const char *list, *want; } cases[] = {
		{ "ping", "icmp-echo,udp,tcp-syn,tcp-ack" },
		{ "ping, traceroute", "icmp-echo,udp,tcp-syn,tcp-ack,udp-paris,icmp,icmp-paris" },
		{ "trace ping", "udp,udp-paris,icmp,icmp-paris,tcp-ack,tcp-syn,icmp-echo" },
		{ "icmp-echo,udp-paris", "icmp-echo,udp-paris" },
		{ "udp,ping", "udp,icmp-echo,tcp-syn,tcp-ack" },
		{ "", "" },
		{ " , ,", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[256];
		assert_int_equal(policy_methods_expand(cases[i].list, out, sizeof out), 0);
		assert_string_equal(out, cases[i].want);
	}
	char small[8];
	assert_int_equal(policy_methods_expand("ping", small, sizeof small), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_types),
		cmocka_unit_test(test_expand),
	};
	return cmocka_run_group_tests_name("policy_methods", tests, NULL, NULL);
}
