/*
 * Tests of the JetStream form of a result (src/jetstream/js_result.c): ids
 * and charges round-trip and anything else is refused; and, on a real 3-node cluster
 * (tests/nats/natstmp sets VANTAGE_TEST_NATS; skipped without it), that
 * the stream is made once with 3 replicas and that a result published
 * twice under its id is kept once. The live stream's NATS form
 * (js_live_msg.c) round-trips and refuses anything else; on the cluster,
 * a result published through js_live reaches a subscribed hub client on
 * the loop as the API's object, once, and what is not an event is dropped.
 * The writers' fetch (js_pull.c) never gives more than its batch, also when
 * messages of an earlier request arrive during it (libnats 3.4's own fetch
 * wrote past its array then: the writer's "double free or corruption").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "jetstream/js_link.h"
#include "jetstream/js_live.h"
#include "jetstream/js_live_msg.h"
#include "jetstream/js_pull.h"
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

/* The fields of message m, as js_live.c reads them. */
static struct js_live_fields fields_of(natsMsg *m)
{
	struct js_live_fields f = { .subject = natsMsg_GetSubject(m) };
	natsMsgHeader_Get(m, "Vantage-Msm", &f.msm);
	natsMsgHeader_Get(m, "Vantage-Prb", &f.prb);
	natsMsgHeader_Get(m, "Vantage-Key", &f.key);
	natsMsgHeader_Get(m, "Vantage-Type", &f.type);
	return f;
}

static void test_live_msg_round_trip(void **state)
{
	(void)state;
	assert_int_equal(nats_Open(-1), NATS_OK);   /* messages need the library, no server */
	const char *body = "{\"id\":5}";
	struct stream_event ev = { .kind = STREAM_METADATA, .msm = 5, .owner_key = 9,
				   .type = "traceroute", .payload = body, .len = strlen(body) };
	natsMsg *m = NULL;
	assert_int_equal(js_live_msg(&ev, &m), NATS_OK);
	assert_string_equal(natsMsg_GetSubject(m), "vantage.live.metadata");
	struct js_live_fields f = fields_of(m);
	assert_null(f.prb);
	struct stream_event back = { .payload = natsMsg_GetData(m),
				     .len = (size_t)natsMsg_GetDataLength(m) };
	char err[200];
	assert_int_equal(js_live_parse(&f, &back, err, sizeof err), 0);
	assert_int_equal(back.kind, STREAM_METADATA);
	assert_int_equal(back.msm, 5);
	assert_int_equal(back.prb, 0);
	assert_int_equal(back.owner_key, 9);
	assert_string_equal(back.type, "traceroute");
	assert_int_equal(back.len, strlen(body));
	assert_memory_equal(back.payload, body, back.len);
	natsMsg_Destroy(m);
	struct stream_event none = { .kind = STREAM_NONE };
	assert_int_not_equal(js_live_msg(&none, &m), NATS_OK);
	assert_null(m);
}

static void test_live_msg_bad_refused(void **state)
{
	(void)state;
	const struct js_live_fields bad[] = {
		{ .subject = NULL },
		{ .subject = "vantage.live.results", .msm = "1", .prb = "1" },
		{ .subject = "vantage.results.1", .msm = "1", .prb = "1" },
		{ .subject = "vantage.live.result", .msm = "1" },                /* no probe */
		{ .subject = "vantage.live.result", .prb = "1" },                /* no measurement */
		{ .subject = "vantage.live.probestatus" },
		{ .subject = "vantage.live.metadata", .prb = "2" },
		{ .subject = "vantage.live.result", .msm = "0", .prb = "1" },
		{ .subject = "vantage.live.result", .msm = "1", .prb = "-1" },
		{ .subject = "vantage.live.result", .msm = "1x", .prb = "1" },
		{ .subject = "vantage.live.result", .msm = "99999999999999999999", .prb = "1" },
		{ .subject = "vantage.live.metadata", .msm = "1", .key = "k" },
		{ .subject = "vantage.live.metadata", .msm = "1", .type = "" },
		{ .subject = "vantage.live.metadata", .msm = "1", .type = "Ping" },
		{ .subject = "vantage.live.metadata", .msm = "1", .type = "a\"b" },
		{ .subject = "vantage.live.metadata", .msm = "1", .type = "sixteen-letters!" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct stream_event ev = { .kind = STREAM_RESULT, .msm = 77 };
		char err[200] = "";
		assert_int_equal(js_live_parse(&bad[i], &ev, err, sizeof err), -1);
		assert_true(err[0] != '\0');
		assert_int_equal(ev.msm, 77);   /* untouched on failure */
	}
	struct js_live_fields ok = { .subject = "vantage.live.probestatus", .prb = "3" };
	struct stream_event ev = { 0 };
	char err[200];
	assert_int_equal(js_live_parse(&ok, &ev, err, sizeof err), 0);
	assert_int_equal(ev.kind, STREAM_PROBESTATUS);
	assert_int_equal(ev.prb, 3);
}

/* A hub client's sink that keeps what it is sent. */
struct got {
	char text[8][512];
	int n;
};

static size_t got_pending(void *arg)
{
	(void)arg;
	return 0;
}

static int got_write(void *arg, const char *msg, size_t len)
{
	struct got *g = arg;
	if (g->n < 8)
		snprintf(g->text[g->n++], sizeof g->text[0], "%.*s", (int)len, msg);
	return 0;
}

static void got_cut(void *arg, const char *reason)
{
	(void)arg;
	(void)reason;
}

/* Run base's loop until g holds n messages or seconds passed. */
static void loop_until(struct event_base *base, struct got *g, int n, int seconds)
{
	time_t end = time(NULL) + seconds;
	while (g->n < n && time(NULL) < end) {
		struct timeval tv = { 0, 50000 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
}

static int readable_all(void *arg, int64_t key, int64_t msm, char *err, size_t errlen)
{
	(void)arg;
	(void)key;
	(void)msm;
	(void)err;
	(void)errlen;
	return 1;
}

static void test_live_through_the_cluster(void **state)
{
	(void)state;
	const char *urls = getenv("VANTAGE_TEST_NATS");
	if (!urls)
		skip();
	evthread_use_pthreads();
	struct event_base *base = event_base_new();
	struct stream_access access = { NULL, readable_all, NULL };
	struct stream_hub *hub = stream_hub_new(0, &access);
	struct got g = { 0 };
	struct stream_sink sink = { &g, got_pending, got_write, got_cut };
	struct stream_client *c = stream_client_new(hub, 1, &sink);   /* key 1 reads all */
	const char *sub = "[\"atlas_subscribe\",{\"streamType\":\"result\",\"msm\":7}]";
	assert_int_equal(stream_client_input(c, sub, strlen(sub)), 0);
	char err[400];
	struct js_live *l = js_live_open(base, urls, hub, "test_jetstream", err, sizeof err);
	assert_non_null(l);
	struct got none = { 0 };
	loop_until(base, &none, 1, 1);      /* the loop sends the subscription */
	/* a result of another measurement, a bad body and a bad subject: none reach c */
	const char *body = "{\"type\":\"ping\",\"prb_id\":0,\"timestamp\":1}";
	struct stream_event other = { .kind = STREAM_RESULT, .msm = 8, .prb = 3, .payload = body,
				      .len = strlen(body) };
	struct stream_event broken = { .kind = STREAM_RESULT, .msm = 7, .prb = 3, .payload = "[1",
				       .len = 2 };
	struct stream_event ev = { .kind = STREAM_RESULT, .msm = 7, .prb = 3, .payload = body,
				   .len = strlen(body) };
	assert_int_equal(js_live_publish(l, &other), 0);
	assert_int_equal(js_live_publish(l, &broken), 0);
	struct js_link raw = { 0 };
	assert_int_equal(js_link_open(&raw, urls, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(natsConnection_PublishString(raw.nc, "vantage.live.nothing", "{}"), NATS_OK);
	assert_int_equal(natsConnection_Flush(raw.nc), NATS_OK);
	assert_int_equal(js_live_publish(l, &ev), 0);
	loop_until(base, &g, 2, 10);
	struct js_live_stats st = js_live_stats(l);
	if (g.n != 2)
		print_error("published %llu received %llu bad %llu dropped %llu\n",
			    (unsigned long long)st.published, (unsigned long long)st.received,
			    (unsigned long long)st.bad, (unsigned long long)st.dropped);
	assert_int_equal(g.n, 2);
	assert_non_null(strstr(g.text[0], "atlas_subscribed"));
	assert_string_equal(g.text[1], "[\"atlas_result\",{\"type\":\"ping\",\"prb_id\":3,"
			    "\"timestamp\":1,\"msm_id\":7}]");
	loop_until(base, &g, 3, 1);         /* nothing more comes */
	assert_int_equal(g.n, 2);
	st = js_live_stats(l);
	assert_int_equal(st.published, 3);
	assert_int_equal(st.received, 4);
	assert_int_equal(st.bad, 2);
	assert_int_equal(st.dropped, 0);
	js_live_close(l);
	js_link_close(&raw);
	stream_client_free(c);
	stream_hub_free(hub);
	event_base_free(base);
}

#define PULL_STREAM "TEST_PULL"
#define PULL_NEXT "$JS.API.CONSUMER.MSG.NEXT." PULL_STREAM ".pullers"
#define PULL_MSGS 30

/* Messages waiting in p's subscription. */
static int pull_pending(struct js_pull *p)
{
	int msgs = 0, bytes = 0;
	natsSubscription_GetPending(p->sub, &msgs, &bytes);
	return msgs;
}

/* A pull request of batch messages for p's subscription, as a fetch gone by leaves one. */
static natsStatus pull_request(struct js_pull *p, int batch)
{
	char body[48];
	snprintf(body, sizeof body, "{\"batch\":%d}", batch);
	natsStatus s = natsConnection_PublishRequestString(p->nc, PULL_NEXT,
							   natsSubscription_GetSubject(p->sub), body);
	return s == NATS_OK ? natsConnection_Flush(p->nc) : s;
}

/* Once the fetch took what was waiting, 5 more messages of an old request come in. */
static void *late_request(void *arg)
{
	struct js_pull *p = arg;
	for (int i = 0; i < 10000 && pull_pending(p) > 0; i++)
		nats_Sleep(1);
	return pull_request(p, 5) == NATS_OK ? p : NULL;
}

/* Fetch batches of 10 until all PULL_MSGS came (each once) or 10 s passed. */
static void fetch_the_rest(struct js_pull *p, int *seen, int got)
{
	for (int round = 0; got < PULL_MSGS && round < 10; round++) {
		natsMsg *msgs[10];
		int n = js_pull_fetch(p, msgs, 10, 1000);
		assert_true(n <= 10);
		for (int i = 0; i < n; i++) {
			int k = atoi(natsMsg_GetData(msgs[i]));
			assert_true(k >= 0 && k < PULL_MSGS);
			assert_int_equal(seen[k]++, 0);
			got++;
			assert_int_equal(js_pull_ack(p, msgs[i]), NATS_OK);
			natsMsg_Destroy(msgs[i]);
		}
	}
	assert_int_equal(got, PULL_MSGS);
}

static void test_fetch_holds_to_its_batch(void **state)
{
	(void)state;
	const char *urls = getenv("VANTAGE_TEST_NATS");
	if (!urls)
		skip();
	char err[400], data[16];
	struct js_link l = { 0 };
	assert_int_equal(js_link_open(&l, urls, NULL, NULL, err, sizeof err), 0);
	jsStreamConfig sc;
	jsStreamConfig_Init(&sc);
	const char *subjects[] = { "test.pull.>" };
	sc.Name = PULL_STREAM;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_MemoryStorage;
	assert_int_equal(js_AddStream(NULL, l.js, &sc, NULL, NULL), NATS_OK);
	for (int i = 0; i < PULL_MSGS; i++) {
		snprintf(data, sizeof data, "%d", i);
		assert_int_equal(js_Publish(NULL, l.js, "test.pull.1", data, (int)strlen(data), NULL,
					    NULL), NATS_OK);
	}
	struct js_pull p = { 0 };
	assert_int_equal(js_pull_open(&p, &l, PULL_STREAM, "pullers", "test.pull.>", 30, err,
				      sizeof err), 0);
	/* 7 messages an earlier request brought in wait, more than half a batch of 10 */
	assert_int_equal(pull_request(&p, 7), NATS_OK);
	for (int i = 0; i < 10000 && pull_pending(&p) < 7; i++)
		nats_Sleep(1);
	assert_int_equal(pull_pending(&p), 7);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, late_request, &p), 0);
	natsMsg *msgs[10] = { 0 };
	int n = js_pull_fetch(&p, msgs, 10, 3000);
	void *sent = NULL;
	pthread_join(t, &sent);
	assert_non_null(sent);
	if (n > 10)
		print_error("the fetch of at most 10 gave %d\n", n);
	assert_true(n >= 7 && n <= 10);
	int seen[PULL_MSGS] = { 0 };
	for (int i = 0; i < n; i++) {
		int k = atoi(natsMsg_GetData(msgs[i]));
		assert_true(k >= 0 && k < PULL_MSGS);
		assert_int_equal(seen[k]++, 0);
		assert_int_equal(js_pull_ack(&p, msgs[i]), NATS_OK);
		natsMsg_Destroy(msgs[i]);
	}
	fetch_the_rest(&p, seen, n);
	js_pull_close(&p);
	assert_int_equal(js_DeleteStream(l.js, PULL_STREAM, NULL, NULL), NATS_OK);
	js_link_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_round_trip),
		cmocka_unit_test(test_bad_ids_refused),
		cmocka_unit_test(test_charge_round_trip_and_bad),
		cmocka_unit_test(test_live_msg_round_trip),
		cmocka_unit_test(test_live_msg_bad_refused),
		cmocka_unit_test(test_live_through_the_cluster),
		cmocka_unit_test(test_fetch_holds_to_its_batch),
		cmocka_unit_test(test_cluster_dedups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
