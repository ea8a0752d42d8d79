/*
 * Tests of the warts writer: the flags-and-parameters encoding (table of
 * flag sets and the bytes they must give), address references, refusal of
 * out-of-order ids, the record framing of a whole file written through the
 * sink, and a write error reported with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "format/result_sink.h"
#include "format/warts_file.h"
#include "format/warts_params.h"
#include "test_format_fixtures.h"

struct flagcase {
	int ids[4];          /* ascending, 0-terminated */
	uint8_t want[6];     /* expected block: flags, u16 length, 1 byte per id */
	size_t want_len;
};

/* Each id carries one byte whose value is the id, so the data is visible. */
static const struct flagcase flagcases[] = {
	{ { 0 }, { 0x00 }, 1 },
	{ { 1, 0 }, { 0x01, 0x00, 0x01, 1 }, 4 },
	{ { 7, 0 }, { 0x40, 0x00, 0x01, 7 }, 4 },
	{ { 8, 0 }, { 0x80, 0x01, 0x00, 0x01, 8 }, 5 },
	{ { 2, 14, 0 }, { 0x82, 0x40, 0x00, 0x02, 2, 14 }, 6 },
	{ { 15, 0 }, { 0x80, 0x80, 0x01, 0x00, 0x01, 15 }, 6 },
};

static void test_flag_encoding_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof flagcases / sizeof flagcases[0]; i++) {
		const struct flagcase *c = &flagcases[i];
		struct warts_params p;
		struct wbuf out;
		warts_params_init(&p);
		wbuf_init(&out);
		for (int k = 0; c->ids[k]; k++)
			warts_param_u8(&p, c->ids[k], (uint8_t)c->ids[k]);
		assert_int_equal(warts_params_emit(&p, &out), 0);
		assert_int_equal(out.len, c->want_len);
		assert_memory_equal(out.p, c->want, c->want_len);
		warts_params_free(&p);
		wbuf_free(&out);
	}
}

static void test_ids_must_ascend(void **state)
{
	(void)state;
	struct warts_params p;
	struct wbuf out;
	warts_params_init(&p);
	wbuf_init(&out);
	warts_param_u8(&p, 5, 1);
	warts_param_u8(&p, 3, 1);
	assert_int_equal(warts_params_emit(&p, &out), -1);
	warts_params_reset(&p);
	warts_param_u8(&p, WARTS_PARAM_MAX_ID + 1, 1);
	assert_int_equal(warts_params_emit(&p, &out), -1);
	warts_params_free(&p);
	wbuf_free(&out);
}

static void test_address_written_once_then_referenced(void **state)
{
	(void)state;
	struct warts_addrs t;
	struct wbuf out;
	const uint8_t a[4] = { 198, 18, 0, 1 }, b[4] = { 198, 18, 0, 2 };
	warts_addrs_init(&t);
	wbuf_init(&out);
	warts_addr_put(&out, &t, WARTS_ADDR_IPV4, a);
	warts_addr_put(&out, &t, WARTS_ADDR_IPV4, b);
	warts_addr_put(&out, &t, WARTS_ADDR_IPV4, b);
	warts_addr_put(&out, &t, WARTS_ADDR_IPV4, a);
	const uint8_t want[] = { 4, 1, 198, 18, 0, 1, 4, 1, 198, 18, 0, 2,
				 0, 0, 0, 0, 1, 0, 0, 0, 0, 0 };
	assert_int_equal(out.len, sizeof want);
	assert_memory_equal(out.p, want, sizeof want);
	/* a new record starts with an empty table */
	warts_addrs_reset(&t);
	wbuf_reset(&out);
	warts_addr_put(&out, &t, WARTS_ADDR_IPV4, b);
	assert_int_equal(out.p[0], 4);
	warts_addrs_free(&t);
	wbuf_free(&out);
}

/* Read a big-endian value of n bytes at p. */
static uint32_t be(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Write all four fixtures through a warts sink into a memory buffer. */
static size_t write_fixture_file(char **buf)
{
	size_t len = 0;
	char err[256];
	FILE *f = open_memstream(buf, &len);
	assert_non_null(f);
	struct result_sink_info info = { .list_id = 9, .cycle_id = 3,
					 .monitor = "vp1", .start = 1700000000 };
	struct result_sink *s = result_sink_open(RESULT_FORMAT_WARTS, f, &info, err, sizeof err);
	assert_non_null(s);
	struct ping_result *p4 = fx_ping4(), *p6 = fx_ping6();
	struct trace_result *t4 = fx_trace4(), *t6 = fx_trace6();
	assert_int_equal(result_sink_ping(s, p4, err, sizeof err), 0);
	assert_int_equal(result_sink_trace(s, t4, err, sizeof err), 0);
	assert_int_equal(result_sink_ping(s, p6, err, sizeof err), 0);
	assert_int_equal(result_sink_trace(s, t6, err, sizeof err), 0);
	assert_int_equal(result_sink_close(s, err, sizeof err), 0);
	ping_result_free(p4);
	ping_result_free(p6);
	trace_result_free(t4);
	trace_result_free(t6);
	fclose(f);
	return len;
}

static void test_file_framing(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = write_fixture_file(&buf);
	const uint8_t *p = (const uint8_t *)buf;
	const uint16_t want_types[] = { 1, 3, 7, 6, 7, 6, 4 };
	size_t off = 0, n = 0;
	while (off < len) {
		assert_true(len - off >= 8);
		assert_int_equal(be(p + off, 2), WARTS_MAGIC);
		assert_true(n < sizeof want_types / sizeof want_types[0]);
		assert_int_equal(be(p + off + 2, 2), want_types[n]);
		uint32_t body = be(p + off + 4, 4);
		assert_true(body <= len - off - 8);
		if (n == 0) {
			/* list: warts id 1, our list id, name, then monitor */
			assert_int_equal(be(p + off + 8, 4), 1);
			assert_int_equal(be(p + off + 12, 4), 9);
			assert_string_equal((const char *)p + off + 16, "vantage");
		}
		if (n == 1) {
			/* cycle start: cycle id 1, list 1, our cycle id, start */
			assert_int_equal(be(p + off + 8, 4), 1);
			assert_int_equal(be(p + off + 12, 4), 1);
			assert_int_equal(be(p + off + 16, 4), 3);
			assert_int_equal(be(p + off + 20, 4), 1700000000);
		}
		off += 8 + body;
		n++;
	}
	assert_int_equal(off, len);
	assert_int_equal(n, 7);
	free(buf);
}

static void test_write_error_is_reported(void **state)
{
	(void)state;
	char err[256] = "";
	FILE *f = fopen("/dev/full", "w");
	if (f == NULL)
		skip();
	struct result_sink *s = result_sink_open(RESULT_FORMAT_WARTS, f, NULL, err, sizeof err);
	struct trace_result *t = fx_trace4();
	int rc = 0;
	if (s != NULL) {
		/* stdio buffers: the failure may show at any later call */
		for (int i = 0; i < 200 && rc == 0; i++)
			rc = result_sink_trace(s, t, err, sizeof err);
		if (rc == 0)
			rc = result_sink_close(s, err, sizeof err);
		else
			result_sink_close(s, (char[64]){0}, 64);
	} else {
		rc = -1;
	}
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "No space left on device"));
	trace_result_free(t);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flag_encoding_table),
		cmocka_unit_test(test_ids_must_ascend),
		cmocka_unit_test(test_address_written_once_then_referenced),
		cmocka_unit_test(test_file_framing),
		cmocka_unit_test(test_write_error_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
