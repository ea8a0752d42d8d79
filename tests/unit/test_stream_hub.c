/*
 * Tests of the live stream without a transport (src/stream): client
 * messages parsed into subscriptions (a table of texts and what must come
 * out), subscription matching, the fan-out with its access rules, and the
 * per-client bound on unsent bytes, over a fake sink whose "unsent" bytes
 * the test controls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream.h"

struct msgcase {
	const char *text;
	int ok;
	enum stream_op op;
	enum stream_kind kind;
	int64_t msm, prb;
	const char *type;
	int backlog;
	const char *why;       /* substring of the error when !ok */
};

static const struct msgcase cases[] = {
	{ "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":1001}]", 1, STREAM_OP_SUBSCRIBE,
	  STREAM_RESULT, 1001, 0, "", 0, NULL },
	{ "[\"atlas_subscribe\",{\"stream_type\":\"result\",\"msm\":\"7\",\"prb\":3,\"type\":\"ping\","
	  "\"sendBacklog\":true,\"buffering\":true}]", 1, STREAM_OP_SUBSCRIBE, STREAM_RESULT, 7, 3,
	  "ping", 1, NULL },
	{ "[\"atlas_unsubscribe\",{\"streamType\":\"probestatus\",\"prb\":9}]", 1,
	  STREAM_OP_UNSUBSCRIBE, STREAM_PROBESTATUS, 0, 9, "", 0, NULL },
	{ "[\"atlas_subscribe\",{\"streamType\":\"metadata\"}]", 1, STREAM_OP_SUBSCRIBE,
	  STREAM_METADATA, 0, 0, "", 0, NULL },
	{ "[\"atlas_subscribe\",{\"streamType\":\"result\"}]", 0, 0, 0, 0, 0, NULL, 0, "needs msm" },
	{ "[\"atlas_subscribe\",{\"msm\":1}]", 0, 0, 0, 0, 0, NULL, 0, "streamType is missing" },
	{ "[\"atlas_subscribe\",{\"streamType\":\"results\",\"msm\":1}]", 0, 0, 0, 0, 0, NULL, 0,
	  "not result, probestatus or metadata" },
	{ "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":0}]", 0, 0, 0, 0, 0, NULL, 0,
	  "msm" },
	{ "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":1,\"sourceAddress\":\"x\"}]", 0,
	  0, 0, 0, 0, NULL, 0, "sourceAddress: parameter not supported" },
	{ "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":[1]}]", 0, 0, 0, 0, 0, NULL, 0,
	  "not a number" },
	{ "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":1,\"type\":\"PING!\"}]", 0, 0,
	  0, 0, 0, NULL, 0, "not a measurement type" },
	{ "[\"atlas_fly\",{}]", 0, 0, 0, 0, 0, NULL, 0, "unknown message type" },
	{ "[\"atlas_subscribe\"]", 0, 0, 0, 0, 0, NULL, 0, "[type, payload]" },
	{ "{\"a\":1}", 0, 0, 0, 0, 0, NULL, 0, "[type, payload]" },
	{ "[\"atlas_subscribe\",7]", 0, 0, 0, 0, 0, NULL, 0, "not an object" },
	{ "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":1,\"msm\":2}]", 0, 0, 0, 0, 0,
	  NULL, 0, "not JSON" },
	{ "not json", 0, 0, 0, 0, 0, NULL, 0, "not JSON" },
};

static void test_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct msgcase *c = &cases[i];
		enum stream_op op = 0;
		struct stream_sub sub;
		char err[256] = "";
		int rc = stream_msg_parse(c->text, strlen(c->text), &op, &sub, err, sizeof err);
		if (!c->ok) {
			if (rc != -1 || !strstr(err, c->why))
				fail_msg("case %zu (%s): rc %d err '%s'", i, c->text, rc, err);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu (%s): %s", i, c->text, err);
		assert_int_equal(op, c->op);
		assert_int_equal(sub.kind, c->kind);
		assert_int_equal(sub.msm, c->msm);
		assert_int_equal(sub.prb, c->prb);
		assert_string_equal(sub.type, c->type);
		assert_int_equal(sub.send_backlog, c->backlog);
	}
}

static void test_matching(void **state)
{
	(void)state;
	struct stream_sub all = { .kind = STREAM_RESULT, .msm = 5 };
	struct stream_sub one = { .kind = STREAM_RESULT, .msm = 5, .prb = 2, .type = "ping" };
	struct stream_sub probes = { .kind = STREAM_PROBESTATUS };
	assert_true(stream_sub_match(&all, STREAM_RESULT, 5, 9, "traceroute"));
	assert_true(stream_sub_match(&all, STREAM_RESULT, 5, 9, NULL));
	assert_false(stream_sub_match(&all, STREAM_RESULT, 6, 9, "ping"));
	assert_false(stream_sub_match(&all, STREAM_METADATA, 5, 0, "ping"));
	assert_true(stream_sub_match(&one, STREAM_RESULT, 5, 2, "ping"));
	assert_false(stream_sub_match(&one, STREAM_RESULT, 5, 3, "ping"));
	assert_false(stream_sub_match(&one, STREAM_RESULT, 5, 2, "traceroute"));
	assert_false(stream_sub_match(&one, STREAM_RESULT, 5, 2, NULL));
	assert_true(stream_sub_match(&probes, STREAM_PROBESTATUS, 0, 77, NULL));
	assert_true(stream_sub_same(&one, &one));
	assert_false(stream_sub_same(&all, &one));
	char text[200];
	stream_sub_json(&one, text, sizeof text);
	assert_string_equal(text, "{\"streamType\":\"result\",\"msm\":5,\"prb\":2,\"type\":\"ping\","
			    "\"sendBacklog\":false}");
}

/* A fake transport: what was written, how many bytes count as unsent, cut or not. */
struct fake {
	char out[8192];
	size_t len;
	size_t unsent;
	int msgs, cut;
	char why[200];
};

static size_t fake_pending(void *arg)
{
	return ((struct fake *)arg)->unsent;
}

static int fake_write(void *arg, const char *msg, size_t len)
{
	struct fake *f = arg;
	if (f->len + len + 1 < sizeof f->out) {
		memcpy(f->out + f->len, msg, len);
		f->len += len;
		f->out[f->len++] = '\n';
		f->out[f->len] = 0;
	}
	f->unsent += len;
	f->msgs++;
	return 0;
}

static void fake_cut(void *arg, const char *reason)
{
	struct fake *f = arg;
	f->cut++;
	snprintf(f->why, sizeof f->why, "%s", reason);
}

/* Key 1 owns measurement 5; nobody else may read it. */
static int readable(void *arg, int64_t key, int64_t msm, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	return key == 1 && msm == 5;
}

static struct stream_client *client(struct stream_hub *h, int64_t key, struct fake *f)
{
	memset(f, 0, sizeof *f);
	struct stream_sink s = { f, fake_pending, fake_write, fake_cut };
	return stream_client_new(h, key, &s);
}

static int input(struct stream_client *c, const char *text)
{
	return stream_client_input(c, text, strlen(text));
}

static void publish(struct stream_hub *h, enum stream_kind kind, int64_t msm, int64_t prb,
		    int64_t owner, const char *payload)
{
	struct stream_event ev = { kind, msm, prb, owner, "ping", payload, strlen(payload) };
	stream_publish(h, &ev);
}

static void test_fanout_and_access(void **state)
{
	(void)state;
	struct stream_access a = { NULL, readable, NULL };
	struct stream_hub *h = stream_hub_new(4096, &a);
	struct fake fo, fx, fa;
	struct stream_client *owner = client(h, 1, &fo), *other = client(h, 2, &fx),
			     *anon = client(h, 0, &fa);
	const char *sub5 = "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":5}]";
	input(owner, sub5);
	input(owner, sub5);     /* the same subscription twice: one delivery all the same */
	input(other, sub5);
	input(anon, sub5);
	input(anon, "[\"atlas_subscribe\",{\"streamType\":\"probestatus\"}]");
	input(owner, "[\"atlas_subscribe\",{\"streamType\":\"metadata\"}]");
	input(other, "[\"atlas_subscribe\",{\"streamType\":\"metadata\"}]");
	assert_true(strstr(fo.out, "[\"atlas_subscribed\",{\"streamType\":\"result\",\"msm\":5,"));
	assert_true(strstr(fx.out, "measurement 5: not found"));
	assert_true(strstr(fa.out, "an API key is needed"));
	assert_true(stream_hub_wants(h, STREAM_RESULT, 5));
	assert_false(stream_hub_wants(h, STREAM_RESULT, 6));
	fo.len = fx.len = fa.len = 0;
	fo.out[0] = fx.out[0] = fa.out[0] = 0;
	publish(h, STREAM_RESULT, 5, 3, 0, "{\"r\":1}");
	publish(h, STREAM_RESULT, 6, 3, 0, "{\"r\":2}");
	publish(h, STREAM_PROBESTATUS, 0, 3, 0, "{\"event\":\"connect\"}");
	publish(h, STREAM_METADATA, 5, 0, 1, "{\"id\":5}");
	publish(h, STREAM_METADATA, 8, 0, 2, "{\"id\":8}");
	assert_string_equal(fo.out, "[\"atlas_result\",{\"r\":1}]\n[\"atlas_metadata\",{\"id\":5}]\n");
	assert_string_equal(fx.out, "[\"atlas_metadata\",{\"id\":8}]\n");
	assert_string_equal(fa.out, "[\"atlas_probestatus\",{\"event\":\"connect\"}]\n");
	/* unsubscribed: nothing more */
	input(owner, "[\"atlas_unsubscribe\",{\"streamType\":\"result\",\"msm\":5}]");
	assert_true(strstr(fo.out, "atlas_unsubscribed"));
	assert_false(stream_hub_wants(h, STREAM_RESULT, 5));
	int before = fo.msgs;
	publish(h, STREAM_RESULT, 5, 3, 0, "{\"r\":3}");
	assert_int_equal(fo.msgs, before);
	input(owner, "[\"atlas_unsubscribe\",{\"streamType\":\"result\",\"msm\":5}]");
	assert_true(strstr(fo.out, "no such subscription"));
	struct stream_stats st = stream_hub_stats(h);
	assert_int_equal(st.events, 6);
	assert_int_equal(st.delivered, 4);
	stream_client_free(owner);
	stream_client_free(other);
	stream_client_free(anon);
	stream_hub_free(h);
}

/* Backlog hook: measurement 5's one stored result, probe 3 at timestamp 100. */
static int backlog_of_5(void *arg, struct stream_client *c, const struct stream_sub *sub,
			char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	const char *r = "{\"prb_id\":3,\"timestamp\":100}";
	if (stream_client_send(c, "atlas_result", r, strlen(r)) == 0)
		assert_int_equal(stream_client_backlog_sent(c, sub->msm, 3, 100), 0);
	return 0;
}

/* A result committed while the backlog was read, whose live event comes
   after the subscription, reaches the client once: from the backlog. */
static void test_backlog_and_live_hand_over_exactly(void **state)
{
	(void)state;
	struct stream_access a = { NULL, readable, backlog_of_5 };
	struct stream_hub *h = stream_hub_new(4096, &a);
	struct fake fb, fl;
	struct stream_client *with = client(h, 1, &fb), *without = client(h, 1, &fl);
	input(with, "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":5,"
		    "\"sendBacklog\":true}]");
	input(without, "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":5}]");
	assert_int_equal(fb.msgs, 2);   /* subscribed, the backlog's result */
	publish(h, STREAM_RESULT, 5, 3, 0, "{\"prb_id\":3,\"timestamp\":100}");   /* live again */
	publish(h, STREAM_RESULT, 5, 4, 0, "{\"prb_id\":4,\"timestamp\":100}");   /* another probe */
	publish(h, STREAM_RESULT, 5, 3, 0, "{\"prb_id\":3,\"timestamp\":110}");   /* newer */
	assert_int_equal(fb.msgs, 4);
	assert_null(strstr(strstr(fb.out, "\"prb_id\":3,\"timestamp\":100") + 1,
			   "\"prb_id\":3,\"timestamp\":100"));
	assert_non_null(strstr(fb.out, "\"prb_id\":4,\"timestamp\":100"));
	assert_non_null(strstr(fb.out, "\"prb_id\":3,\"timestamp\":110"));
	assert_int_equal(fl.msgs, 4);   /* subscribed, and all three live */
	stream_client_free(with);
	stream_client_free(without);
	stream_hub_free(h);
}

static void test_bound_cuts_a_slow_reader(void **state)
{
	(void)state;
	struct stream_access a = { NULL, readable, NULL };
	struct stream_hub *h = stream_hub_new(100, &a);
	struct fake slow, fast;
	struct stream_client *s = client(h, 1, &slow), *f = client(h, 1, &fast);
	const char *sub5 = "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":5}]";
	input(s, sub5);
	input(f, sub5);
	slow.unsent = 0;
	fast.unsent = 0;
	/* a message longer than the bound goes to a client that has read everything */
	char big[300];
	memset(big, 'x', sizeof big);
	big[0] = '"';
	big[sizeof big - 2] = '"';
	big[sizeof big - 1] = 0;
	publish(h, STREAM_RESULT, 5, 1, 0, big);
	assert_int_equal(slow.cut, 0);
	/* the fast reader reads it all; the slow one does not */
	fast.unsent = 0;
	publish(h, STREAM_RESULT, 5, 1, 0, "{\"r\":1}");
	assert_int_equal(slow.cut, 1);
	assert_true(strstr(slow.why, "slow reader"));
	assert_int_equal(fast.cut, 0);
	assert_true(stream_client_is_cut(s));
	/* a cut client gets nothing more and is cut once */
	int msgs = slow.msgs;
	fast.unsent = 0;
	publish(h, STREAM_RESULT, 5, 1, 0, "{\"r\":2}");
	assert_int_equal(slow.msgs, msgs);
	assert_int_equal(slow.cut, 1);
	assert_int_equal(stream_client_input(s, sub5, strlen(sub5)), -1);
	/* under the bound, messages pile up until it is reached */
	fast.unsent = 0;
	int n = 0;
	while (!fast.cut && n < 100) {
		publish(h, STREAM_RESULT, 5, 1, 0, "{\"r\":3}");
		n++;
	}
	assert_int_equal(fast.cut, 1);
	assert_true(fast.unsent <= 100);
	assert_true(n > 1);
	assert_int_equal(stream_hub_stats(h).cut_slow, 2);
	stream_client_free(s);
	stream_client_free(f);
	stream_hub_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_fanout_and_access),
		cmocka_unit_test(test_bound_cuts_a_slow_reader),
		cmocka_unit_test(test_backlog_and_live_hand_over_exactly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
