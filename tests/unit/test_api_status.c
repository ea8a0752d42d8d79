/*
 * Tests of the status check's rules (api_status.c): a table of probes'
 * latest ping results and arguments, and for each the probes that must
 * alert, the global alert, and the fields RIPE's answer carries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_status.h"

/* Three ping results of probe 1 (newest first): 3 of 3 replies, 20 ms, after 10 and 12 ms. */
#define P1 "\"1\": [{\"sent\":3,\"rcvd\":3,\"result\":[{\"rtt\":20},{\"rtt\":20},{\"rtt\":20}]}," \
	   "{\"sent\":3,\"rcvd\":3,\"result\":[{\"rtt\":10},{\"rtt\":10},{\"rtt\":10}]}," \
	   "{\"sent\":3,\"rcvd\":3,\"result\":[{\"rtt\":12},{\"rtt\":12},{\"rtt\":12}]}]"
/* Probe 2: its latest lost 2 of 3 (a duplicate reply does not count), 5 ms. */
#define P2 "\"2\": [{\"sent\":3,\"rcvd\":1,\"result\":[{\"rtt\":5},{\"rtt\":5.5,\"dup\":1}," \
	   "{\"x\":\"*\"},{\"x\":\"*\"}]}]"
/* Probe 3: nothing came back. */
#define P3 "\"3\": [{\"sent\":3,\"rcvd\":0,\"result\":[{\"x\":\"*\"},{\"x\":\"*\"},{\"x\":\"*\"}]}]"

static const struct {
	struct api_status_args a;
	const char *alerting;   /* the ids that alert, in order */
	int global;
} table[] = {
	{ { .max_packet_loss = 75, .lookback = 1, .median_rtt_threshold = -1 }, "3", 1 },
	{ { .max_packet_loss = 75, .lookback = 1, .median_rtt_threshold = -1,
	    .permitted_total_alerts = 1 }, "3", 0 },
	{ { .max_packet_loss = 100, .lookback = 1, .median_rtt_threshold = -1 }, "", 0 },
	{ { .max_packet_loss = 0, .lookback = 1, .median_rtt_threshold = -1 }, "23", 1 },
	{ { .max_packet_loss = 50, .lookback = 1, .median_rtt_threshold = -1 }, "23", 1 },
	{ { .max_packet_loss = 67, .lookback = 1, .median_rtt_threshold = -1 }, "3", 1 },
	/* median of 20, 10, 12 is 12: 20 is 8 ms over it */
	{ { .max_packet_loss = 100, .lookback = 3, .median_rtt_threshold = 7.5 }, "1", 1 },
	{ { .max_packet_loss = 100, .lookback = 3, .median_rtt_threshold = 8 }, "", 0 },
	{ { .max_packet_loss = 100, .lookback = 3, .median_rtt_threshold = 0,
	    .permitted_total_alerts = 2 }, "1", 0 },
};

static void test_rules(void **state)
{
	(void)state;
	json_t *in = json_loads("{" P1 "," P2 "," P3 "}", 0, NULL);
	assert_non_null(in);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		json_t *out = api_status_check(in, &table[i].a), *p;
		char got[8] = "";
		const char *id;
		assert_non_null(out);
		json_object_foreach(json_object_get(out, "probes"), id, p) {
			if (json_is_true(json_object_get(p, "alert")))
				strncat(got, id, sizeof got - strlen(got) - 1);
			/* "all" only for alerting probes unless show_all */
			assert_int_equal(json_object_get(p, "all") != NULL,
					 json_is_true(json_object_get(p, "alert")));
			assert_non_null(json_object_get(p, "last_packet_loss"));
			assert_true(json_object_get(p, "source") != NULL);
		}
		if (strcmp(got, table[i].alerting) != 0)
			fail_msg("row %zu: alerting '%s', want '%s'", i, got, table[i].alerting);
		assert_int_equal(json_is_true(json_object_get(out, "global_alert")), table[i].global);
		assert_int_equal(json_integer_value(json_object_get(out, "total_alerts")),
				 (json_int_t)strlen(table[i].alerting));
		json_decref(out);
	}
	json_decref(in);
}

/* The fields of one probe: last is the latest average, loss in percent, all with nulls. */
static void test_fields(void **state)
{
	(void)state;
	json_t *in = json_loads("{" P2 "," P1 "}", 0, NULL);
	struct api_status_args a = { .max_packet_loss = 75, .lookback = 3, .show_all = 1,
				     .median_rtt_threshold = -1 };
	json_t *out = api_status_check(in, &a);
	json_t *p2 = json_object_get(json_object_get(out, "probes"), "2");
	json_t *p1 = json_object_get(json_object_get(out, "probes"), "1");
	assert_true(json_is_false(json_object_get(p2, "alert")));
	assert_float_equal(json_number_value(json_object_get(p2, "last")), 5.0, 1e-9);
	assert_float_equal(json_number_value(json_object_get(p2, "last_packet_loss")), 200.0 / 3,
			   1e-9);
	char *all = json_dumps(json_object_get(p2, "all"), JSON_COMPACT);
	assert_string_equal(all, "[5.0,null,null]");
	free(all);
	assert_float_equal(json_number_value(json_object_get(p1, "median")), 12.0, 1e-9);
	assert_float_equal(json_number_value(json_object_get(p1, "last")), 20.0, 1e-9);
	assert_int_equal(json_array_size(json_object_get(p1, "alert_reasons")), 0);
	json_decref(out);
	/* no probe with results: nothing alerts */
	json_t *none = json_object();
	out = api_status_check(none, &a);
	assert_true(json_is_false(json_object_get(out, "global_alert")));
	assert_int_equal(json_object_size(json_object_get(out, "probes")), 0);
	json_decref(out);
	json_decref(none);
	json_decref(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
