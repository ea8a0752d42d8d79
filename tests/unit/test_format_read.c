/*
 * Tests of the RIPE Atlas JSON reader: our own objects read back and encoded
 * again give the same JSON (for every fixture); objects shaped like a RIPE
 * Atlas probe's give the replies, labels and inferred ICMP kinds they say;
 * and a table of malformed objects is refused with a reason naming the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "format/atlas_json.h"
#include "format/atlas_read.h"
#include "test_format_fixtures.h"

/* Our JSON -> struct -> our JSON must be the same object. */
static void check_roundtrip(json_t *first)
{
	char err[256];
	struct atlas_any any;
	assert_non_null(first);
	assert_int_equal(atlas_read(first, &any, err, sizeof err), 0);
	json_t *again = any.kind == ATLAS_PING ? atlas_ping_json(any.ping, NULL)
					       : atlas_trace_json(any.trace, NULL);
	if (!json_equal(first, again)) {
		char *a = json_dumps(first, JSON_COMPACT), *b = json_dumps(again, JSON_COMPACT);
		fail_msg("not the same after reading back:\n%s\n%s", a, b);
	}
	json_decref(again);
	json_decref(first);
	ping_result_free(any.ping);
	trace_result_free(any.trace);
}

static void test_roundtrip_fixtures(void **state)
{
	(void)state;
	struct ping_result *p4 = fx_ping4(), *p6 = fx_ping6();
	struct trace_result *t4 = fx_trace4(), *t6 = fx_trace6();
	check_roundtrip(atlas_ping_json(p4, NULL));
	check_roundtrip(atlas_ping_json(p6, NULL));
	check_roundtrip(atlas_trace_json(t4, NULL));
	check_roundtrip(atlas_trace_json(t6, NULL));
	ping_result_free(p4);
	ping_result_free(p6);
	trace_result_free(t4);
	trace_result_free(t6);
}

/* A traceroute shaped like a RIPE Atlas probe's (fw 5080, no vantage fields). */
static const char ripe_trace6[] =
	"{\"fw\":5080,\"mver\":\"2.6.2\",\"lts\":30,\"endtime\":1700000009,"
	"\"dst_name\":\"2001:db8::2\",\"dst_addr\":\"2001:db8::2\",\"src_addr\":\"2001:db8:ff::1\","
	"\"proto\":\"UDP\",\"af\":6,\"size\":48,\"paris_id\":9,\"result\":["
	"{\"hop\":1,\"result\":[{\"from\":\"2001:db8:1::1\",\"rtt\":1.5,\"size\":96,\"ttl\":64},"
	"{\"x\":\"*\"},{\"from\":\"2001:db8:1::1\",\"rtt\":1.25,\"size\":96,\"ttl\":64,"
	"\"icmpext\":{\"version\":2,\"rfc4884\":0,\"obj\":[{\"class\":1,\"type\":1,"
	"\"mpls\":[{\"exp\":2,\"label\":300,\"s\":0,\"ttl\":1},{\"exp\":0,\"label\":16,\"s\":1,\"ttl\":1}]}]}}]},"
	"{\"hop\":2,\"result\":[{\"from\":\"2001:db8:2::1\",\"err\":\"N\",\"rtt\":3.0,\"size\":96,\"ttl\":63}]},"
	"{\"hop\":255,\"result\":[{\"x\":\"*\"}]}],"
	"\"msm_id\":1,\"prb_id\":2,\"timestamp\":1700000000,\"msm_name\":\"Traceroute\","
	"\"from\":\"2001:db8:ff::1\",\"type\":\"traceroute\",\"group_id\":1}";

static void test_ripe_shaped_trace(void **state)
{
	(void)state;
	char err[256];
	json_t *o = json_loads(ripe_trace6, 0, NULL);
	assert_non_null(o);
	struct trace_result *r = atlas_read_trace(o, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(r->af, AF_INET6);
	assert_int_equal(r->method, TRACE_METHOD_UDP_PARIS);
	assert_int_equal(r->paris_id, 9);
	assert_int_equal(r->n_probes, 5);
	assert_int_equal(r->first_ttl, 1);
	assert_int_equal(r->probe_ttl_max, 255);
	assert_int_equal(r->hop_count, 2);
	assert_int_equal(r->attempts, 3);
	/* router replies are time exceeded (ICMPv6 type 3) */
	assert_int_equal(r->probes[0].icmp_type, 3);
	assert_false(r->probes[1].flags & MSM_REPLY_GOT);
	assert_int_equal(r->probes[2].attempt, 2);
	assert_int_equal(r->probes[2].rtt_ns, 1250000);
	assert_int_equal(r->probes[2].mpls_n, 2);
	assert_int_equal(msm_mpls_label(r->mpls[r->probes[2].mpls_off]), 300);
	assert_int_equal(msm_mpls_exp(r->mpls[r->probes[2].mpls_off]), 2);
	assert_int_equal(msm_mpls_s(r->mpls[r->probes[2].mpls_off + 1]), 1);
	/* "N": no route, ICMPv6 unreachable code 0; so the trace stopped unreachable */
	assert_int_equal(r->probes[3].icmp_type, 1);
	assert_int_equal(r->probes[3].icmp_code, 0);
	assert_int_equal(r->stop_reason, TRACE_STOP_UNREACH);
	assert_int_equal(r->ts_source, MSM_TS_FALLBACK);
	trace_result_free(r);
	json_decref(o);
}

static const char ripe_ping4[] =
	"{\"af\":4,\"avg\":2.5,\"dst_addr\":\"198.18.1.2\",\"dup\":1,\"from\":\"198.18.0.2\","
	"\"fw\":4790,\"lts\":5,\"max\":3.0,\"min\":2.0,\"msm_id\":1,\"prb_id\":2,\"proto\":\"UDP\","
	"\"rcvd\":2,\"result\":[{\"rtt\":2.0},{\"rtt\":2.2,\"dup\":1},{\"x\":\"*\"},"
	"{\"rtt\":3.0,\"ttl\":60,\"src_addr\":\"198.18.9.9\",\"late\":2}],\"sent\":3,"
	"\"size\":20,\"src_addr\":\"198.18.0.2\",\"step\":240,\"timestamp\":1700000000,"
	"\"ttl\":61,\"type\":\"ping\"}";

static void test_ripe_shaped_ping(void **state)
{
	(void)state;
	char err[256];
	json_t *o = json_loads(ripe_ping4, 0, NULL);
	struct ping_result *r = atlas_read_ping(o, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(r->method, PING_METHOD_UDP);
	assert_int_equal(r->sent, 3);
	assert_int_equal(r->n_replies, 3);
	const uint16_t seq[] = { 0, 0, 2 };
	const uint8_t ttl[] = { 61, 61, 60 };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r->replies[i].seq, seq[i]);
		assert_int_equal(r->replies[i].reply_ttl, ttl[i]);
		/* UDP pings are answered by port unreachable */
		assert_int_equal(r->replies[i].icmp_type, 3);
		assert_int_equal(r->replies[i].icmp_code, 3);
	}
	assert_true(r->replies[1].flags & MSM_REPLY_DUP);
	assert_true(r->replies[2].flags & MSM_REPLY_LATE);
	assert_int_equal(r->replies[2].from.b[2], 9);
	assert_int_equal(r->min_ns, 2000000);
	assert_string_equal(r->dst_name, "198.18.1.2");
	ping_result_free(r);
	json_decref(o);
}

struct badcase {
	const char *json;
	const char *why; /* substring of the reason */
};

static const struct badcase bad[] = {
	{ "[1,2]", "no \"type\"" },
	{ "{\"type\":\"dns\"}", "not ping or traceroute" },
	{ "{\"type\":\"ping\",\"result\":[]}", "no \"af\"" },
	{ "{\"type\":\"ping\",\"af\":4,\"dst_addr\":\"nope\",\"result\":[]}", "\"dst_addr\" is not an IPv4" },
	{ "{\"type\":\"ping\",\"af\":6,\"dst_addr\":\"198.18.0.1\",\"result\":[]}", "\"dst_addr\" is not an IPv6" },
	{ "{\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":{}}", "\"result\" is not a list" },
	{ "{\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[3]}", "result[0] is not an object" },
	{ "{\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"rtt\":\"1\"}]}", "\"rtt\" is not a number" },
	{ "{\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"rtt\":1,\"dup\":1}]}", "duplicate before any probe" },
	{ "{\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"sent\":-1,\"result\":[]}", "\"sent\" is not an integer" },
	{ "{\"type\":\"ping\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"rtt\":1e300}]}", "\"rtt\" is out of range" },
	{ "{\"type\":\"traceroute\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"result\":[]}]}", "without \"hop\"" },
	{ "{\"type\":\"traceroute\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"hop\":256}]}", "\"hop\" is not an integer in 1..255" },
	{ "{\"type\":\"traceroute\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"hop\":1,\"result\":[{\"from\":\"198.18.0.9\",\"ttl\":300}]}]}", "\"ttl\" is not an integer" },
	{ "{\"type\":\"traceroute\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"hop\":1,\"result\":[{\"from\":\"::1\"}]}]}", "\"from\" is not an IPv4" },
	{ "{\"type\":\"traceroute\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"hop\":1,\"result\":[{\"from\":\"198.18.0.9\",\"icmpext\":{\"obj\":[{\"mpls\":[{\"label\":2000000}]}]}}]}]}", "\"label\" is not an integer" },
	{ "{\"type\":\"traceroute\",\"af\":4,\"dst_addr\":\"198.18.0.1\",\"result\":[{\"hop\":1,\"result\":7}]}", "not a list of hops" },
};

static void test_malformed_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[256] = "";
		struct atlas_any any;
		json_t *o = json_loads(bad[i].json, 0, NULL);
		assert_non_null(o);
		assert_int_equal(atlas_read(o, &any, err, sizeof err), -1);
		assert_int_equal(any.kind, ATLAS_NONE);
		assert_null(any.ping);
		assert_null(any.trace);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].why);
		json_decref(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_fixtures),
		cmocka_unit_test(test_ripe_shaped_trace),
		cmocka_unit_test(test_ripe_shaped_ping),
		cmocka_unit_test(test_malformed_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
