/*
 * test_agent_result: the agent spools the Atlas encoder's text of a result
 * (atlas_*_line) with its own members added last (agent_members_add: a
 * team's tags, "timing_flags"), where it spooled jansson's print of the
 * parsed text with the members set (atlas_*_json, json_object_set_new,
 * json_dumps JSON_COMPACT). For pings and traces of every kind (ICMP, UDP,
 * TCP; IPv4 and IPv6; stars, duplicates, late replies, errors, MPLS; no
 * reply at all; a dst_name with bytes to escape) the new text is one object
 * of printable ASCII with no key twice, and it holds the same values in the
 * same order as the old: jansson's print of the new text is the old text,
 * byte for byte. The old bytes differ only where jansson printed them
 * again: its reals with 17 digits (0.039123 as 0.039122999999999998) and a
 * non-ASCII byte of a string (escaped by the encoder) as UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "agent/agent_int.h"
#include "format/atlas_json.h"
#include "host/timing_flags.h"
#include "test_format_fixtures.h"

/* The members an agent adds to a result: none, a team's tags, timing flags. */
struct extra {
	const char *tags;         /* as chunk_result prints them, or NULL */
	long long team, cycle, chunk;
	int repeat;
	unsigned tflags;
};

static const struct extra extras[] = {
	{ NULL, 0, 0, 0, 0, 0 },
	{ "t", 3, 1, 17, 0, 0 },
	{ "t", 12345678901ll, 2, 0, 1, 0 },
	{ NULL, 0, 0, 0, 0, TIMING_F_ALL },
	{ "t", 4, 5, 6, 1, 1 },
};

/* The old bytes: the text parsed, the members set, printed by jansson. */
static char *old_bytes(const struct wbuf *line, const struct extra *x)
{
	json_t *o = atlas_parse(line);
	assert_non_null(o);
	if (x->tags) {
		json_object_set_new(o, "team", json_integer(x->team));
		json_object_set_new(o, "cycle", json_integer(x->cycle));
		json_object_set_new(o, "chunk", json_integer(x->chunk));
		if (x->repeat)
			json_object_set_new(o, "repeat", json_true());
	}
	if (x->tflags)
		json_object_set_new(o, "timing_flags", timing_flags_json(x->tflags));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	assert_non_null(s);
	return s;
}

/* The new bytes: the text as it is, the members spliced in last. */
static char *new_bytes(const struct wbuf *line, const struct extra *x, size_t *len)
{
	char *t = malloc(line->len + 1);
	assert_non_null(t);
	memcpy(t, line->p, line->len);
	t[line->len] = 0;
	*len = line->len;
	char more[256];
	if (x->tags) {
		int n = snprintf(more, sizeof more, "\"team\":%lld,\"cycle\":%lld,\"chunk\":%lld%s",
				 x->team, x->cycle, x->chunk, x->repeat ? ",\"repeat\":true" : "");
		t = agent_members_add(t, len, more, (size_t)n);
	}
	if (x->tflags) {
		json_t *v = timing_flags_json(x->tflags);
		char *f = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		int n = snprintf(more, sizeof more, "\"timing_flags\":%s", f);
		free(f);
		json_decref(v);
		t = agent_members_add(t, len, more, (size_t)n);
	}
	assert_non_null(t);
	assert_int_equal(strlen(t), *len);
	return t;
}

static int n_identical, n_checked;

/* Check the new bytes of line against the old for every extra. */
static void check_line(const struct wbuf *line)
{
	for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
		size_t len;
		char *old = old_bytes(line, &extras[i]);
		char *neu = new_bytes(line, &extras[i], &len);
		for (size_t k = 0; k < len; k++)
			assert_true(neu[k] >= 0x20 && neu[k] < 0x7f);
		json_error_t jerr;
		json_t *back = json_loadb(neu, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(back))
			fail_msg("%s: %s", jerr.text, neu);
		json_t *was = json_loads(old, 0, NULL);
		assert_true(json_equal(back, was));
		char *again = json_dumps(back, JSON_COMPACT);
		assert_string_equal(again, old);
		n_identical += strcmp(neu, old) == 0;
		n_checked++;
		free(again);
		json_decref(back);
		json_decref(was);
		free(old);
		free(neu);
	}
}

/* Encode a ping (freed) and check it. */
static void check_ping(struct ping_result *r)
{
	struct atlas_meta m = { .msm_id = 1001, .prb_id = 7, .lts = -1 };
	struct wbuf b;
	wbuf_init(&b);
	assert_int_equal(atlas_ping_line(&b, r, &m), 0);
	check_line(&b);
	wbuf_free(&b);
	ping_result_free(r);
}

/* Encode a trace (freed) and check it. */
static void check_trace(struct trace_result *r)
{
	struct atlas_meta m = { .msm_id = 5002, .prb_id = 9, .step = 900, .lts = 12 };
	struct wbuf b;
	wbuf_init(&b);
	assert_int_equal(atlas_trace_line(&b, r, &m), 0);
	check_line(&b);
	wbuf_free(&b);
	trace_result_free(r);
}

/* A name with bytes the encoder escapes (a quote, a backslash, UTF-8). */
static void odd_name(char **name)
{
	free(*name);
	*name = strdup("h\"o\\st-\xc3\xa9.example");
}

static void test_pings(void **state)
{
	(void)state;
	check_ping(fx_ping4());   /* ICMP: a duplicate, a star, a late reply */
	check_ping(fx_ping6());   /* TCP */
	struct ping_result *r = fx_ping4();
	r->method = PING_METHOD_UDP;
	odd_name(&r->dst_name);
	check_ping(r);
	r = fx_ping6();           /* nothing came back: -1 for min, avg and max */
	r->method = PING_METHOD_ICMP_ECHO;
	r->rcvd = 0;
	r->n_replies = 0;
	check_ping(r);
	r = fx_ping4();           /* a reply from elsewhere names it */
	r->replies[0].from = fx_addr(AF_INET, "198.18.9.9");
	check_ping(r);
}

/* fx_trace4 by method, its last hop answered as that method is. */
static struct trace_result *trace4_as(uint8_t method)
{
	struct trace_result *r = fx_trace4();
	r->method = method;
	for (uint16_t i = 6; i < 9; i++) {
		struct trace_probe *p = &r->probes[i];
		if (method == TRACE_METHOD_TCP_SYN || method == TRACE_METHOD_TCP_ACK) {
			p->flags |= MSM_REPLY_TCP;
			p->icmp_type = i == 6 ? 0x12 : 0x14;   /* SYN|ACK, RST|ACK */
		} else if (method == TRACE_METHOD_ICMP) {
			p->icmp_type = 0;
			p->icmp_code = 0;
		}
	}
	return r;
}

static void test_traces(void **state)
{
	(void)state;
	check_trace(fx_trace4()); /* UDP-Paris, MPLS, stars */
	check_trace(fx_trace6()); /* ICMP, stars, an unreachable router */
	static const uint8_t methods[] = { TRACE_METHOD_ICMP, TRACE_METHOD_UDP,
					   TRACE_METHOD_TCP_SYN, TRACE_METHOD_TCP_ACK };
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		check_trace(trace4_as(methods[i]));
		struct trace_result *r = fx_trace6();
		r->method = methods[i];
		check_trace(r);
	}
	/* errors from a router short of the target: letters and a bare code,
	   a quoted TTL, a duplicate, a late reply, an odd name */
	static const uint8_t codes[] = { 0, 1, 2, 3, 4, 5, 13 };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		struct trace_result *r = fx_trace4();
		r->probes[4].icmp_type = 3;
		r->probes[4].icmp_code = codes[i];
		r->probes[4].quoted_ttl = 2;
		r->probes[0].flags |= MSM_REPLY_DUP;
		r->probes[1].flags |= MSM_REPLY_LATE;
		r->stop_reason = TRACE_STOP_UNREACH;
		odd_name(&r->dst_name);
		check_trace(r);
	}
	printf("agent_result: %d of %d records byte-identical to the old ones (the others"
	       " differ in jansson's 17-digit reals or a string's UTF-8 only)\n",
	       n_identical, n_checked);
}

/* The splice itself: an empty object, and a result at the limit of *len. */
static void test_members_add(void **state)
{
	(void)state;
	size_t len = 2;
	char *t = agent_members_add(strdup("{}"), &len, "\"a\":1", 5);
	assert_string_equal(t, "{\"a\":1}");
	assert_int_equal(len, 7);
	t = agent_members_add(t, &len, "\"b\":[2]", 7);
	assert_string_equal(t, "{\"a\":1,\"b\":[2]}");
	assert_int_equal(len, strlen(t));
	assert_ptr_equal(agent_members_add(t, &len, "", 0), t);
	free(t);
	assert_null(agent_members_add(NULL, &len, "\"a\":1", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pings),
		cmocka_unit_test(test_traces),
		cmocka_unit_test(test_members_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
