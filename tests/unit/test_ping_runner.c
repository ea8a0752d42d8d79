/*
 * Tests of the agent's runner (msm_runner) on loopback: RIPE Atlas ping and
 * traceroute definitions come back as RIPE Atlas result objects with the
 * definition's msm_id; a table of bad definitions is refused with a reason
 * naming the field, and starts nothing; the site AUP refuses probes at the
 * send path (a method it does not allow, a forbidden destination) and the
 * results show no probe left. Needs CAP_NET_RAW (skipped without).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "msm/msm_runner.h"
#include "policy/aup.h"

struct got {
	json_t *res[4];
	uint64_t ids[4];
	int n;
	struct event_base *base;
	size_t want;
};

/* Keep each result; stop the loop when all have come. */
static void on_result(char *text, size_t len, uint64_t msm_id, void *arg)
{
	/* the text is one JSON object of len bytes, no key twice */
	assert_int_equal(strlen(text), len);
	json_t *result = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	assert_true(json_is_object(result));
	free(text);
	struct got *g = arg;
	if (g->n < 4) {
		g->ids[g->n] = msm_id;
		g->res[g->n++] = result;
	} else {
		json_decref(result);
	}
	if ((size_t)g->n == g->want)
		event_base_loopbreak(g->base);
}

/* A runner on a fresh base (with an AUP or not), or skip without raw sockets. */
static struct msm_runner *runner_aup_or_skip(struct event_base *base, const struct aup *aup)
{
	struct msm_runner_opts o = { .pps = 100, .prb_id = 7, .aup = aup };
	char err[256];
	struct msm_runner *r = msm_runner_new(base, &o, err, sizeof err);
	if (r == NULL && strstr(err, "CAP_NET_RAW"))
		skip();
	assert_non_null(r);
	return r;
}

/* A runner without a site policy. */
static struct msm_runner *runner_or_skip(struct event_base *base)
{
	return runner_aup_or_skip(base, NULL);
}

/* A ping and a traceroute to loopback come back as Atlas objects. */
static void test_ping_and_trace(void **state)
{
	(void)state;
	struct event_base *base = event_base_new();
	struct msm_runner *r = runner_or_skip(base);
	struct got g = { .base = base, .want = 2 };
	char err[256];
	json_t *ping = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I}", "type", "ping",
				 "target", "127.0.0.1", "af", 4, "packets", 3,
				 "packet_interval", 20, "msm_id", (json_int_t)1001);
	json_t *trace = json_pack("{s:s, s:s, s:i, s:s, s:i, s:I}", "type", "traceroute",
				  "target", "::1", "af", 6, "protocol", "ICMP",
				  "timeout", 500, "msm_id", (json_int_t)1002);
	assert_int_equal(msm_runner_submit(r, ping, on_result, &g, err, sizeof err), 0);
	assert_int_equal(msm_runner_submit(r, trace, on_result, &g, err, sizeof err), 0);
	assert_int_equal(msm_runner_pending(r), 2);
	event_base_dispatch(base);
	assert_int_equal(g.n, 2);
	assert_int_equal(msm_runner_pending(r), 0);
	for (int i = 0; i < 2; i++) {
		json_t *o = g.res[i];
		const char *type = json_string_value(json_object_get(o, "type"));
		assert_int_equal(json_integer_value(json_object_get(o, "prb_id")), 7);
		if (strcmp(type, "ping") == 0) {
			assert_int_equal(g.ids[i], 1001);
			assert_int_equal(json_integer_value(json_object_get(o, "rcvd")), 3);
			assert_string_equal(json_string_value(json_object_get(o, "dst_addr")),
					    "127.0.0.1");
		} else {
			assert_string_equal(type, "traceroute");
			assert_int_equal(g.ids[i], 1002);
			assert_int_equal(json_array_size(json_object_get(o, "result")), 1);
		}
		json_decref(o);
	}
	json_decref(ping);
	json_decref(trace);
	msm_runner_free(r);
	event_base_free(base);
}

struct bad_case {
	const char *json;
	const char *why; /* substring of the error */
};

static const struct bad_case bad[] = {
	{ "[1,2]", "not a JSON object" },
	{ "{\"type\":\"dns\",\"target\":\"127.0.0.1\"}", "type: 'dns'" },
	{ "{\"target\":\"127.0.0.1\"}", "type: '(none)'" },
	{ "{\"type\":\"ping\",\"target\":\"example.net\"}", "target: 'example.net'" },
	{ "{\"type\":\"ping\"}", "target: '(none)'" },
	{ "{\"type\":\"ping\",\"target\":\"::1\",\"af\":4}", "af: 4 does not match" },
	{ "{\"type\":\"ping\",\"target\":\"127.0.0.1\",\"af\":5}", "af: must be 4 or 6" },
	{ "{\"type\":\"ping\",\"target\":\"127.0.0.1\",\"packets\":99}", "packets: too large" },
	{ "{\"type\":\"ping\",\"target\":\"127.0.0.1\",\"size\":\"big\"}", "size: not a number" },
	{ "{\"type\":\"traceroute\",\"target\":\"127.0.0.1\",\"protocol\":\"SCTP\"}",
	  "protocol: 'SCTP'" },
	{ "{\"type\":\"traceroute\",\"target\":\"127.0.0.1\",\"first_hop\":9,\"max_hops\":3}",
	  "first_hop: 9 is above max_hops 3" },
	{ "{\"type\":\"traceroute\",\"target\":\"127.0.0.1\",\"paris\":[]}", "paris: not an integer" },
};

/* Every bad definition is refused with its reason; nothing starts. */
static void test_bad_definitions(void **state)
{
	(void)state;
	struct event_base *base = event_base_new();
	struct msm_runner *r = runner_or_skip(base);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[256] = "";
		json_t *def = json_loads(bad[i].json, 0, NULL);
		assert_non_null(def);
		assert_int_equal(msm_runner_submit(r, def, on_result, NULL, err, sizeof err), -1);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("%s: error '%s', want '%s'", bad[i].json, err, bad[i].why);
		json_decref(def);
	}
	assert_int_equal(msm_runner_pending(r), 0);
	msm_runner_free(r);
	event_base_free(base);
}

/* The AUP allows icmp-echo only and forbids 127.0.0.2: what it refuses never leaves. */
static void test_policy_refuses(void **state)
{
	(void)state;
	struct aup aup;
	char err[256];
	assert_int_equal(aup_init(&aup, 1024, err, sizeof err), 0);
	assert_int_equal(aup_set_methods(&aup, "icmp-echo", err, sizeof err), 0);
	assert_int_equal(aup_forbid_prefix(&aup, "127.0.0.2/32", err, sizeof err), 0);
	struct event_base *base = event_base_new();
	struct msm_runner *r = runner_aup_or_skip(base, &aup);
	struct got g = { .base = base, .want = 3 };
	const char *defs[] = {
		"{\"type\":\"ping\",\"target\":\"127.0.0.1\",\"packets\":2,\"packet_interval\":10,\"msm_id\":1}",
		"{\"type\":\"ping\",\"target\":\"127.0.0.2\",\"packets\":2,\"packet_interval\":10,\"msm_id\":2}",
		"{\"type\":\"traceroute\",\"target\":\"127.0.0.1\",\"protocol\":\"UDP\",\"msm_id\":3}",
	};
	for (int i = 0; i < 3; i++) {
		json_t *d = json_loads(defs[i], 0, NULL);
		assert_int_equal(msm_runner_submit(r, d, on_result, &g, err, sizeof err), 0);
		json_decref(d);
	}
	event_base_dispatch(base);
	assert_int_equal(g.n, 3);
	for (int i = 0; i < 3; i++) {
		json_t *o = g.res[i];
		if (g.ids[i] == 1) {
			assert_int_equal(json_integer_value(json_object_get(o, "rcvd")), 2);
		} else if (g.ids[i] == 2) {
			assert_int_equal(json_integer_value(json_object_get(o, "sent")), 0);
			assert_int_equal(json_integer_value(json_object_get(o, "rcvd")), 0);
		} else {
			assert_string_equal(json_string_value(json_object_get(o, "stop_reason")),
					    "refused");
		}
		json_decref(o);
	}
	msm_runner_free(r);
	event_base_free(base);
	aup_free(&aup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_and_trace),
		cmocka_unit_test(test_bad_definitions),
		cmocka_unit_test(test_policy_refuses),
	};
	return cmocka_run_group_tests_name("ping_runner", tests, NULL, NULL);
}
