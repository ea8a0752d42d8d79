/*
 * Tests of the text encoder: the ping(8)- and traceroute(8)-like lines a
 * person reads, checked line by line against the fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "format/text_result.h"
#include "test_format_fixtures.h"

/* Print a ping or trace into a new string (free it). */
static char *print_ping(const struct ping_result *r)
{
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(text_write_ping(f, r, err, sizeof err), 0);
	fclose(f);
	return buf;
}

static char *print_trace(const struct trace_result *r)
{
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(text_write_trace(f, r, err, sizeof err), 0);
	fclose(f);
	return buf;
}

/* Every expected line must appear, in order. */
static void check_lines(const char *text, const char *const *want, size_t n)
{
	const char *at = text;
	for (size_t i = 0; i < n; i++) {
		const char *hit = strstr(at, want[i]);
		if (hit == NULL)
			fail_msg("missing line '%s' in:\n%s", want[i], text);
		at = hit + strlen(want[i]);
	}
}

static void test_ping_text(void **state)
{
	(void)state;
	struct ping_result *r = fx_ping4();
	char *t = print_ping(r);
	const char *const want[] = {
		"PING 198.18.1.2 (198.18.1.2) 48 bytes of data",
		"84 bytes from 198.18.1.2: icmp_seq=1 ttl=63 time=0.039 ms\n",
		"84 bytes from 198.18.1.2: icmp_seq=2 ttl=63 time=0.041 ms\n",
		"icmp_seq=2 ttl=63 time=0.052 ms (DUP!)\n",
		"icmp_seq=4 ttl=63 time=1500.000 ms (late)\n",
		"--- 198.18.1.2 ping statistics ---\n",
		"4 packets transmitted, 3 received, +1 duplicates, 25% packet loss",
		"rtt min/avg/max/mdev = 0.039/500.027/1500.000/",
	};
	check_lines(t, want, sizeof want / sizeof want[0]);
	free(t);
	ping_result_free(r);
}

static void test_trace_text(void **state)
{
	(void)state;
	struct trace_result *r = fx_trace4();
	char *t = print_trace(r);
	const char *const want[] = {
		"traceroute to 198.18.1.2 (198.18.1.2), 30 hops max, 48 byte packets",
		"\n 1  198.18.0.1  0.021 ms  0.021 ms  0.021 ms\n",
		" 2  * 198.18.5.1 <MPLS:L=16005,E=0,S=1,T=254>  0.034 ms *\n",
		" 3  198.18.1.2  0.045 ms  0.045 ms  0.045 ms\n",
		"stop: completed\n",
	};
	check_lines(t, want, sizeof want / sizeof want[0]);
	free(t);
	trace_result_free(r);
	r = fx_trace6();
	t = print_trace(r);
	const char *const want6[] = {
		" 1  2001:db8:1::1  0.030 ms  0.031 ms\n",
		" 2  * *\n",
		" 3  2001:db8:9::1  0.078 ms !H  0.078 ms !H\n",
		"stop: unreach\n",
	};
	check_lines(t, want6, sizeof want6 / sizeof want6[0]);
	free(t);
	trace_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_text),
		cmocka_unit_test(test_trace_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
