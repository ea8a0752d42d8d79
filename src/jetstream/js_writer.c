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
#include "jetstream/js_pull.h"
#include "jetstream/js_result.h"
#include "store/store.h"

/* True once one of the stop signals is pending (it is taken). */
static int stopping(const sigset_t *stop)
{
	struct timespec zero = { 0, 0 };
	return stop && sigtimedwait(stop, NULL, &zero) > 0;
}

/*
 * Turn message m into r (its body borrowed from m); 0, or -1 when m is not
 * a result (logged; it is terminated, never redelivered).
 */
static int to_result(struct js_pull *p, natsMsg *m, struct store_result *r)
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
		js_pull_term(p, m);
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
 * Commit the n fetched messages and ack them, or on a failed commit ask for
 * them again in a second; 0, or -1 if nothing could be stored.
 */
static int handle(struct store *st, struct js_pull *p, natsMsg **msgs, int got,
		  struct store_result *r, natsMsg **from, struct js_writer_counts *cnt)
{
	size_t n = 0;
	for (int i = 0; i < got; i++)
		if (to_result(p, msgs[i], &r[n]) == 0)
			from[n++] = msgs[i];
	cnt->bad += (uint64_t)got - n;
	char err[256];
	int added = n ? store_results_put_txn(st, r, n, err, sizeof err) : 0;
	if (added < 0) {
		cnt->commits_failed++;
		fprintf(stderr, "vantage-writer: commit of %zu results failed: %s\n", n, err);
		for (size_t i = 0; i < n; i++)
			js_pull_nak(p, from[i], 1000);
		return -1;
	}
	cnt->stored += (uint64_t)added;
	count(r, n, cnt);
	publish_live(p->nc, r, n, cnt);
	for (size_t i = 0; i < n; i++)
		js_pull_ack(p, from[i]);
	return 0;
}

/* Fetch and commit until stopped; 0, or -1 with err. */
static int loop(const struct js_writer_opts *o, struct js_pull *p, struct store *st,
		struct js_writer_counts *cnt, char *err, size_t errlen)
{
	struct store_result *r = calloc((size_t)o->batch, sizeof *r);
	natsMsg **from = calloc((size_t)o->batch, sizeof *from);
	natsMsg **msgs = calloc((size_t)o->batch, sizeof *msgs);
	int rc = r && from && msgs ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	while (rc == 0 && !stopping(o->stop)) {
		int got = js_pull_fetch(p, msgs, o->batch, 1000);
		if (got > 0 && handle(st, p, msgs, got, r, from, cnt) < 0)
			nats_Sleep(1000);             /* the store is away: try again in a second */
		else if (got < 0)
			nats_Sleep(200);              /* the cluster is electing or reconnecting */
		for (int i = 0; i < got; i++)
			natsMsg_Destroy(msgs[i]);
		natsConnection_Flush(p->nc);
	}
	free(r);
	free(from);
	free(msgs);
	return rc;
}

/*
 * Connect, make sure of the stream and bind to the consumer, again every
 * second until it works or the writer is stopped (a writer started while a
 * node is down or the cluster elects may time out); 0, or -1 when stopped.
 */
static int attach(const struct js_writer_opts *o, struct js_link *l, struct js_pull *p)
{
	char err[400];
	while (!stopping(o->stop)) {
		if (js_link_open(l, o->nats, NULL, NULL, err, sizeof err) == 0 &&
		    js_link_stream(l, o->replicas, err, sizeof err) == 0 &&
		    js_pull_open(p, l, JS_STREAM_NAME, JS_DURABLE, JS_SUBJECTS, o->ack_wait,
				 err, sizeof err) == 0)
			return 0;
		fprintf(stderr, "vantage-writer: %s; trying again in a second\n", err);
		js_link_close(l);
		nats_Sleep(1000);
	}
	return -1;
}

/* See js_writer.h. */
int js_writer_run(const struct js_writer_opts *o, struct js_writer_counts *cnt,
		  char *err, size_t errlen)
{
	*cnt = (struct js_writer_counts){ 0 };
	struct js_link l = { 0 };
	struct js_pull p = { 0 };
	struct store *st = store_open(o->store, err, errlen);
	if (!st)
		return -1;
	int attached = attach(o, &l, &p) == 0;
	int rc = attached ? loop(o, &p, st, cnt, err, errlen) : 0;
	js_pull_close(&p);
	js_link_close(&l);
	st->ops->close(st);
	return rc;
}
