/*
 * Tests of the RIPE Atlas result reader: a table of result lines (ping with
 * per-packet RTTs, lost and duplicate packets, summary-only pings,
 * traceroutes reaching or not reaching the target, other types, broken
 * input) and what record or error must come out; plus whole texts as JSON
 * lines and as an array, with probe selection and line-numbered errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/atlas_read.h"

struct acase {
	const char *json;
	int rc;
	const char *probe, *dst;
	int kind, sent, rcvd, nrtt;
	double min;
	const char *path; /* traceroute path, or NULL */
	const char *err;  /* substring when rc < 0 */
};

static const struct acase cases[] = {
	{ "{\"type\":\"ping\",\"prb_id\":6001,\"dst_addr\":\"193.0.14.129\",\"timestamp\":1700000000,"
	  "\"result\":[{\"rtt\":12.5},{\"x\":\"*\"},{\"rtt\":11.25},{\"rtt\":11.0,\"dup\":1}],"
	  "\"sent\":3,\"rcvd\":2}",
	  0, "6001", "193.0.14.129", REC_PING, 3, 2, 2, 11.25, NULL, NULL },
	{ "{\"type\":\"ping\",\"from\":\"192.0.2.9\",\"dst_addr\":\"2001:db8::1\",\"timestamp\":5,"
	  "\"result\":[{\"rtt\":1.5},{\"error\":\"sendto failed\"}]}",
	  0, "192.0.2.9", "2001:db8::1", REC_PING, 2, 1, 1, 1.5, NULL, NULL },
	{ "{\"type\":\"ping\",\"prb_id\":7,\"dst_addr\":\"198.18.0.1\",\"timestamp\":9,"
	  "\"avg\":20.5,\"min\":19.0,\"max\":22.0,\"sent\":3,\"rcvd\":3}",
	  0, "7", "198.18.0.1", REC_PING, 3, 3, 1, 19.0, NULL, NULL },
	{ "{\"type\":\"traceroute\",\"prb_id\":8,\"dst_addr\":\"198.18.9.9\",\"timestamp\":10,"
	  "\"result\":[{\"hop\":1,\"result\":[{\"from\":\"198.18.0.1\",\"rtt\":0.5}]},"
	  "{\"hop\":2,\"result\":[{\"x\":\"*\"},{\"x\":\"*\"}]},"
	  "{\"hop\":3,\"result\":[{\"from\":\"198.18.9.9\",\"rtt\":7.5},{\"from\":\"198.18.9.9\",\"rtt\":7.25}]}]}",
	  0, "8", "198.18.9.9", REC_TRACE, 1, 1, 2, 7.25, "198.18.0.1|*|198.18.9.9", NULL },
	{ "{\"type\":\"traceroute\",\"prb_id\":8,\"dst_addr\":\"198.18.9.9\",\"timestamp\":10,"
	  "\"result\":[{\"hop\":1,\"result\":[{\"from\":\"198.18.0.1\",\"rtt\":0.5}]},"
	  "{\"hop\":255,\"result\":[{\"x\":\"*\"}]}]}",
	  0, "8", "198.18.9.9", REC_TRACE, 1, 0, 0, -1, "198.18.0.1|*", NULL },
	{ "{\"type\":\"dns\",\"prb_id\":1}", 1, NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL },
	{ "{\"type\":\"ping\",\"dst_addr\":\"x\",\"timestamp\":1}", -1, NULL, NULL, 0, 0, 0, 0, 0,
	  NULL, "needs prb_id or from" },
	{ "{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"x\",\"timestamp\":\"soon\"}", -1, NULL,
	  NULL, 0, 0, 0, 0, 0, NULL, "integer timestamp" },
	{ "{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"x\",\"timestamp\":1,\"sent\":1,\"rcvd\":5}",
	  -1, NULL, NULL, 0, 0, 0, 0, 0, NULL, "rcvd 5 > sent 1" },
	{ "{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"x\",\"timestamp\":1,"
	  "\"result\":[{\"rtt\":-4},{\"rtt\":\"fast\"},{\"rtt\":1e300}]}",
	  0, "1", "x", REC_PING, 3, 0, 0, -1, NULL, NULL },
	{ "{\"type\":\"ping\"", -1, NULL, NULL, 0, 0, 0, 0, 0, NULL, "bad JSON" },
	{ "[1,2]", -1, NULL, NULL, 0, 0, 0, 0, 0, NULL, "not a JSON object" },
};

static void test_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct acase *c = &cases[i];
		struct rec r;
		char err[256] = "";
		int rc = atlas_parse_line(c->json, strlen(c->json), &r, err, sizeof err);
		if (rc != c->rc)
			fail_msg("case %zu: rc %d (%s), want %d", i, rc, err, c->rc);
		if (rc < 0 && !strstr(err, c->err))
			fail_msg("case %zu: error '%s', want '%s'", i, err, c->err);
		if (rc != 0)
			continue;
		assert_string_equal(r.probe, c->probe);
		assert_string_equal(r.dst, c->dst);
		assert_int_equal(r.kind, c->kind);
		assert_int_equal(r.sent, c->sent);
		assert_int_equal(r.rcvd, c->rcvd);
		assert_int_equal(r.nrtt, c->nrtt);
		assert_true(fabs(r.min - c->min) < 1e-9);
		if (c->path)
			assert_string_equal(r.path, c->path);
		else
			assert_null(r.path);
		free(r.path);
	}
}

static const char two_probes[] =
	"{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"a\",\"timestamp\":1,\"result\":[{\"rtt\":1}]}\n"
	"\n"
	"{\"type\":\"ping\",\"prb_id\":2,\"dst_addr\":\"a\",\"timestamp\":2,\"result\":[{\"rtt\":2}]}\n"
	"{\"type\":\"http\",\"prb_id\":1}\n"
	"{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"b\",\"timestamp\":3,\"result\":[{\"rtt\":3}]}";

static void test_text_lines_and_probe(void **state)
{
	(void)state;
	struct rec_set s = { 0 };
	char err[256];
	assert_int_equal(atlas_parse_text(two_probes, strlen(two_probes), "f", NULL, &s, err,
					  sizeof err), 3);
	assert_int_equal(atlas_parse_text(two_probes, strlen(two_probes), "f", "1", &s, err,
					  sizeof err), 2);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.v[4].dst, "b");
	rec_set_free(&s);
	const char bad[] = "{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"a\",\"timestamp\":1}\n"
			   "\n{oops}\n";
	assert_int_equal(atlas_parse_text(bad, strlen(bad), "f.json", NULL, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "f.json:3: bad JSON"));
	rec_set_free(&s);
}

static void test_text_array(void **state)
{
	(void)state;
	const char arr[] = " [{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"a\",\"timestamp\":1},"
			   "{\"type\":\"ping\",\"prb_id\":2,\"dst_addr\":\"a\",\"timestamp\":1}]";
	struct rec_set s = { 0 };
	char err[256];
	assert_int_equal(atlas_parse_text(arr, strlen(arr), "f", "2", &s, err, sizeof err), 1);
	assert_string_equal(s.v[0].probe, "2");
	rec_set_free(&s);
	const char bad[] = "[{\"type\":\"ping\"}]";
	assert_int_equal(atlas_parse_text(bad, strlen(bad), "g", NULL, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "g: element 0: needs prb_id"));
	rec_set_free(&s);
}

static void test_keep_between(void **state)
{
	(void)state;
	struct rec_set s = { 0 };
	char err[256];
	const char text[] =
		"{\"type\":\"traceroute\",\"prb_id\":1,\"dst_addr\":\"a\",\"timestamp\":10,\"result\":[]}\n"
		"{\"type\":\"ping\",\"prb_id\":1,\"dst_addr\":\"a\",\"timestamp\":20}\n"
		"{\"type\":\"traceroute\",\"prb_id\":1,\"dst_addr\":\"a\",\"timestamp\":30,\"result\":[]}\n";
	assert_int_equal(atlas_parse_text(text, strlen(text), "f", NULL, &s, err, sizeof err), 3);
	assert_int_equal(rec_set_keep_between(&s, 15, 30), 2);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].timestamp, 20);
	rec_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_text_lines_and_probe),
		cmocka_unit_test(test_text_array),
		cmocka_unit_test(test_keep_between),
	};
	return cmocka_run_group_tests_name("analysis_atlas", tests, NULL, NULL);
}
