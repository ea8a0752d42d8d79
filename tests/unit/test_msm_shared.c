/*
 * Tests of what the measurement types share (src/msm): the command-line
 * driver msm_cli_type (a table of command lines and the fields or exit
 * status they give), the kernel-timestamp tally, 16-bit array growth,
 * results labelled from their target, and the reply fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "msm/msm_cli_type.h"
#include "msm/msm_reply.h"
#include "msm/msm_task.h"
#include "msm/msm_type.h"

/* The args of a made-up command: fields of every width. */
struct fake_args {
	uint8_t method, u8;
	uint16_t u16;
	uint32_t u32;
	long long ll;
	int completed;
};

/* The method names of the fake command. */
static const char *fake_method(unsigned m)
{
	static const char *const names[] = { "one", "two", "three" };
	return m < 3 ? names[m] : "?";
}

/* Help goes nowhere. */
static void fake_help(FILE *f)
{
	(void)f;
}

/* Stop before running: the exit status 42 says parsing got through. */
static int fake_complete(void *args)
{
	((struct fake_args *)args)->completed = 1;
	return 42;
}

static const struct msm_cli_num fake_nums[] = {
	MSM_CLI_NUM("small", 1, 255, struct fake_args, u8),
	MSM_CLI_NUM("mid", 0, 65000, struct fake_args, u16),
	MSM_CLI_NUM("big", 1, 3600000, struct fake_args, u32),
	MSM_CLI_NUM("wide", 1, 65535, struct fake_args, ll),
};

static const struct msm_cli_type fake_cli = {
	.prog = "vantage fake", .help = fake_help, .method_name = fake_method, .n_methods = 3,
	.method_list = "one, two or three", .method_off = offsetof(struct fake_args, method),
	.nums = fake_nums, .n_nums = 4, .send_path = false, .complete = fake_complete,
};

struct cli_case {
	const char *line;    /* space-separated arguments after the program */
	int status;          /* exit status */
	struct fake_args want; /* fields when status is 42 */
};

static const struct cli_case cli_cases[] = {
	{ "", 42, { 0, 0, 0, 0, 0, 1 } },
	{ "--method three --small 255 --mid 65000 --big 3600000 --wide 65535", 42,
	  { 2, 255, 65000, 3600000, 65535, 1 } },
	{ "--small=7 --mid 0 --wid 9 --method=two", 42, { 1, 7, 0, 0, 9, 1 } },
	{ "--small 0", 2, { 0 } },
	{ "--mid 65001", 2, { 0 } },
	{ "--method four", 2, { 0 } },
	{ "--send-path raw", 2, { 0 } },
	{ "--big", 2, { 0 } },
	{ "--help", 0, { 0 } },
	{ "--pps 10 --stats -4 --small 3", 42, { 0, 3, 0, 0, 0, 1 } },
};

/* Each command line gives its status and, when parsed, its fields. */
static void test_cli_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cli_cases / sizeof cli_cases[0]; i++) {
		const struct cli_case *c = &cli_cases[i];
		char line[256], *argv[16] = { "fake" };
		int argc = 1;
		snprintf(line, sizeof line, "%s", c->line);
		for (char *tok = strtok(line, " "); tok && argc < 15; tok = strtok(NULL, " "))
			argv[argc++] = tok;
		struct fake_args a;
		memset(&a, 0, sizeof a);
		int rc = msm_cli_type_main(&fake_cli, &a, argc, argv);
		print_message("%s -> %d\n", c->line, rc);
		assert_int_equal(rc, c->status);
		if (rc != 42)
			continue;
		assert_int_equal(a.method, c->want.method);
		assert_int_equal(a.u8, c->want.u8);
		assert_int_equal(a.u16, c->want.u16);
		assert_int_equal(a.u32, c->want.u32);
		assert_int_equal(a.ll, c->want.ll);
		assert_int_equal(a.completed, 1);
	}
}

/* The tally: kernel until a reply falls back, mixed or fallback after. */
static void test_ts_tally(void **state)
{
	(void)state;
	const uint8_t K = MSM_REPLY_TX_KERNEL | MSM_REPLY_RX_KERNEL, U = MSM_REPLY_RX_KERNEL;
	struct { uint8_t flags[3]; unsigned n; uint8_t want; } v[] = {
		{ { 0 }, 0, MSM_TS_KERNEL },
		{ { K, K }, 2, MSM_TS_KERNEL },
		{ { K, U }, 2, MSM_TS_MIXED },
		{ { U, 0 }, 2, MSM_TS_FALLBACK },
		{ { U, K, U }, 3, MSM_TS_MIXED },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct msm_ts_tally t;
		msm_ts_tally_init(&t);
		for (unsigned k = 0; k < v[i].n; k++)
			msm_ts_tally_add(&t, v[i].flags[k]);
		assert_int_equal(msm_ts_tally_source(&t), v[i].want);
	}
}

/* Growth: `first` at first, then doubling, capped at 65535, then full. */
static void test_grow16(void **state)
{
	(void)state;
	uint16_t cap = 0;
	uint8_t *a = msm_grow16(NULL, &cap, 1, 4);
	assert_non_null(a);
	assert_int_equal(cap, 4);
	a = msm_grow16(a, &cap, 1, 4);
	assert_int_equal(cap, 8);
	a[7] = 9;
	cap = 40000;
	uint8_t *b = msm_grow16(a, &cap, 1, 4);
	assert_non_null(b);
	assert_int_equal(cap, 65535);
	assert_int_equal(b[7], 9);
	assert_null(msm_grow16(b, &cap, 1, 4));
	assert_int_equal(cap, 65535);
	free(b);
}

/* A result with its fields in another order than ping's and trace's. */
struct odd_result {
	uint32_t user_id;
	char *dst_name;
	uint16_t x;
	struct msm_addr src;
	uint8_t af;
	struct msm_addr dst;
};

/* The result gets the target's family, addresses, name and user id. */
static void test_result_new(void **state)
{
	(void)state;
	static const struct msm_result_layout l = MSM_RESULT_LAYOUT(struct odd_result);
	struct msm_target t = { .name = "example", .id = 7, .user_id = 123456 };
	t.dst.family = AF_INET6;
	t.dst.a[0] = 0x20;
	t.dst.a[15] = 1;
	t.src.family = AF_INET6;
	t.src.a[15] = 2;
	struct odd_result *r = msm_result_new(&l, &t);
	assert_non_null(r);
	assert_int_equal(r->af, AF_INET6);
	assert_memory_equal(r->dst.b, t.dst.a, 16);
	assert_memory_equal(r->src.b, t.src.a, 16);
	assert_string_equal(r->dst_name, "example");
	assert_int_equal(r->user_id, 123456);
	assert_int_equal(r->x, 0);
	free(r->dst_name);
	free(r);
	t.name = NULL;
	r = msm_result_new(&l, &t);
	assert_string_equal(r->dst_name, "");
	free(r->dst_name);
	free(r);
}

/* Reply fields: clamped size and TTL, TCP flags or ICMP type and code. */
static void test_reply_fields(void **state)
{
	(void)state;
	struct net_reply r;
	memset(&r, 0, sizeof r);
	r.size = 70000;
	r.ttl = -1;
	r.proto = IPPROTO_TCP;
	r.tcp_flags = 0x12;
	r.icmp_type = 3;
	uint8_t type = 0, code = 9;
	assert_int_equal(msm_reply_size(&r), 65535);
	assert_int_equal(msm_reply_ttl(&r), 0);
	assert_int_equal(msm_reply_kind(&r, &type, &code), MSM_REPLY_TCP);
	assert_int_equal(type, 0x12);
	assert_int_equal(code, 0);
	r.size = 84;
	r.ttl = 63;
	r.proto = IPPROTO_ICMP;
	r.icmp_type = 11;
	r.icmp_code = 1;
	assert_int_equal(msm_reply_size(&r), 84);
	assert_int_equal(msm_reply_ttl(&r), 63);
	assert_int_equal(msm_reply_kind(&r, &type, &code), 0);
	assert_int_equal(type, 11);
	assert_int_equal(code, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_table),
		cmocka_unit_test(test_ts_tally),
		cmocka_unit_test(test_grow16),
		cmocka_unit_test(test_result_new),
		cmocka_unit_test(test_reply_fields),
	};
	return cmocka_run_group_tests_name("msm_shared", tests, NULL, NULL);
}
