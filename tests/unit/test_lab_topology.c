/*
 * test_lab_topology: the lab's topology parser and addressing plan. A table
 * of bad files with the line and message each must produce, and checks of
 * the addresses a good file gets.
 */
#include "lab/topology.h"
#include "lab/addrplan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Parse a NUL-terminated text into a fresh topology; returns it (caller frees). */
static struct lab_topo *parse(const char *text, int *rc, char *err, size_t errlen)
{
	struct lab_topo *t = malloc(sizeof *t);

	assert_non_null(t);
	*rc = lab_topo_parse(text, strlen(text), "t.conf", t, err, errlen);
	return t;
}

static const struct {
	const char *text;
	const char *error;          /* substring the message must hold */
} bad_cases[] = {
	{ "", "t.conf: no hosts or routers defined" },
	{ "# only a comment\n", "no hosts or routers" },
	{ "switch s1\n", "t.conf:1: unknown statement 'switch'" },
	{ "router\n", "t.conf:1: router needs a name" },
	{ "router R1\n", "t.conf:1: bad name 'R1'" },
	{ "router 1r\n", "bad name '1r'" },
	{ "router abcdefghijklm\n", "bad name" },
	{ "router r1\nrouter r1\n", "t.conf:2: 'r1' is defined twice" },
	{ "router r1 loud\n", "t.conf:1: unknown router option 'loud'" },
	{ "host h1 silent\n", "unknown host option 'silent'" },
	{ "router r1 ratelimit=0\n", "ratelimit: '0' is too small (minimum 1)" },
	{ "router r1 ratelimit=1s\n", "ratelimit: '1s' is not a number" },
	{ "router r1 anyip=198.19.0.0/16\n", "unknown router option" },
	{ "host h1 anyip=10.0.0.0/8\n", "anyip: 10.0.0.0/8 is outside 198.18.0.0/15" },
	{ "host h1 anyip=198.18.0.0/14\n", "outside" },
	{ "host h1 anyip=2001:db9::/48\n", "outside" },
	{ "host h1 anyip=198.19.0.0\n", "not an address/length prefix" },
	{ "host h1 anyip=198.19.0.0/33\n", "not an address/length prefix" },
	{ "host h1 filter=smtp\n", "filter: unknown protocol 'smtp'" },
	{ "host h1 filter=,\n", "filter: no protocol given" },
	{ "host h1\nlink h1 h2\n", "t.conf:2: link: unknown node 'h2'" },
	{ "host h1\nlink h1\n", "t.conf:2: link needs two node names" },
	{ "host h1\nlink h1 h1\n", "cannot link to itself" },
	{ "host h1\nhost h2\nlink h1 h2 delay=-1\n", "t.conf:3: delay: '-1' is too small" },
	{ "host h1\nhost h2\nlink h1 h2 loss=101\n", "loss: '101' is too large (maximum 100)" },
	{ "host h1\nhost h2\nlink h1 h2 mtu=9000\n", "unknown link option 'mtu=9000'" },
	{ "host h1\nhost h2\nlink h1 h2 v4=198.18.0.0/31\n", "length 16..30" },
	{ "host h1\nhost h2\nlink h1 h2 v4=2001:db8::/64\n", "must be an IPv4 prefix" },
	{ "host h1\nhost h2\nlink h1 h2 v6=2001:db8::/32\n", "length 48..126" },
	{ "host h1\nhost h2\nlink h1 h2 v4=198.18.5.0/30\nlink h1 h2 v4=198.18.5.0/24\n",
	  "t.conf:3: link prefix 198.18.5.0/30 overlaps" },
	{ "host h1 anyip=198.19.0.0/16\nhost h2 anyip=198.19.4.0/24\n", "anyip prefixes overlap" },
	{ "host h1 anyip=198.18.0.0/17\nhost h2\nlink h1 h2\n", "t.conf:3: no free link prefix left" },
	{ "router r1\n" "router r2 x x x x x x x x x x x x x x x x x x x x x x x x x\n",
	  "t.conf:2: too many words" },
};

/* Every bad file fails with its file:line message. */
static void test_bad_files(void **state)
{
	char err[256];
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		struct lab_topo *t = parse(bad_cases[i].text, &rc, err, sizeof err);
		if (rc != -1 || !strstr(err, bad_cases[i].error))
			fail_msg("case %zu: rc %d, error '%s', wanted '%s'", i, rc, err, bad_cases[i].error);
		free(t);
	}
}

/* A line longer than the limit and an embedded NUL byte are refused. */
static void test_long_line_and_nul(void **state)
{
	char err[256], *text = malloc(2000);
	struct lab_topo *t = malloc(sizeof *t);

	(void)state;
	memset(text, 'a', 2000);
	assert_int_equal(lab_topo_parse(text, 2000, "t.conf", t, err, sizeof err), -1);
	assert_non_null(strstr(err, "t.conf:1: line too long"));
	assert_int_equal(lab_topo_parse("host h1\nhost\0h2\n", 16, "t.conf", t, err, sizeof err), -1);
	assert_non_null(strstr(err, "t.conf:2: NUL byte"));
	free(text);
	free(t);
}

/* Helper: address of family af as text. */
static const char *fmt(int af, const uint8_t *a)
{
	static char buf[64];

	lab_addr_format(af, a, buf, sizeof buf);
	return buf;
}

/* A good file: options, interface numbers and the automatic plan. */
static void test_good_file(void **state)
{
	static const char text[] =
		"# a comment\n"
		"router r1 as=64500 silent   # trailing comment\n"
		"router r2 ratelimit=500\n"
		"host h1 role=probe anyip=198.19.0.0/16 anyip=2001:db8:19::/48 filter=udp,icmp\n"
		"\thost h2\r\n"
		"link h1 r1\n"
		"link r1 r2 v4=198.18.0.0/30 delay=20 loss=3\n"
		"link r2 h2 v6=2001:db8:aa::/64\n";
	char err[256];
	int rc;
	struct lab_topo *t = parse(text, &rc, err, sizeof err);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(t->n_nodes, 4);
	assert_int_equal(t->n_links, 3);
	assert_true(t->nodes[0].silent);
	assert_int_equal(t->nodes[0].as, 64500);
	assert_int_equal(t->nodes[1].ratelimit_ms, 500);
	assert_int_equal(t->nodes[2].filter, LAB_F_UDP | LAB_F_ICMP);
	assert_string_equal(t->nodes[2].role, "probe");
	assert_int_equal(t->nodes[2].n_anyip, 2);
	assert_int_equal(t->nodes[1].kind, LAB_ROUTER);
	assert_int_equal(t->nodes[3].kind, LAB_HOST);
	/* link 0 is automatic but must skip 198.18.0.0/30, given to link 1 */
	assert_string_equal(fmt(4, t->links[0].a4), "198.18.0.5");
	assert_string_equal(fmt(4, t->links[0].b4), "198.18.0.6");
	assert_string_equal(fmt(6, t->links[0].a6), "2001:db8:0:1::1");
	assert_string_equal(fmt(4, t->links[1].a4), "198.18.0.1");
	assert_string_equal(fmt(6, t->links[1].b6), "2001:db8:0:2::2");
	assert_true(t->links[1].emu);
	assert_int_equal(t->links[1].delay_ms, 20);
	assert_int_equal(t->links[1].loss_pct, 3);
	assert_false(t->links[0].emu);
	assert_string_equal(fmt(6, t->links[2].b6), "2001:db8:aa::2");
	assert_string_equal(fmt(4, t->links[2].a4), "198.18.0.9");
	/* interface numbers follow the link lines per node */
	assert_int_equal(t->links[0].ifb, 0);      /* r1 e0 */
	assert_int_equal(t->links[1].ifa, 1);      /* r1 e1 */
	assert_int_equal(t->links[1].ifb, 0);      /* r2 e0 */
	assert_int_equal(t->links[2].ifa, 1);      /* r2 e1 */
	assert_int_equal(lab_topo_link_between(t, 3, 1), 2);
	assert_int_equal(lab_topo_link_between(t, 3, 0), -1);
	free(t);
}

/* Prefix helpers: parsing masks host bits, containment and lab ranges. */
static void test_prefixes(void **state)
{
	struct lab_prefix p, q;
	char buf[64];

	(void)state;
	assert_true(lab_prefix_parse("198.19.7.9/16", &p));
	lab_prefix_format(&p, buf, sizeof buf);
	assert_string_equal(buf, "198.19.0.0/16");
	assert_true(addrplan_in_lab_range(&p));
	assert_true(lab_prefix_parse("2001:db8:19::/48", &q));
	assert_true(addrplan_in_lab_range(&q));
	assert_false(addrplan_overlap(&p, &q));
	assert_true(lab_prefix_parse("198.19.200.0/24", &q));
	assert_true(addrplan_overlap(&p, &q) && addrplan_overlap(&q, &p));
	assert_false(lab_prefix_parse("198.19.0.0/", &p));
	assert_false(lab_prefix_parse("nonsense/8", &p));
	assert_true(lab_prefix_parse("192.0.2.0/24", &p));
	assert_false(addrplan_in_lab_range(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
