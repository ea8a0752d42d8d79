/*
 * Tests of the agent-controller framing and messages: every message type
 * survives an encode/decode round trip; a table of hostile frames is refused
 * with the expected reason; a stream split at every byte offset reassembles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "proto/frame.h"
#include "proto/msg.h"

/* Encode m, parse the frame, decode it into out; asserts each step works. */
static void roundtrip(const struct msg *m, struct msg *out)
{
	char err[256] = "";
	size_t len = 0, used = 0;
	uint8_t *buf = msg_encode(m, &len, err, sizeof err);
	assert_non_null(buf);
	struct frame f;
	assert_int_equal(frame_parse(buf, len, &f, &used, NULL, err, sizeof err), FRAME_OK);
	assert_int_equal(used, len);
	assert_int_equal(f.type, m->type);
	assert_int_equal(msg_decode(&f, out, err, sizeof err), 0);
	free(buf);
}

static void test_roundtrip_all_types(void **state)
{
	(void)state;
	json_t *body = json_pack("{s:s,s:i}", "type", "ping", "af", 4);
	struct msg ms[] = {
		{ .type = MSG_HELLO, .agent = "ab01", .version = "0.1.0", .role = "anchor" },
		{ .type = MSG_WELCOME, .agent = "ab01", .seq = 41 },
		{ .type = MSG_HEARTBEAT, .time = 1700000000 },
		{ .type = MSG_STATUS, .version = "0.1.0", .uptime = 5, .spool_records = 3,
		  .spool_bytes = 900, .load_milli = 250, .reason = "spool full" },
		{ .type = MSG_MSM, .msm_id = 7, .start = 1, .stop = 2, .interval = 60,
		  .spread = 10, .body = body },
		{ .type = MSG_MSM_STOP, .msm_id = 7 },
		{ .type = MSG_RESULT, .seq = 9, .msm_id = 7, .body = body },
		{ .type = MSG_ACK, .seq = 9 },
		{ .type = MSG_REFUSE, .msm_id = 7, .reason = "AUP forbids traceroute" },
		{ .type = MSG_ERROR, .reason = "bye" },
		{ .type = MSG_HOST_REPORT, .body = body },
	};
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
		struct msg out;
		roundtrip(&ms[i], &out);
		assert_int_equal(out.type, ms[i].type);
		assert_int_equal(out.seq, ms[i].seq);
		assert_int_equal(out.msm_id, ms[i].msm_id);
		assert_int_equal(out.time, ms[i].time);
		assert_int_equal(out.interval, ms[i].interval);
		assert_int_equal(out.spool_bytes, ms[i].spool_bytes);
		if (ms[i].reason)
			assert_string_equal(out.reason, ms[i].reason);
		if (ms[i].agent)
			assert_string_equal(out.agent, ms[i].agent);
		if (ms[i].body)
			assert_true(json_equal(out.body, body));
		msg_free(&out);
	}
	json_decref(body);
}

/* A RESULT whose body is given as text carries exactly that text as its body. */
static void test_result_body_as_text(void **state)
{
	(void)state;
	static const char text[] = "{\"msm_id\":7,\"rtt\":1.25,\"result\":[{\"hop\":1}]}";
	struct msg m = { .type = MSG_RESULT, .seq = 9, .msm_id = 7, .epoch = 3, .prev = 8,
			 .body_text = text, .body_len = strlen(text) };
	char err[256] = "";
	size_t len = 0;
	uint8_t *buf = msg_encode(&m, &len, err, sizeof err);
	assert_non_null(buf);
	/* the body's bytes, verbatim, end the payload */
	assert_memory_equal(buf + len - 1 - strlen(text), text, strlen(text));
	free(buf);
	struct msg out;
	roundtrip(&m, &out);
	assert_int_equal(out.seq, 9);
	assert_int_equal(out.msm_id, 7);
	assert_int_equal(out.epoch, 3);
	assert_int_equal(out.prev, 8);
	json_t *want = json_loads(text, 0, NULL);
	assert_true(json_equal(out.body, want));
	json_decref(want);
	msg_free(&out);
	/* a message whose other fields are all empty still gets the body alone */
	struct msg only = { .type = MSG_HOST_REPORT, .body_text = "{}", .body_len = 2 };
	roundtrip(&only, &out);
	assert_int_equal(json_object_size(out.body), 0);
	msg_free(&out);
}

/*
 * A message of integers and a body as text (RESULT as the agent uploads it,
 * ACK, HEARTBEAT) is printed without a jansson object: the bytes it had when
 * jansson printed the integers' object and the body text followed it.
 */
static void test_plain_payload_as_jansson_prints(void **state)
{
	(void)state;
	static const char text[] = "{\"msm_id\":7,\"x\":\"a\\\"b\",\"result\":[{\"hop\":1},{}]}";
	static const int64_t vals[] = { 0, 1, -1, 9, 10, 4294967296ll, INT64_MAX, INT64_MIN };
	size_t n = sizeof vals / sizeof vals[0];
	for (size_t i = 0; i < n; i++) {
		struct msg m = { .type = MSG_RESULT, .seq = vals[i], .msm_id = vals[(i + 1) % n],
				 .epoch = vals[(i + 2) % n], .prev = vals[(i + 3) % n],
				 .body_text = text, .body_len = strlen(text) };
		json_t *o = json_pack("{s:I,s:I,s:I,s:I}", "seq", (json_int_t)m.seq, "msm_id",
				      (json_int_t)m.msm_id, "epoch", (json_int_t)m.epoch, "prev",
				      (json_int_t)m.prev);
		char *ints = json_dumps(o, JSON_COMPACT), want[512];
		json_decref(o);
		int wl = snprintf(want, sizeof want, "%.*s,\"body\":%s}", (int)strlen(ints) - 1, ints,
				  text);
		free(ints);
		char err[256] = "";
		size_t len = 0;
		uint8_t *buf = msg_encode(&m, &len, err, sizeof err);
		assert_non_null(buf);
		assert_int_equal(len, FRAME_HEADER_LEN + (size_t)wl);
		assert_memory_equal(buf + FRAME_HEADER_LEN, want, (size_t)wl);
		free(buf);
	}
	/* those without a body: what jansson printed for them before */
	struct msg ack = { .type = MSG_ACK, .seq = -12 }, hb = { .type = MSG_HEARTBEAT, .time = 1700000000 };
	static const char *const want[] = { "{\"seq\":-12}", "{\"time\":1700000000}" };
	const struct msg *ms[] = { &ack, &hb };
	for (int i = 0; i < 2; i++) {
		char err[256] = "";
		size_t len = 0;
		uint8_t *buf = msg_encode(ms[i], &len, err, sizeof err);
		assert_non_null(buf);
		assert_int_equal(len, FRAME_HEADER_LEN + strlen(want[i]));
		assert_memory_equal(buf + FRAME_HEADER_LEN, want[i], strlen(want[i]));
		free(buf);
	}
}

static void test_encode_refuses_missing_field(void **state)
{
	(void)state;
	struct msg m = { .type = MSG_RESULT, .seq = 1 };
	char err[256] = "";
	size_t len;
	assert_null(msg_encode(&m, &len, err, sizeof err));
	assert_non_null(strstr(err, "'body'"));
}

struct badcase {
	const char *hex_header;   /* 8 header bytes, as hex */
	const char *payload;
	enum frame_status want;
	const char *why;          /* substring of the reason */
};

static const struct badcase bad[] = {
	{ "0000000002000000", "", FRAME_BAD, "version 2" },
	{ "0000000001010100", "", FRAME_BAD, "reserved" },
	{ "7fffffff01070000", "", FRAME_BAD, "exceeds the limit" },
	{ "0010000101070000", "", FRAME_BAD, "exceeds the limit" },
	{ "0000000201", "", FRAME_NEED_MORE, NULL },
	{ "0000000a01070000", "{}", FRAME_NEED_MORE, NULL },
};

/* Turn hex text into bytes in out; returns the count. */
static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	for (; hex[0] && hex[1]; hex += 2)
		out[n++] = (uint8_t)strtoul((char[]){ hex[0], hex[1], 0 }, NULL, 16);
	return n;
}

static void test_bad_frames(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t buf[64];
		size_t n = unhex(bad[i].hex_header, buf);
		memcpy(buf + n, bad[i].payload, strlen(bad[i].payload));
		n += strlen(bad[i].payload);
		struct frame f;
		size_t used = 0;
		char err[256] = "";
		assert_int_equal(frame_parse(buf, n, &f, &used, NULL, err, sizeof err), bad[i].want);
		if (bad[i].why)
			assert_non_null(strstr(err, bad[i].why));
	}
}

struct badmsg {
	uint8_t type;
	const char *payload;
	const char *why;
};

static const struct badmsg badmsgs[] = {
	{ 0, "{}", "unknown message type" },
	{ 99, "{}", "unknown message type" },
	{ MSG_ACK, "[1]", "not a JSON object" },
	{ MSG_ACK, "{\"seq\":", "not a JSON object" },
	{ MSG_ACK, "{}", "missing field 'seq'" },
	{ MSG_ACK, "{\"seq\":-1}", "non-negative" },
	{ MSG_ACK, "{\"seq\":\"1\"}", "non-negative" },
	{ MSG_ACK, "{\"seq\":1,\"seq\":2}", "not a JSON object" },
	{ MSG_RESULT, "{\"seq\":1,\"msm_id\":1,\"body\":[]}", "not an object" },
	{ MSG_ERROR, "{\"reason\":7}", "not a string" },
	{ MSG_ERROR, "{\"reason\":\"a\\u0000b\"}", "u0000 is not allowed" },
	{ MSG_NOPROBE, "{\"prefixes\":[]}", "missing field 'noprobe_version'" },
	{ MSG_NOPROBE, "{\"noprobe_version\":1}", "missing field 'prefixes'" },
	{ MSG_NOPROBE, "{\"noprobe_version\":1,\"prefixes\":{}}", "not an array" },
	{ MSG_NOPROBE, "{\"noprobe_version\":1,\"prefixes\":[7]}", "not an array" },
	{ MSG_NOPROBE, "{\"noprobe_version\":-2,\"prefixes\":[]}", "non-negative" },
	{ MSG_NOPROBE, "{\"noprobe_version\":1,\"prefixes\":[\"0123456789012345678901234567"
	  "8901234567890123456789012345678901234567\"]}", "not an array" },
	{ MSG_STATUS, "{\"version\":\"1\",\"uptime\":1,\"spool_records\":0,\"spool_bytes\":0,"
	  "\"noprobe_version\":\"3\"}", "non-negative" },
};

static void test_bad_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof badmsgs / sizeof badmsgs[0]; i++) {
		struct frame f = { .version = FRAME_VERSION, .type = badmsgs[i].type,
				   .len = (uint32_t)strlen(badmsgs[i].payload),
				   .payload = (const uint8_t *)badmsgs[i].payload };
		struct msg m;
		char err[256] = "";
		assert_int_equal(msg_decode(&f, &m, err, sizeof err), -1);
		if (!strstr(err, badmsgs[i].why))
			fail_msg("case %zu: got '%s'", i, err);
		assert_null(m.root);
	}
}

/* NOPROBE carries the whole list; STATUS the version an agent enforces. */
static void test_noprobe_roundtrip(void **state)
{
	(void)state;
	json_t *p = json_pack("[s,s]", "198.18.5.0/24", "2001:db8:5::/48");
	struct msg m = { .type = MSG_NOPROBE, .noprobe_version = 12, .prefixes = p }, out;
	roundtrip(&m, &out);
	assert_int_equal(out.noprobe_version, 12);
	assert_true(json_equal(out.prefixes, p));
	msg_free(&out);
	struct msg st = { .type = MSG_STATUS, .version = "0.1.0", .noprobe_version = 12 };
	roundtrip(&st, &out);
	assert_int_equal(out.noprobe_version, 12);
	msg_free(&out);
	/* One prefix more than MSG_MAX_PREFIXES is refused on decode. */
	json_t *many = json_array();
	for (int i = 0; i <= MSG_MAX_PREFIXES; i++)
		json_array_append_new(many, json_string("198.18.0.0/24"));
	struct msg big = { .type = MSG_NOPROBE, .noprobe_version = 1, .prefixes = many };
	char err[256] = "";
	size_t len, used;
	uint8_t *buf = msg_encode(&big, &len, err, sizeof err);
	assert_non_null(buf);
	struct frame f;
	assert_int_equal(frame_parse(buf, len, &f, &used, NULL, err, sizeof err), FRAME_OK);
	assert_int_equal(msg_decode(&f, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "at most 4096"));
	free(buf);
	json_decref(many);
	json_decref(p);
}

/* A stream of three frames fed in two pieces, split at every offset. */
static void test_stream_split_everywhere(void **state)
{
	(void)state;
	uint8_t stream[256];
	size_t total = 0;
	for (int s = 1; s <= 3; s++) {
		struct msg m = { .type = MSG_ACK, .seq = s };
		char err[128];
		size_t len;
		uint8_t *b = msg_encode(&m, &len, err, sizeof err);
		memcpy(stream + total, b, len);
		total += len;
		free(b);
	}
	for (size_t cut = 0; cut <= total; cut++) {
		/* Parse what fits in the first cut bytes, then the rest. */
		size_t off = 0, seen = 0, avail = cut;
		for (int pass = 0; pass < 2; pass++, avail = total) {
			struct frame f;
			size_t used;
			char err[128];
			while (frame_parse(stream + off, avail - off, &f, &used, NULL, err,
					   sizeof err) == FRAME_OK) {
				struct msg m;
				assert_int_equal(msg_decode(&f, &m, err, sizeof err), 0);
				assert_int_equal(m.seq, (int64_t)++seen);
				msg_free(&m);
				off += used;
			}
		}
		assert_int_equal(seen, 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_all_types),
		cmocka_unit_test(test_result_body_as_text),
		cmocka_unit_test(test_plain_payload_as_jansson_prints),
		cmocka_unit_test(test_encode_refuses_missing_field),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_noprobe_roundtrip),
		cmocka_unit_test(test_bad_messages),
		cmocka_unit_test(test_stream_split_everywhere),
	};
	return cmocka_run_group_tests_name("proto_frame", tests, NULL, NULL);
}
