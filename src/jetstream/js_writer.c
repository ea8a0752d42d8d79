/*
 * js_writer: the store writer's loop (see js_writer.h): fetch, parse,
 * commit, then ack.
 */
#include "jetstream/js_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jetstream/js_link.h"
#include "jetstream/js_live.h"
#include "jetstream/js_result.h"
#include "store/store.h"

/* True once one of the stop signals is pending (it is taken). */
static int stopping(const sigset_t *stop)
{
	struct timespec zero = { 0, 0 };
	return stop && sigtimedwait(stop, NULL, &zero) > 0;
}

/* The durable pull consumer all writers share; NULL with err. */
static natsSubscription *consumer(struct js_link *l, int ack_wait, char *err, size_t errlen)
{
	jsSubOptions so;
	jsSubOptions_Init(&so);
	so.Stream = JS_STREAM_NAME;
	so.Config.AckPolicy = js_AckExplicit;
	so.Config.AckWait = (int64_t)ack_wait * 1000000000;   /* nanoseconds */
	so.Config.MaxAckPending = 50000;
	natsSubscription *sub = NULL;
	jsErrCode jerr = 0;
	natsStatus s = js_PullSubscribe(&sub, l->js, JS_SUBJECTS, JS_DURABLE, NULL, &so, &jerr);
	if (s != NATS_OK) {
		js_link_error(s, "pull consumer " JS_DURABLE, err, errlen);
		return NULL;
	}
	return sub;
}

/*
 * Turn message m into r (its body borrowed from m); 0, or -1 when m is not
 * a result (logged; it is terminated, never redelivered).
 */
static int to_result(natsMsg *m, struct store_result *r)
{
	const char *id = NULL, *msm = NULL, *refused = NULL, *charge = NULL;
	char err[200];
	natsMsgHeader_Get(m, "Nats-Msg-Id", &id);
	natsMsgHeader_Get(m, "Vantage-Msm", &msm);
	*r = (struct store_result){ 0 };
	if (js_result_parse(id, msm, r, err, sizeof err) < 0 ||
	    (natsMsgHeader_Get(m, "Vantage-Charge", &charge) == NATS_OK &&
	     js_result_charge_parse(charge, r, err, sizeof err) < 0)) {
		fprintf(stderr, "vantage-writer: message on %s dropped: %s\n", natsMsg_GetSubject(m),
			err);
		natsMsg_Term(m, NULL);
		return -1;
	}
	if (natsMsgHeader_Get(m, "Vantage-Refused", &refused) == NATS_OK)
		r->refused = refused;
	r->body = natsMsg_GetData(m);
	r->len = (size_t)natsMsg_GetDataLength(m);
	return 0;
}

/* Count the batch's outcomes into cnt. */
static void count(const struct store_result *r, size_t n, struct js_writer_counts *cnt)
{
	for (size_t i = 0; i < n; i++) {
		cnt->duplicates += r[i].outcome == STORE_DUPLICATE;
		cnt->conflicts += r[i].outcome == STORE_CONFLICT;
		cnt->refused += r[i].refused != NULL;
		if (r[i].outcome == STORE_CONFLICT)
			fprintf(stderr, "vantage-writer: result (%lld, %lld, %lld) differs from the one"
				" stored under that number; not stored\n", (long long)r[i].agent_id,
				(long long)r[i].epoch, (long long)r[i].seq);
	}
}

/*
 * Publish to the live stream (js_live.h) each result this commit stored:
 * new, so a result redelivered after a writer died is not published twice.
 */
static void publish_live(natsConnection *nc, const struct store_result *r, size_t n,
			 struct js_writer_counts *cnt)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].outcome != STORE_NEW || r[i].refused)
			continue;
		struct stream_event ev = { .kind = STREAM_RESULT, .msm = r[i].msm_id,
					   .prb = r[i].agent_id, .payload = r[i].body,
					   .len = r[i].len };
		if (js_live_send(nc, &ev) == 0)
			cnt->live++;
	}
}

/*
 * Commit the fetched messages and ack them, or on a failed commit ask for
 * them again in a second; 0, or -1 if nothing could be stored.
 */
static int handle(struct store *st, natsConnection *nc, natsMsgList *list,
		  struct store_result *r, natsMsg **from, struct js_writer_counts *cnt)
{
	size_t n = 0;
	for (int i = 0; i < list->Count; i++)
		if (to_result(list->Msgs[i], &r[n]) == 0)
			from[n++] = list->Msgs[i];
	cnt->bad += (uint64_t)list->Count - n;
	char err[256];
	int added = n ? store_results_put_txn(st, r, n, err, sizeof err) : 0;
	if (added < 0) {
		cnt->commits_failed++;
		fprintf(stderr, "vantage-writer: commit of %zu results failed: %s\n", n, err);
		for (size_t i = 0; i < n; i++)
			natsMsg_NakWithDelay(from[i], 1000, NULL);
		return -1;
	}
	cnt->stored += (uint64_t)added;
	count(r, n, cnt);
	publish_live(nc, r, n, cnt);
	for (size_t i = 0; i < n; i++)
		natsMsg_Ack(from[i], NULL);
	return 0;
}

/* Fetch and commit until stopped; 0, or -1 with err. */
static int loop(const struct js_writer_opts *o, struct js_link *l, natsSubscription *sub,
		struct store *st, struct js_writer_counts *cnt, char *err, size_t errlen)
{
	struct store_result *r = calloc((size_t)o->batch, sizeof *r);
	natsMsg **from = calloc((size_t)o->batch, sizeof *from);
	int rc = r && from ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	while (rc == 0 && !stopping(o->stop)) {
		natsMsgList list = { 0 };
		jsErrCode jerr = 0;
		natsStatus s = natsSubscription_Fetch(&list, sub, o->batch, 1000, &jerr);
		if (s == NATS_OK && handle(st, l->nc, &list, r, from, cnt) < 0)
			nats_Sleep(1000);             /* the store is away: try again in a second */
		else if (s != NATS_OK && s != NATS_TIMEOUT)
			nats_Sleep(200);              /* the cluster is electing or reconnecting */
		natsMsgList_Destroy(&list);
		natsConnection_Flush(l->nc);
	}
	free(r);
	free(from);
	return rc;
}

/*
 * Connect, make sure of the stream and bind to the consumer, again every
 * second until it works or the writer is stopped (a writer started while a
 * node is down or the cluster elects may time out); the subscription or NULL.
 */
static natsSubscription *attach(const struct js_writer_opts *o, struct js_link *l)
{
	char err[400];
	while (!stopping(o->stop)) {
		natsSubscription *sub = NULL;
		if (js_link_open(l, o->nats, NULL, NULL, err, sizeof err) == 0 &&
		    js_link_stream(l, o->replicas, err, sizeof err) == 0 &&
		    (sub = consumer(l, o->ack_wait, err, sizeof err)) != NULL)
			return sub;
		fprintf(stderr, "vantage-writer: %s; trying again in a second\n", err);
		js_link_close(l);
		nats_Sleep(1000);
	}
	return NULL;
}

/* See js_writer.h. */
int js_writer_run(const struct js_writer_opts *o, struct js_writer_counts *cnt,
		  char *err, size_t errlen)
{
	*cnt = (struct js_writer_counts){ 0 };
	struct js_link l = { 0 };
	struct store *st = store_open(o->store, err, errlen);
	if (!st)
		return -1;
	natsSubscription *sub = attach(o, &l);
	int rc = sub ? loop(o, &l, sub, st, cnt, err, errlen) : 0;
	if (sub)
		natsSubscription_Destroy(sub);
	js_link_close(&l);
	st->ops->close(st);
	return rc;
}
