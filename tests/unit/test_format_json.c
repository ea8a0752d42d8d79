/*
 * Tests of the RIPE Atlas JSON encoder: each fixture is encoded, printed on
 * one line, parsed back with jansson, and the fields RIPE Atlas parsers read
 * are checked against the result struct (tables of expected entries).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/atlas_json.h"
#include "test_format_fixtures.h"

/* Encode through the line writer and parse the line back. */
static json_t *roundtrip(json_t *o)
{
	char *buf = NULL;
	size_t len = 0;
	char err[128];
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(o);
	assert_int_equal(atlas_json_write_line(f, o, err, sizeof err), 0);
	fclose(f);
	json_decref(o);
	/* exactly one line */
	assert_true(len > 1 && buf[len - 1] == '\n');
	assert_null(memchr(buf, '\n', len - 1));
	json_error_t jerr;
	json_t *back = json_loads(buf, 0, &jerr);
	free(buf);
	assert_non_null(back);
	return back;
}

/* Expected entry of a ping result[]: rtt in ms (<0: a "*"), dup, late. */
struct pentry {
	double rtt;
	int dup;
	int late;
};

static void check_ping_entries(json_t *res, const struct pentry *want, size_t n)
{
	assert_true(json_is_array(res));
	assert_int_equal(json_array_size(res), n);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(res, i);
		if (want[i].rtt < 0) {
			assert_string_equal(json_string_value(json_object_get(e, "x")), "*");
			continue;
		}
		assert_true(fabs(json_real_value(json_object_get(e, "rtt")) - want[i].rtt) < 1e-9);
		assert_int_equal(json_object_get(e, "dup") != NULL, want[i].dup);
		assert_int_equal(json_object_get(e, "late") != NULL, want[i].late);
	}
}

static void test_ping4_fields(void **state)
{
	(void)state;
	struct ping_result *r = fx_ping4();
	struct atlas_meta m = { .msm_id = 1001, .prb_id = 7, .lts = -1 };
	json_t *o = roundtrip(atlas_ping_json(r, &m));
	assert_string_equal(json_string_value(json_object_get(o, "type")), "ping");
	assert_int_equal(json_integer_value(json_object_get(o, "af")), 4);
	assert_string_equal(json_string_value(json_object_get(o, "dst_addr")), "198.18.1.2");
	assert_string_equal(json_string_value(json_object_get(o, "src_addr")), "198.18.0.2");
	assert_string_equal(json_string_value(json_object_get(o, "proto")), "ICMP");
	assert_int_equal(json_integer_value(json_object_get(o, "msm_id")), 1001);
	assert_int_equal(json_integer_value(json_object_get(o, "prb_id")), 7);
	assert_int_equal(json_integer_value(json_object_get(o, "timestamp")), 1700000000);
	assert_int_equal(json_integer_value(json_object_get(o, "sent")), 4);
	assert_int_equal(json_integer_value(json_object_get(o, "rcvd")), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "dup")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "ttl")), 63);
	assert_true(fabs(json_real_value(json_object_get(o, "min")) - 0.039123) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(o, "max")) - 1500.0) < 1e-9);
	const struct pentry want[] = {
		{ 0.039123, 0, 0 }, { 0.041, 0, 0 }, { 0.052, 1, 0 }, { -1, 0, 0 },
		{ 1500.0, 0, 1 },
	};
	check_ping_entries(json_object_get(o, "result"), want, 5);
	json_decref(o);
	ping_result_free(r);
}

static void test_ping_without_replies(void **state)
{
	(void)state;
	struct ping_result *r = fx_ping4();
	r->n_replies = 0;
	r->rcvd = r->dup = 0;
	json_t *o = roundtrip(atlas_ping_json(r, NULL));
	assert_true(json_number_value(json_object_get(o, "min")) == -1);
	assert_true(json_number_value(json_object_get(o, "avg")) == -1);
	assert_null(json_object_get(o, "ttl"));
	const struct pentry want[] = { { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } };
	check_ping_entries(json_object_get(o, "result"), want, 4);
	json_decref(o);
	ping_result_free(r);
}

static void test_ping_reply_from_elsewhere_names_it(void **state)
{
	(void)state;
	struct ping_result *r = fx_ping6();
	r->replies[1].from = fx_addr(AF_INET6, "2001:db8::99");
	r->replies[1].reply_ttl = 60;
	json_t *o = roundtrip(atlas_ping_json(r, NULL));
	json_t *res = json_object_get(o, "result");
	assert_string_equal(json_string_value(json_object_get(o, "proto")), "TCP");
	assert_null(json_object_get(json_array_get(res, 0), "src_addr"));
	assert_null(json_object_get(json_array_get(res, 0), "ttl"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 1), "src_addr")),
			    "2001:db8::99");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(res, 1), "ttl")), 60);
	json_decref(o);
	ping_result_free(r);
}

/* Expected hop entry: from (NULL = "*"), rtt ms, err (NULL = none). */
struct tentry {
	int hop;
	const char *from;
	double rtt;
	const char *err;
};

static void check_trace(json_t *o, const struct tentry *want, size_t n, int nhops)
{
	json_t *res = json_object_get(o, "result");
	assert_int_equal(json_array_size(res), nhops);
	size_t k = 0;
	for (size_t h = 0; h < json_array_size(res); h++) {
		json_t *hop = json_array_get(res, h);
		json_t *entries = json_object_get(hop, "result");
		for (size_t i = 0; i < json_array_size(entries); i++, k++) {
			json_t *e = json_array_get(entries, i);
			assert_true(k < n);
			assert_int_equal(json_integer_value(json_object_get(hop, "hop")), want[k].hop);
			if (want[k].from == NULL) {
				assert_string_equal(json_string_value(json_object_get(e, "x")), "*");
				continue;
			}
			assert_string_equal(json_string_value(json_object_get(e, "from")), want[k].from);
			assert_true(fabs(json_real_value(json_object_get(e, "rtt")) - want[k].rtt) < 1e-9);
			json_t *err = json_object_get(e, "err");
			if (want[k].err)
				assert_string_equal(json_string_value(err), want[k].err);
			else
				assert_null(err);
		}
	}
	assert_int_equal(k, n);
}

static void test_trace4_hops_and_mpls(void **state)
{
	(void)state;
	struct trace_result *r = fx_trace4();
	json_t *o = roundtrip(atlas_trace_json(r, NULL));
	assert_string_equal(json_string_value(json_object_get(o, "type")), "traceroute");
	assert_string_equal(json_string_value(json_object_get(o, "proto")), "UDP");
	assert_int_equal(json_integer_value(json_object_get(o, "paris_id")), 7);
	assert_int_equal(json_integer_value(json_object_get(o, "size")), 48);
	assert_int_equal(json_integer_value(json_object_get(o, "endtime")), 1700000201);
	const struct tentry want[] = {
		{ 1, "198.18.0.1", 0.021, NULL }, { 1, "198.18.0.1", 0.0211, NULL },
		{ 1, "198.18.0.1", 0.0212, NULL }, { 2, NULL, 0, NULL },
		{ 2, "198.18.5.1", 0.0335, NULL }, { 2, NULL, 0, NULL },
		{ 3, "198.18.1.2", 0.045, NULL }, { 3, "198.18.1.2", 0.04501, NULL },
		{ 3, "198.18.1.2", 0.04502, NULL },
	};
	check_trace(o, want, sizeof want / sizeof want[0], 3);
	json_t *e = json_array_get(json_object_get(json_array_get(json_object_get(o, "result"), 1),
						   "result"), 1);
	json_t *mpls = json_object_get(json_array_get(json_object_get(json_object_get(e, "icmpext"),
								       "obj"), 0), "mpls");
	assert_int_equal(json_array_size(mpls), 1);
	json_t *l = json_array_get(mpls, 0);
	assert_int_equal(json_integer_value(json_object_get(l, "label")), 16005);
	assert_int_equal(json_integer_value(json_object_get(l, "s")), 1);
	assert_int_equal(json_integer_value(json_object_get(l, "ttl")), 254);
	json_decref(o);
	trace_result_free(r);
}

static void test_trace6_unreachable_err(void **state)
{
	(void)state;
	struct trace_result *r = fx_trace6();
	json_t *o = roundtrip(atlas_trace_json(r, NULL));
	assert_int_equal(json_integer_value(json_object_get(o, "af")), 6);
	assert_string_equal(json_string_value(json_object_get(o, "proto")), "ICMP");
	const struct tentry want[] = {
		{ 1, "2001:db8:1::1", 0.030001, NULL }, { 1, "2001:db8:1::1", 0.030999, NULL },
		{ 2, NULL, 0, NULL }, { 2, NULL, 0, NULL },
		{ 3, "2001:db8:9::1", 0.077777, "H" }, { 3, "2001:db8:9::1", 0.078, "H" },
	};
	check_trace(o, want, sizeof want / sizeof want[0], 3);
	json_decref(o);
	trace_result_free(r);
}

struct errcase {
	uint8_t af, type, code;
	bool from_dst;
	const char *want; /* NULL: no err; "": numeric */
};

static const struct errcase errcases[] = {
	{ AF_INET, 11, 0, false, NULL },   /* time exceeded is no error */
	{ AF_INET, 3, 3, true, NULL },     /* port unreachable at the target */
	{ AF_INET, 3, 3, false, "p" },
	{ AF_INET, 3, 0, false, "N" },
	{ AF_INET, 3, 1, false, "H" },
	{ AF_INET, 3, 2, true, "P" },
	{ AF_INET, 3, 13, false, "A" },
	{ AF_INET, 3, 7, false, "" },
	{ AF_INET6, 1, 4, true, NULL },
	{ AF_INET6, 1, 0, false, "N" },
	{ AF_INET6, 1, 1, false, "A" },
	{ AF_INET6, 1, 3, false, "H" },
	{ AF_INET6, 3, 0, false, NULL },
	{ AF_INET6, 1, 6, false, "" },
};

static void test_unreach_err_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof errcases / sizeof errcases[0]; i++) {
		const struct errcase *c = &errcases[i];
		const char *got = atlas_unreach_err(c->af, c->type, c->code, c->from_dst);
		if (c->want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, c->want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping4_fields),
		cmocka_unit_test(test_ping_without_replies),
		cmocka_unit_test(test_ping_reply_from_elsewhere_names_it),
		cmocka_unit_test(test_trace4_hops_and_mpls),
		cmocka_unit_test(test_trace6_unreachable_err),
		cmocka_unit_test(test_unreach_err_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
