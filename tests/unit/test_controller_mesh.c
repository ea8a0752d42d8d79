/*
 * Tests of the anchoring mesh's decision (controller/mesh_plan.h): a new
 * anchor gets ping and traceroute in each family it has, from the other
 * anchors and spread probes, and joins the others' measurements; a removed
 * or abandoned anchor's measurements stop and it leaves the others'; a
 * moved anchor's measurements are replaced; probes already taking part are
 * kept (no churn), the count of probes is held, duplicates are stopped, and
 * a plan that matches what runs is empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/mesh_plan.h"

static struct mesh_agent anchor(int64_t id, const char *v4, const char *v6)
{
	struct mesh_agent a = { .id = id, .anchor = 1, .eligible = 1 };
	snprintf(a.addr[0], sizeof a.addr[0], "%s", v4 ? v4 : "");
	snprintf(a.addr[1], sizeof a.addr[1], "%s", v6 ? v6 : "");
	return a;
}

static struct mesh_agent probe(int64_t id, int64_t asn, const char *prefix)
{
	struct mesh_agent a = { .id = id, .eligible = 1, .asn = asn };
	snprintf(a.addr[0], sizeof a.addr[0], "198.18.9.%d", (int)id);
	snprintf(a.prefix, sizeof a.prefix, "%s", prefix);
	return a;
}

static struct mesh_msm msm(int64_t id, int64_t target, int af, enum mesh_type t,
			   const char *address, const int64_t *src, size_t n)
{
	struct mesh_msm m = { .id = id, .target = target, .af = af, .type = t,
			      .sources = src, .nsources = n };
	snprintf(m.address, sizeof m.address, "%s", address);
	return m;
}

static void plan(const struct mesh_agent *a, size_t na, const struct mesh_msm *m, size_t nm,
		 int64_t probes, struct mesh_plan *p)
{
	assert_int_equal(mesh_plan_make(a, na, m, nm, probes, p), 0);
}

/* The action of kind toward (target, af, type), or NULL. */
static const struct mesh_action *find(const struct mesh_plan *p, enum mesh_kind kind,
				      int64_t target, int af, enum mesh_type t)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->a[i].kind == kind && p->a[i].target == target && p->a[i].af == af &&
		    p->a[i].type == t)
			return &p->a[i];
	return NULL;
}

static int has(const struct mesh_action *a, int64_t id)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->agents[i] == id)
			return 1;
	return 0;
}

static void test_new_anchor_gets_both_types_in_each_family(void **state)
{
	(void)state;
	struct mesh_agent a[] = { anchor(1, "198.18.0.1", "2001:db8::1"),
				  anchor(2, "198.18.0.2", "2001:db8::2"),
				  anchor(3, "198.18.0.3", NULL) };
	struct mesh_plan p;
	plan(a, 3, NULL, 0, 0, &p);
	/* 1 and 2: ping+trace v4 and v6; 3: v4 only -> 4 + 4 + 2 */
	assert_int_equal(p.n, 10);
	const struct mesh_action *c = find(&p, MESH_CREATE, 1, 6, MESH_TRACE);
	assert_non_null(c);
	assert_string_equal(c->address, "2001:db8::1");
	assert_int_equal(c->n, 1);          /* only anchor 2 has IPv6 */
	assert_true(has(c, 2));
	c = find(&p, MESH_CREATE, 3, 4, MESH_PING);
	assert_non_null(c);
	assert_int_equal(c->n, 2);
	assert_true(has(c, 1) && has(c, 2) && !has(c, 3));
	assert_null(find(&p, MESH_CREATE, 3, 6, MESH_PING));
	mesh_plan_free(&p);
}

static void test_lone_anchor_creates_nothing(void **state)
{
	(void)state;
	struct mesh_agent a[] = { anchor(1, "198.18.0.1", NULL) };
	struct mesh_plan p;
	plan(a, 1, NULL, 0, 5, &p);
	assert_int_equal(p.n, 0);
	mesh_plan_free(&p);
}

static void test_third_anchor_joins_and_gets_its_own(void **state)
{
	(void)state;
	struct mesh_agent a[] = { anchor(1, "198.18.0.1", NULL), anchor(2, "198.18.0.2", NULL),
				  anchor(3, "198.18.0.3", NULL) };
	const int64_t s1[] = { 2 }, s2[] = { 1 };
	struct mesh_msm m[] = { msm(10, 1, 4, MESH_PING, "198.18.0.1", s1, 1),
				msm(11, 1, 4, MESH_TRACE, "198.18.0.1", s1, 1),
				msm(12, 2, 4, MESH_PING, "198.18.0.2", s2, 1),
				msm(13, 2, 4, MESH_TRACE, "198.18.0.2", s2, 1) };
	struct mesh_plan p;
	plan(a, 3, m, 4, 0, &p);
	assert_int_equal(p.n, 6);           /* 4 adds of anchor 3, 2 creations toward it */
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(p.a[i].kind, MESH_ADD);
		assert_int_equal(p.a[i].n, 1);
		assert_int_equal(p.a[i].agents[0], 3);
	}
	const struct mesh_action *c = find(&p, MESH_CREATE, 3, 4, MESH_TRACE);
	assert_non_null(c);
	assert_true(c->n == 2 && has(c, 1) && has(c, 2));
	mesh_plan_free(&p);
}

/* Anchor 3 gone (removed: absent; abandoned: not eligible): the same plan. */
static void check_anchor_leaves(int abandoned)
{
	struct mesh_agent a[] = { anchor(1, "198.18.0.1", NULL), anchor(2, "198.18.0.2", NULL),
				  anchor(3, "198.18.0.3", NULL) };
	a[2].eligible = 0;
	const int64_t s1[] = { 2, 3 }, s2[] = { 1, 3 }, s3[] = { 1, 2 };
	struct mesh_msm m[] = { msm(10, 1, 4, MESH_PING, "198.18.0.1", s1, 2),
				msm(11, 1, 4, MESH_TRACE, "198.18.0.1", s1, 2),
				msm(12, 2, 4, MESH_PING, "198.18.0.2", s2, 2),
				msm(13, 2, 4, MESH_TRACE, "198.18.0.2", s2, 2),
				msm(14, 3, 4, MESH_PING, "198.18.0.3", s3, 2),
				msm(15, 3, 4, MESH_TRACE, "198.18.0.3", s3, 2) };
	struct mesh_plan p;
	plan(a, abandoned ? 3 : 2, m, 6, 0, &p);
	assert_int_equal(p.n, 6);
	assert_int_equal(p.a[0].kind, MESH_STOP);
	assert_int_equal(p.a[0].msm_id, 14);
	assert_int_equal(p.a[1].kind, MESH_STOP);
	assert_int_equal(p.a[1].msm_id, 15);
	for (size_t i = 2; i < 6; i++) {
		assert_int_equal(p.a[i].kind, MESH_REMOVE);
		assert_int_equal(p.a[i].msm_id, 10 + (int64_t)i - 2);
		assert_true(p.a[i].n == 1 && p.a[i].agents[0] == 3);
	}
	mesh_plan_free(&p);
}

static void test_removed_anchor_stops_and_leaves(void **state)
{
	(void)state;
	check_anchor_leaves(0);
}

static void test_abandoned_anchor_stops_and_leaves(void **state)
{
	(void)state;
	check_anchor_leaves(1);
}

static void test_moved_anchor_is_measured_at_its_new_address(void **state)
{
	(void)state;
	struct mesh_agent a[] = { anchor(1, "198.18.0.100", NULL), anchor(2, "198.18.0.2", NULL) };
	const int64_t s1[] = { 2 };
	struct mesh_msm m[] = { msm(10, 1, 4, MESH_PING, "198.18.0.1", s1, 1) };
	struct mesh_plan p;
	plan(a, 2, m, 1, 0, &p);
	assert_int_equal(p.a[0].kind, MESH_STOP);
	assert_int_equal(p.a[0].msm_id, 10);
	const struct mesh_action *c = find(&p, MESH_CREATE, 1, 4, MESH_PING);
	assert_non_null(c);
	assert_string_equal(c->address, "198.18.0.100");
	mesh_plan_free(&p);
}

static void test_probes_spread_over_ases_then_prefixes(void **state)
{
	(void)state;
	struct mesh_agent a[] = { anchor(1, "198.18.0.1", NULL),
				  probe(20, 64500, "198.18.8.0/24"), probe(21, 64500, "198.18.8.0/24"),
				  probe(22, 64500, "198.18.9.0/24"), probe(23, 64501, "198.18.10.0/24"),
				  probe(24, 64502, "198.18.11.0/24") };
	struct mesh_plan p;
	plan(a, 6, NULL, 0, 4, &p);
	const struct mesh_action *c = find(&p, MESH_CREATE, 1, 4, MESH_PING);
	assert_non_null(c);
	/* one per AS (20, 23, 24), then a new prefix (22), never the twin 21 */
	assert_int_equal(c->n, 4);
	assert_true(has(c, 20) && has(c, 23) && has(c, 24) && has(c, 22) && !has(c, 21));
	mesh_plan_free(&p);
}

static void test_probes_taking_part_are_kept_and_count_held(void **state)
{
	(void)state;
	struct mesh_agent a[] = { anchor(1, "198.18.0.1", NULL),
				  probe(20, 64500, "198.18.8.0/24"), probe(21, 64500, "198.18.8.0/24"),
				  probe(23, 64501, "198.18.10.0/24"), probe(24, 64502, "198.18.11.0/24") };
	/* 21 takes part (though 20 would be picked first); 24 gone: no longer eligible */
	a[4].eligible = 0;
	const int64_t cur[] = { 21, 24 };
	struct mesh_msm m[] = { msm(10, 1, 4, MESH_PING, "198.18.0.1", cur, 2),
				msm(11, 1, 4, MESH_TRACE, "198.18.0.1", cur, 2) };
	struct mesh_plan p;
	plan(a, 5, m, 2, 2, &p);
	const struct mesh_action *add = find(&p, MESH_ADD, 1, 4, MESH_PING);
	const struct mesh_action *out = find(&p, MESH_REMOVE, 1, 4, MESH_PING);
	assert_non_null(add);
	assert_non_null(out);
	assert_true(add->n == 1 && add->agents[0] == 23);   /* a new AS beside 21's */
	assert_true(out->n == 1 && out->agents[0] == 24);
	assert_int_equal(p.n, 4);
	mesh_plan_free(&p);

	/* fewer probes wanted: the extra ones leave, the mesh anchors never do */
	const int64_t cur2[] = { 21, 23 };
	m[0] = msm(10, 1, 4, MESH_PING, "198.18.0.1", cur2, 2);
	plan(a, 5, m, 1, 1, &p);
	out = find(&p, MESH_REMOVE, 1, 4, MESH_PING);
	assert_non_null(out);
	assert_true(out->n == 1 && out->agents[0] == 23);
	mesh_plan_free(&p);
}

static void test_settled_mesh_plans_nothing_and_duplicates_stop(void **state)
{
	(void)state;
	struct mesh_agent a[] = { anchor(1, "198.18.0.1", NULL), anchor(2, "198.18.0.2", NULL) };
	const int64_t s1[] = { 2 }, s2[] = { 1 };
	struct mesh_msm m[] = { msm(10, 1, 4, MESH_PING, "198.18.0.1", s1, 1),
				msm(11, 1, 4, MESH_TRACE, "198.18.0.1", s1, 1),
				msm(12, 2, 4, MESH_PING, "198.18.0.2", s2, 1),
				msm(13, 2, 4, MESH_TRACE, "198.18.0.2", s2, 1),
				msm(14, 2, 4, MESH_TRACE, "198.18.0.2", s2, 1) };
	struct mesh_plan p;
	plan(a, 2, m, 4, 3, &p);
	assert_int_equal(p.n, 0);
	mesh_plan_free(&p);
	plan(a, 2, m, 5, 3, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.a[0].kind, MESH_STOP);
	assert_int_equal(p.a[0].msm_id, 14);
	mesh_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_anchor_gets_both_types_in_each_family),
		cmocka_unit_test(test_lone_anchor_creates_nothing),
		cmocka_unit_test(test_third_anchor_joins_and_gets_its_own),
		cmocka_unit_test(test_removed_anchor_stops_and_leaves),
		cmocka_unit_test(test_abandoned_anchor_stops_and_leaves),
		cmocka_unit_test(test_moved_anchor_is_measured_at_its_new_address),
		cmocka_unit_test(test_probes_spread_over_ases_then_prefixes),
		cmocka_unit_test(test_probes_taking_part_are_kept_and_count_held),
		cmocka_unit_test(test_settled_mesh_plans_nothing_and_duplicates_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
