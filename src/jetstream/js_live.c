/*
 * js_live: the live stream over core NATS (see js_live.h): publishing,
 * and the subscription whose messages reach the hub on the loop.
 */
#include "jetstream/js_live.h"

#include <event2/event.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jetstream/js_link.h"
#include "jetstream/js_live_msg.h"
#include "stream/stream_result.h"

#define CLOSE_WAIT_S 5
#define CLOSE_FLUSH_MS 5000

struct js_live {
	struct js_link link;
	natsSubscription *sub;
	struct stream_hub *hub;
	struct event *wake;           /* activated by the handler: feed the hub */
	const char *who;
	pthread_mutex_t mu;           /* guards q, nq, done and the counters the handler changes */
	pthread_cond_t done_cv;
	int done;                     /* libnats will call on_msg no more */
	natsMsg **q;                  /* JS_LIVE_QUEUE_MAX slots */
	size_t nq;
	struct js_live_stats st;
};

/* See js_live.h. */
int js_live_send(natsConnection *nc, const struct stream_event *ev)
{
	natsMsg *m = NULL;
	natsStatus s = js_live_msg(ev, &m);
	if (s == NATS_OK)
		s = natsConnection_PublishMsg(nc, m);
	natsMsg_Destroy(m);
	return s == NATS_OK ? 0 : -1;
}

/* See js_live.h. */
int js_live_publish(struct js_live *l, const struct stream_event *ev)
{
	int rc = js_live_send(l->link.nc, ev);
	if (rc == 0) {
		pthread_mutex_lock(&l->mu);
		l->st.published++;
		pthread_mutex_unlock(&l->mu);
	}
	return rc;
}

/* libnats's thread: queue m for the loop (or drop it when the queue is full). */
static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *m, void *arg)
{
	(void)nc;
	(void)sub;
	struct js_live *l = arg;
	pthread_mutex_lock(&l->mu);
	int first = l->nq == 0, kept = l->nq < JS_LIVE_QUEUE_MAX;
	if (kept)
		l->q[l->nq++] = m;
	else
		l->st.dropped++;
	l->st.received++;
	pthread_mutex_unlock(&l->mu);
	if (!kept)
		natsMsg_Destroy(m);
	else if (first)
		event_active(l->wake, EV_READ, 0);
}

/* libnats's thread: the subscription is closed, on_msg runs no more. */
static void on_complete(void *arg)
{
	struct js_live *l = arg;
	pthread_mutex_lock(&l->mu);
	l->done = 1;
	pthread_cond_signal(&l->done_cv);
	pthread_mutex_unlock(&l->mu);
}

/*
 * Hand ev to the hub; for a result, its body becomes the API's object
 * first, and only when some client streams its measurement. 0, or -1 when
 * the body is not JSON of the right shape.
 */
static int feed(struct stream_hub *h, struct stream_event *ev)
{
	if (!stream_hub_wants(h, ev->kind, ev->msm))
		return 0;
	json_t *o = ev->kind == STREAM_RESULT ?
		stream_result_object(ev->payload, ev->len, ev->prb, ev->msm) :
		json_loadb(ev->payload, ev->len, 0, NULL);
	char *text = json_is_object(o) ? json_dumps(o, JSON_COMPACT) : NULL;
	if (text) {
		if (ev->kind == STREAM_RESULT)
			ev->type = json_string_value(json_object_get(o, "type"));
		ev->payload = text;
		ev->len = strlen(text);
		stream_publish(h, ev);
	}
	free(text);
	json_decref(o);
	return text ? 0 : -1;
}

/* One received message into the hub; logs and counts one that is not an event. */
static void deliver(struct js_live *l, natsMsg *m)
{
	struct js_live_fields f = { .subject = natsMsg_GetSubject(m) };
	natsMsgHeader_Get(m, "Vantage-Msm", &f.msm);
	natsMsgHeader_Get(m, "Vantage-Prb", &f.prb);
	natsMsgHeader_Get(m, "Vantage-Key", &f.key);
	natsMsgHeader_Get(m, "Vantage-Type", &f.type);
	struct stream_event ev = { .payload = natsMsg_GetData(m),
				   .len = (size_t)natsMsg_GetDataLength(m) };
	char err[160];
	int rc = js_live_parse(&f, &ev, err, sizeof err);
	if (rc == 0 && feed(l->hub, &ev) < 0) {
		snprintf(err, sizeof err, "%s: the body is not a JSON object", f.subject);
		rc = -1;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: live event dropped: %s\n", l->who, err);
		l->st.bad++;
	}
}

/* The loop: take what the handler queued and feed the hub with it. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct js_live *l = arg;
	natsMsg *batch[256];
	size_t n;
	do {
		pthread_mutex_lock(&l->mu);
		n = l->nq < 256 ? l->nq : 256;
		memcpy(batch, l->q, n * sizeof *batch);
		memmove(l->q, l->q + n, (l->nq - n) * sizeof *l->q);
		l->nq -= n;
		pthread_mutex_unlock(&l->mu);
		for (size_t i = 0; i < n; i++) {
			deliver(l, batch[i]);
			natsMsg_Destroy(batch[i]);
		}
	} while (n == 256);
}

/* Subscribe l to every live event; 0 or -1 with err. */
static int subscribe(struct js_live *l, struct event_base *base, char *err, size_t errlen)
{
	if (!(l->q = calloc(JS_LIVE_QUEUE_MAX, sizeof *l->q)) ||
	    !(l->wake = event_new(base, -1, 0, on_wake, l))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	natsStatus s = natsConnection_Subscribe(&l->sub, l->link.nc, JS_LIVE_SUBJECTS, on_msg, l);
	if (s == NATS_OK)
		s = natsSubscription_SetOnCompleteCB(l->sub, on_complete, l);
	if (s == NATS_OK)
		s = natsSubscription_SetPendingLimits(l->sub, -1, -1);   /* our queue bounds it */
	if (s != NATS_OK) {
		js_link_error(s, "subscribing to " JS_LIVE_SUBJECTS, err, errlen);
		return -1;
	}
	return 0;
}

/* See js_live.h. */
struct js_live *js_live_open(struct event_base *base, const char *urls, struct stream_hub *hub,
			     const char *who, char *err, size_t errlen)
{
	struct js_live *l = calloc(1, sizeof *l);
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->done_cv, NULL);
	l->hub = hub;
	l->who = who;
	char why[400];
	if (js_link_open(&l->link, urls, base, NULL, why, sizeof why) < 0) {
		snprintf(err, errlen, "live stream through %s: %s", urls, why);
		js_live_close(l);
		return NULL;
	}
	if (hub && subscribe(l, base, err, errlen) < 0) {
		js_live_close(l);
		return NULL;
	}
	return l;
}

/* See js_live.h. */
struct js_live_stats js_live_stats(const struct js_live *l)
{
	struct js_live_stats st;
	pthread_mutex_lock((pthread_mutex_t *)&l->mu);
	st = l->st;
	pthread_mutex_unlock((pthread_mutex_t *)&l->mu);
	return st;
}

/*
 * Unsubscribe and wait until libnats says its handler runs no more (the
 * loop need not run for it; a drain would wait for the server's answer on
 * the loop); 0, or -1 if it did not say so in CLOSE_WAIT_S.
 */
static int unsubscribe(struct js_live *l)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CLOSE_WAIT_S;
	if (natsSubscription_Unsubscribe(l->sub) != NATS_OK)
		natsConnection_Close(l->link.nc);   /* also completes the subscription */
	pthread_mutex_lock(&l->mu);
	int rc = 0;
	while (!l->done && rc == 0)
		rc = pthread_cond_timedwait(&l->done_cv, &l->mu, &until);
	int done = l->done;
	pthread_mutex_unlock(&l->mu);
	return done ? 0 : -1;
}

/* See js_live.h. */
void js_live_close(struct js_live *l)
{
	if (!l)
		return;
	if (l->sub && unsubscribe(l) < 0) {
		fprintf(stderr, "%s: the live stream's subscription did not end; left open\n", l->who);
		return;
	}
	/* What was published last (a front-end's disconnects at its shutdown) is still
	   in libnats's buffer, which only the loop writes; the loop has ended. */
	natsStatus s = l->link.nc ? js_link_flush(&l->link, CLOSE_FLUSH_MS) : NATS_OK;
	if (s != NATS_OK)
		fprintf(stderr, "%s: the live stream's last events may be lost: %s\n", l->who,
			natsStatus_GetText(s));
	natsSubscription_Destroy(l->sub);
	js_link_close(&l->link);
	for (size_t i = 0; i < l->nq; i++)
		natsMsg_Destroy(l->q[i]);
	free(l->q);
	if (l->wake)
		event_free(l->wake);
	pthread_cond_destroy(&l->done_cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}
