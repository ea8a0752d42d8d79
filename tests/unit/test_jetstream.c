/*
 * Tests of the JetStream form of a result (src/jetstream/js_result.c): ids
 * and charges round-trip and anything else is refused; and, on a real 3-node cluster
 * (tests/nats/natstmp sets VANTAGE_TEST_NATS; skipped without it), that
 * the stream is made once with 3 replicas and that a result published
 * twice under its id is kept once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jetstream/js_link.h"
#include "jetstream/js_result.h"

static void test_id_round_trip(void **state)
{
	(void)state;
	char id[64], subj[48], err[200];
	js_result_id(42, 3, 9000000000LL, id, sizeof id);
	assert_string_equal(id, "42.3.9000000000");
	js_result_subject(42, subj, sizeof subj);
	assert_string_equal(subj, "vantage.results.42");
	struct store_result r = { 0 };
	assert_int_equal(js_result_parse(id, "7", &r, err, sizeof err), 0);
	assert_int_equal(r.agent_id, 42);
	assert_int_equal(r.epoch, 3);
	assert_int_equal(r.seq, 9000000000LL);
	assert_int_equal(r.msm_id, 7);
}

static void test_bad_ids_refused(void **state)
{
	(void)state;
	const char *bad[] = { "", "1", "1.2", "1.2.3.4", "0.0.1", "1.0.0", "a.0.1", "1..1", ".1.1",
			      "1.-1.1", "1.0.1x", "1.0.99999999999999999999999", NULL };
	char err[200];
	struct store_result r = { .agent_id = -5 };
	for (int i = 0; bad[i]; i++) {
		err[0] = '\0';
		assert_int_equal(js_result_parse(bad[i], "7", &r, err, sizeof err), -1);
		assert_non_null(strstr(err, "message id"));
	}
	assert_int_equal(js_result_parse("1.0.1", NULL, &r, err, sizeof err), -1);
	assert_int_equal(js_result_parse("1.0.1", "0", &r, err, sizeof err), -1);
	assert_int_equal(js_result_parse(NULL, "1", &r, err, sizeof err), -1);
	assert_int_equal(r.agent_id, -5);    /* untouched on failure */
}

static void test_charge_round_trip_and_bad(void **state)
{
	(void)state;
	char text[48], err[200];
	struct store_result r = { 0 };
	js_result_charge(12, 0, text, sizeof text);
	assert_string_equal(text, "12.0");
	assert_int_equal(js_result_charge_parse(text, &r, err, sizeof err), 0);
	assert_int_equal(r.charge_account, 12);
	assert_int_equal(r.charge, 0);
	js_result_charge(3, 4000000000LL, text, sizeof text);
	assert_int_equal(js_result_charge_parse(text, &r, err, sizeof err), 0);
	assert_int_equal(r.charge, 4000000000LL);
	const char *bad[] = { "", "5", "0.3", "5.-1", "5.", ".5", "5.3.2", "x.3", "5.3 ", NULL };
	struct store_result u = { .charge_account = -5 };
	for (int i = 0; bad[i]; i++)
		assert_int_equal(js_result_charge_parse(bad[i], &u, err, sizeof err), -1);
	assert_int_equal(js_result_charge_parse(NULL, &u, err, sizeof err), -1);
	assert_non_null(strstr(err, "Vantage-Charge"));
	assert_int_equal(u.charge_account, -5);    /* untouched on failure */
}

/* Publish result (1, 0, seq) and return whether JetStream called it a duplicate. */
static int publish(jsCtx *js, int64_t seq)
{
	char id[64], subj[48];
	js_result_id(1, 0, seq, id, sizeof id);
	js_result_subject(1, subj, sizeof subj);
	natsMsg *m = NULL;
	assert_int_equal(natsMsg_Create(&m, subj, NULL, "{}", 2), NATS_OK);
	assert_int_equal(natsMsgHeader_Set(m, "Nats-Msg-Id", id), NATS_OK);
	jsPubAck *pa = NULL;
	jsErrCode jerr = 0;
	assert_int_equal(js_PublishMsg(&pa, js, m, NULL, &jerr), NATS_OK);
	int dup = pa->Duplicate;
	jsPubAck_Destroy(pa);
	natsMsg_Destroy(m);
	return dup;
}

static void test_cluster_dedups(void **state)
{
	(void)state;
	const char *urls = getenv("VANTAGE_TEST_NATS");
	if (!urls)
		skip();
	char err[400];
	struct js_link l = { 0 };
	assert_int_equal(js_link_open(&l, urls, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(js_link_stream(&l, 3, err, sizeof err), 0);
	assert_int_equal(js_link_stream(&l, 3, err, sizeof err), 0);   /* there already */
	assert_int_equal(publish(l.js, 1), 0);
	assert_int_equal(publish(l.js, 2), 0);
	assert_int_equal(publish(l.js, 1), 1);
	jsStreamInfo *si = NULL;
	assert_int_equal(js_GetStreamInfo(&si, l.js, JS_STREAM_NAME, NULL, NULL), NATS_OK);
	assert_int_equal(si->State.Msgs, 2);
	assert_int_equal(si->Config->Replicas, 3);
	jsStreamInfo_Destroy(si);
	js_link_close(&l);
	nats_CloseAndWait(2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_round_trip),
		cmocka_unit_test(test_bad_ids_refused),
		cmocka_unit_test(test_charge_round_trip_and_bad),
		cmocka_unit_test(test_cluster_dedups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
