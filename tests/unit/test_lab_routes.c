/*
 * test_lab_routes: the lab's shortest-path routing, the `ip -batch` route
 * lines made from it, and the ground truth walked over it (on a diamond and
 * on lab/topologies/small.conf).
 */
#include "lab/lab.h"
#include "util/readfile.h"
#include "lab/routes.h"
#include "lab/truth.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char diamond[] =
	"host a\nrouter r1\nrouter r2\nrouter r3\nrouter r4\nhost b\nhost h\n"
	"link a r1\nlink r1 r2\nlink r1 r3\nlink r2 r4\nlink r3 r4\nlink r4 b\n"
	/* h joins r1 and r4 but, being a host, must never carry transit */
	"link r1 h\nlink h r4\n";

/* A lab struct holding the parsed text. */
static struct lab *lab_of(const char *text)
{
	struct lab *lab = calloc(1, sizeof *lab);
	char err[256];

	assert_non_null(lab);
	strcpy(lab->name, "u");
	if (lab_topo_parse(text, strlen(text), "t.conf", &lab->topo, err, sizeof err) < 0)
		fail_msg("%s", err);
	return lab;
}

/* Distances and next hops over the diamond; hosts are no transit. */
static void test_diamond_nexthops(void **state)
{
	struct lab *lab = lab_of(diamond);
	struct lab_nexthop nh[LAB_MAX_IFACES];
	int dist[LAB_MAX_NODES], b = lab_topo_find(&lab->topo, "b");
	uint64_t owners = 1ULL << b;

	(void)state;
	lab_route_dist(&lab->topo, owners, dist);
	assert_int_equal(dist[b], 0);
	assert_int_equal(dist[lab_topo_find(&lab->topo, "r4")], 1);
	assert_int_equal(dist[lab_topo_find(&lab->topo, "r1")], 3);
	assert_int_equal(dist[lab_topo_find(&lab->topo, "a")], 4);
	assert_int_equal(lab_route_nexthops(&lab->topo, dist, owners, lab_topo_find(&lab->topo, "r1"),
					    NULL, nh), 2);
	assert_string_equal(lab->topo.nodes[nh[0].node].name, "r2");
	assert_string_equal(lab->topo.nodes[nh[1].node].name, "r3");
	lab->cut[1] = true;     /* r1-r2 */
	assert_int_equal(lab_route_nexthops(&lab->topo, dist, owners, lab_topo_find(&lab->topo, "r1"),
					    lab->cut, nh), 1);
	assert_string_equal(lab->topo.nodes[nh[0].node].name, "r3");
	free(lab);
}

/* The route lines of r1 hold a two-way multipath route, one way when cut. */
static void test_route_lines(void **state)
{
	struct lab *lab = lab_of(diamond);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	lab_write_routes(lab, 1, 4, f);
	fclose(f);
	/* b's subnet is link 5 (the 6th /30: 198.18.0.20/30) */
	assert_non_null(strstr(buf, "route replace 198.18.0.20/30 nexthop via 198.18.0.6 dev e1"
			       " nexthop via 198.18.0.10 dev e2\n"));
	assert_null(strstr(buf, "via 198.18.0.2 "));     /* never back towards a */
	free(buf);
	lab->cut[2] = true;     /* r1-r3 */
	f = open_memstream(&buf, &len);
	lab_write_routes(lab, 1, 6, f);
	fclose(f);
	assert_non_null(strstr(buf, "route replace 2001:db8:0:6::/64 via 2001:db8:0:2::2 dev e1\n"));
	free(buf);
	free(lab);
}

/* Read lab/topologies/small.conf from the source tree. */
static struct lab *small_lab(void)
{
	const char *root = getenv("VANTAGE_SOURCE_ROOT");
	char path[512], *text = malloc(65536);
	struct lab *lab;
	long n;

	snprintf(path, sizeof path, "%s/lab/topologies/small.conf", root ? root : ".");
	assert_non_null(text);
	n = read_small_file(path, text, 65536);
	assert_true(n > 0);
	lab = lab_of(text);
	free(text);
	return lab;
}

/* Names of the routers at one hop of a truth, joined by '|'. */
static void hop_names(json_t *hop, char *buf, size_t len)
{
	size_t i;
	json_t *r;

	buf[0] = '\0';
	json_array_foreach(json_object_get(hop, "routers"), i, r) {
		if (i)
			strncat(buf, "|", len - strlen(buf) - 1);
		strncat(buf, json_string_value(json_object_get(r, "name")), len - strlen(buf) - 1);
	}
}

/* The small lab's truth from vp1 to an AnyIP address of dst. */
static void test_small_truth(void **state)
{
	static const char *want[] = { "r1", "r3", "r4|r5", "r6", "r7", "r8", "dst" };
	struct lab *lab = small_lab();
	struct lab_flow udp = { "udp", 0, 0 };
	char err[256], names[64];
	json_t *t = lab_truth(&lab->topo, "vp1", "198.18.129.77", 4, &udp, err, sizeof err), *hops;

	(void)state;
	assert_non_null(t);
	hops = json_object_get(t, "hops");
	assert_int_equal(json_array_size(hops), 7);
	for (size_t i = 0; i < 7; i++) {
		hop_names(json_array_get(hops, i), names, sizeof names);
		assert_string_equal(names, want[i]);
	}
	assert_true(json_is_true(json_object_get(json_array_get(hops, 2), "ecmp")));
	assert_true(json_is_true(json_object_get(
		json_array_get(json_object_get(json_array_get(hops, 4), "routers"), 0), "silent")));
	/* r6 answers from either of its interfaces back through the diamond */
	assert_int_equal(json_array_size(json_object_get(
		json_array_get(json_object_get(json_array_get(hops, 3), "routers"), 0), "addrs")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_array_get(json_object_get(json_array_get(hops, 6), "routers"), 0), "addrs"), 0)),
		"198.18.129.77");
	assert_true(json_is_true(json_object_get(t, "reached")));
	json_decref(t);
	free(lab);
}

/* IPv6 AnyIP: UDP errors come from the link address; filtering; errors. */
static void test_small_truth_edges(void **state)
{
	struct lab *lab = small_lab();
	struct lab_flow udp = { "udp", 0, 0 }, icmp = { "icmp", 0, 0 };
	char err[256];
	json_t *t, *last;

	(void)state;
	t = lab_truth(&lab->topo, "vp1", "2001:db8:d0::5", 6, &udp, err, sizeof err);
	assert_non_null(t);
	last = json_array_get(json_object_get(t, "hops"), 6);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_array_get(json_object_get(last, "routers"), 0), "addrs"), 0)), "2001:db8:0:e::2");
	json_decref(t);
	t = lab_truth(&lab->topo, "vp1", "2001:db8:d0::5", 6, &icmp, err, sizeof err);
	last = json_array_get(json_object_get(t, "hops"), 6);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_array_get(json_object_get(last, "routers"), 0), "addrs"), 0)), "2001:db8:d0::5");
	json_decref(t);
	/* fw sits behind r8 on r8's subnet: r8 is a hop, fw the destination */
	t = lab_truth(&lab->topo, "vp1", "fw", 4, &udp, err, sizeof err);
	assert_non_null(t);
	assert_true(json_is_false(json_object_get(t, "reached")));
	assert_string_equal(json_string_value(json_object_get(t, "dst")), "fw");
	assert_int_equal(json_array_size(json_object_get(t, "hops")), 7);
	json_decref(t);
	assert_null(lab_truth(&lab->topo, "nosuch", "fw", 4, &udp, err, sizeof err));
	assert_non_null(strstr(err, "no node called 'nosuch'"));
	assert_null(lab_truth(&lab->topo, "vp1", "192.0.2.1", 4, &udp, err, sizeof err));
	assert_non_null(strstr(err, "no lab route"));
	assert_null(lab_truth(&lab->topo, "vp1", "198.18.0.3", 4, &udp, err, sizeof err));
	assert_non_null(strstr(err, "no node holds"));
	free(lab);
}

/*
 * Truth towards a host's own link address (not an AnyIP one) ends at that
 * host, one hop after the router owning the link: {src, dst, af, hops, last}.
 */
static void test_truth_to_link_address(void **state)
{
	static const struct {
		const char *src, *dst;
		int af;
		size_t hops;
		const char *last;
	} cases[] = {
		{ "vp1", "198.18.0.54", 4, 7, "dst" },
		{ "vp1", "198.18.0.62", 4, 7, "anc2" },
		{ "vp1", "198.18.0.70", 4, 6, "far" },
		{ "anc2", "198.18.0.9", 4, 7, "anc1" },
		{ "ops", "198.18.0.9", 4, 2, "anc1" },
		{ "vp1", "2001:db8:0:e::2", 6, 7, "dst" },
		{ "vp1", "2001:db8:0:10::2", 6, 7, "anc2" },
	};
	struct lab *lab = small_lab();
	struct lab_flow udp = { "udp", 0, 0 };
	char err[256], names[64];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *t = lab_truth(&lab->topo, cases[i].src, cases[i].dst, cases[i].af, &udp,
				      err, sizeof err);
		assert_non_null(t);
		json_t *hops = json_object_get(t, "hops");
		assert_int_equal(json_array_size(hops), cases[i].hops);
		hop_names(json_array_get(hops, cases[i].hops - 1), names, sizeof names);
		assert_string_equal(names, cases[i].last);
		assert_string_equal(json_string_value(json_object_get(t, "dst")), cases[i].last);
		json_decref(t);
	}
	free(lab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diamond_nexthops),
		cmocka_unit_test(test_route_lines),
		cmocka_unit_test(test_small_truth),
		cmocka_unit_test(test_small_truth_edges),
		cmocka_unit_test(test_truth_to_link_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
