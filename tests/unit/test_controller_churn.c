/*
 * Tests of the churn report (controller/churn.h) over hand-made sessions
 * with an injected clock: joins, leaves and returns per period and role,
 * the abandon threshold at its edge, the uptime distribution and medians,
 * the hosts that churn most, bad windows, and the SVG picture's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/churn.h"
#include "controller/churn_svg.h"

static const struct churn_agent agents[] = {
	{ .id = 1, .anchor = 0, .host = "A" },
	{ .id = 2, .anchor = 1, .host = "B" },
	{ .id = 3, .anchor = 0, .host = "A" },
};

/* In no order on purpose; agent 9 is not registered any more. */
static const struct churn_session sessions[] = {
	{ 2, 220, 300 }, { 1, 150, 0 }, { 3, 390, 0 }, { 9, 5, 6 }, { 1, 10, 60 }, { 2, 120, 200 },
};

static const struct churn_query query = { .from = 0, .to = 400, .period = 100,
					  .abandon_after = 50, .now = 400 };

/* The count of kind (joined/left/returned) for role in period p of r. */
static int64_t at(const json_t *r, size_t p, const char *kind, const char *role)
{
	const json_t *row = json_array_get(json_object_get(r, "periods"), p);
	return json_integer_value(json_object_get(json_object_get(row, kind), role));
}

static json_t *report(void)
{
	char err[256] = "";
	json_t *r = churn_report(agents, 3, sessions, 6, &query, err, sizeof err);
	if (!r)
		fail_msg("churn_report: %s", err);
	return r;
}

static void events_per_period_and_role(void **state)
{
	(void)state;
	json_t *r = report();
	assert_int_equal(json_array_size(json_object_get(r, "periods")), 4);
	assert_int_equal(at(r, 0, "joined", "probe"), 2);     /* agents 1 and 9 */
	assert_int_equal(at(r, 0, "left", "probe"), 1);       /* 9: gone at 6, abandoned at 56 */
	assert_int_equal(at(r, 1, "joined", "anchor"), 1);    /* 2 */
	assert_int_equal(at(r, 1, "left", "probe"), 1);       /* 1: gone at 60, abandoned at 110 */
	assert_int_equal(at(r, 1, "returned", "probe"), 1);   /* 1 back at 150 */
	assert_int_equal(at(r, 1, "returned", "all"), 1);
	assert_int_equal(at(r, 2, "joined", "all") + at(r, 2, "left", "all") +
			 at(r, 2, "returned", "all"), 0);       /* 2's gap of 20 is no leave */
	assert_int_equal(at(r, 3, "joined", "probe"), 1);     /* 3 */
	assert_int_equal(at(r, 3, "left", "anchor"), 1);      /* 2: gone at 300, abandoned at 350 */
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(r, "periods"), 3), "start")), 300);
	json_decref(r);
}

static void uptime_distribution_and_medians(void **state)
{
	(void)state;
	json_t *r = report();
	const json_t *u = json_object_get(r, "uptime");
	const json_t *all = json_object_get(u, "all"), *probe = json_object_get(u, "probe");
	const json_t *anchor = json_object_get(u, "anchor");
	assert_int_equal(json_integer_value(json_object_get(all, "agents")), 4);
	/* shares: 9 1/395, 2 160/280, 1 300/390, 3 10/10 */
	assert_float_equal(json_real_value(json_object_get(all, "median")),
			   (160.0 / 280 + 300.0 / 390) / 2, 1e-9);
	assert_float_equal(json_real_value(json_object_get(probe, "median")), 300.0 / 390, 1e-9);
	assert_float_equal(json_real_value(json_object_get(anchor, "median")), 160.0 / 280, 1e-9);
	const json_t *h = json_object_get(all, "histogram");
	int64_t want[CHURN_BINS] = { 1, 0, 0, 0, 0, 1, 0, 1, 0, 1 };
	for (int b = 0; b < CHURN_BINS; b++)
		assert_int_equal(json_integer_value(json_array_get(h, b)), want[b]);
	json_decref(r);
}

static void hosts_that_churn_most(void **state)
{
	(void)state;
	json_t *r = report();
	const json_t *hosts = json_object_get(r, "hosts");
	assert_int_equal(json_array_size(hosts), 3);
	const json_t *b = json_array_get(hosts, 0), *gone = json_array_get(hosts, 1);
	const json_t *a = json_array_get(hosts, 2);
	assert_string_equal(json_string_value(json_object_get(b, "host")), "B");
	assert_int_equal(json_integer_value(json_object_get(b, "disconnects")), 2);
	assert_string_equal(json_string_value(json_object_get(gone, "host")), "(removed agents)");
	assert_string_equal(json_string_value(json_object_get(a, "host")), "A");
	assert_int_equal(json_integer_value(json_object_get(a, "agents")), 2);
	assert_int_equal(json_integer_value(json_object_get(a, "connects")), 3);
	assert_int_equal(json_integer_value(json_object_get(a, "disconnects")), 1);
	json_decref(r);
}

/* One agent whose two sessions are gap seconds apart (abandon_after 50). */
static json_t *gap_report(int64_t gap)
{
	struct churn_session s[] = { { 1, 0, 10 }, { 1, 10 + gap, 0 } };
	struct churn_query q = { .from = 0, .to = 200, .period = 200, .abandon_after = 50,
				 .now = 200 };
	char err[256];
	return churn_report(agents, 1, s, 2, &q, err, sizeof err);
}

static void abandon_threshold_edge(void **state)
{
	(void)state;
	json_t *r = gap_report(49);
	assert_int_equal(at(r, 0, "left", "all"), 0);
	assert_int_equal(at(r, 0, "returned", "all"), 0);
	json_decref(r);
	r = gap_report(50);
	assert_int_equal(at(r, 0, "left", "all"), 1);
	assert_int_equal(at(r, 0, "returned", "all"), 1);
	json_decref(r);
}

static void bad_windows_are_refused(void **state)
{
	(void)state;
	char err[256];
	struct churn_query q = query;
	q.to = q.from;
	assert_null(churn_report(agents, 3, sessions, 6, &q, err, sizeof err));
	assert_non_null(strstr(err, "window"));
	q = query;
	q.period = 0;
	assert_null(churn_report(agents, 3, sessions, 6, &q, err, sizeof err));
	q = query;
	q.to = CHURN_MAX_TIME + 1;   /* the admin socket takes any non-negative integer */
	q.period = CHURN_MAX_TIME;
	assert_null(churn_report(agents, 3, sessions, 6, &q, err, sizeof err));
	q = query;
	q.period = 1;
	q.to = CHURN_MAX_PERIODS + 1;
	assert_null(churn_report(agents, 3, sessions, 6, &q, err, sizeof err));
	assert_non_null(strstr(err, "at most"));
	q.to = CHURN_MAX_PERIODS;
	json_t *r = churn_report(NULL, 0, NULL, 0, &q, err, sizeof err);
	assert_non_null(r);
	assert_true(json_is_null(json_object_get(json_object_get(json_object_get(r, "uptime"),
								 "all"), "median")));
	json_decref(r);
}

static void svg_has_every_bar(void **state)
{
	(void)state;
	json_t *r = report();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(churn_svg_write(r, f), 0);
	fclose(f);
	size_t rects = 0;
	for (const char *p = buf; (p = strstr(p, "<rect")); p++)
		rects++;
	/* background + 4 periods x 3 kinds + 3 legend boxes + 10 histogram bars */
	assert_int_equal(rects, 1 + 12 + 3 + 10);
	assert_non_null(strstr(buf, "median 67%"));
	assert_non_null(strstr(buf, "</svg>"));
	free(buf);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events_per_period_and_role),
		cmocka_unit_test(uptime_distribution_and_medians),
		cmocka_unit_test(hosts_that_churn_most),
		cmocka_unit_test(abandon_threshold_edge),
		cmocka_unit_test(bad_windows_are_refused),
		cmocka_unit_test(svg_has_every_bar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
