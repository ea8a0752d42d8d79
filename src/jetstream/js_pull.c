/*
 * js_pull: fetching from a durable pull consumer (see js_pull.h) with our
 * own requests on a plain subscription, not libnats's pull subscription.
 *
 * Why: libnats 3.4's natsSubscription_Fetch (Debian 12's) writes past its
 * array when messages of an earlier request wait in the subscription and
 * are more than half the batch: it takes them, lowers the batch it asks
 * for by as many, then collects until its count equals that lower figure,
 * which it already exceeds, so every later message goes past the end (fixed
 * upstream in 3.9, nats.c #749). Under load requests outlive their fetch
 * (the server gets them late and holds them longer), so the writer met it:
 * "double free or corruption (out)" in the 10,000-agent bench. Here
 * nothing is stored past max; what comes beyond waits for the next fetch.
 *
 * The protocol (JetStream's pull API): a request {"batch":N,"expires":ns}
 * or {"batch":N,"no_wait":true} to $JS.API.CONSUMER.MSG.NEXT.STREAM.DURABLE
 * with our inbox as reply; the messages come to the inbox, and status
 * messages without data (404 no messages, 408 request expired, 100 idle
 * heartbeat, 409 ...) end or keep the wait. Acks go to a message's reply
 * subject: +ACK, -NAK {"delay":ns}, +TERM.
 */
#include "jetstream/js_pull.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Make the durable consumer unless it exists (another writer may make it at the same time). */
static natsStatus make_consumer(jsCtx *js, const char *stream, const char *durable,
				const char *filter, int ack_wait)
{
	jsConsumerInfo *ci = NULL;
	jsErrCode jerr = 0;
	natsStatus s = js_GetConsumerInfo(&ci, js, stream, durable, NULL, &jerr);
	if (s == NATS_OK) {
		jsConsumerInfo_Destroy(ci);
		return NATS_OK;
	}
	jsConsumerConfig cc;
	jsConsumerConfig_Init(&cc);
	cc.Durable = durable;
	cc.AckPolicy = js_AckExplicit;
	cc.AckWait = (int64_t)ack_wait * 1000000000;   /* nanoseconds */
	cc.MaxAckPending = 50000;
	cc.FilterSubject = filter;
	s = js_AddConsumer(&ci, js, stream, &cc, NULL, &jerr);
	jsConsumerInfo_Destroy(ci);
	if (s != NATS_OK && js_GetConsumerInfo(&ci, js, stream, durable, NULL, NULL) == NATS_OK) {
		jsConsumerInfo_Destroy(ci);   /* made by another meanwhile */
		s = NATS_OK;
	}
	return s;
}

/* See js_pull.h. */
int js_pull_open(struct js_pull *p, struct js_link *l, const char *stream, const char *durable,
		 const char *filter, int ack_wait, char *err, size_t errlen)
{
	*p = (struct js_pull){ .nc = l->nc };
	char what[200];
	snprintf(what, sizeof what, "pull consumer %s", durable);
	snprintf(p->next, sizeof p->next, "$JS.API.CONSUMER.MSG.NEXT.%s.%s", stream, durable);
	natsInbox *inbox = NULL;
	natsStatus s = make_consumer(l->js, stream, durable, filter, ack_wait);
	if (s == NATS_OK)
		s = natsInbox_Create(&inbox);
	if (s == NATS_OK)
		s = natsConnection_SubscribeSync(&p->sub, l->nc, inbox);
	if (s == NATS_OK)   /* bounded by the requests' batches; never dropped as slow */
		s = natsSubscription_SetPendingLimits(p->sub, -1, -1);
	natsInbox_Destroy(inbox);
	if (s != NATS_OK) {
		js_link_error(s, what, err, errlen);
		js_pull_close(p);
		return -1;
	}
	return 0;
}

/* Ask for batch messages: at once what there is (no_wait), or waiting up to wait_ms. */
static natsStatus request(struct js_pull *p, int batch, int no_wait, int64_t wait_ms)
{
	char body[96];
	if (no_wait)
		snprintf(body, sizeof body, "{\"batch\":%d,\"no_wait\":true}", batch);
	else   /* ends a little before our wait, as libnats does */
		snprintf(body, sizeof body, "{\"batch\":%d,\"expires\":%" PRId64 "}", batch,
			 (wait_ms > 20 ? wait_ms - 10 : wait_ms) * 1000000);
	return natsConnection_PublishRequestString(p->nc, p->next,
						   natsSubscription_GetSubject(p->sub), body);
}

/* m's status code (404, 408, 100, ...), or 0 for a message of the stream. */
static int status_of(natsMsg *m)
{
	const char *v = NULL;
	if (natsMsg_GetDataLength(m) > 0 || natsMsgHeader_Get(m, "Status", &v) != NATS_OK || !v)
		return 0;
	return atoi(v);
}

/* See js_pull.h. */
int js_pull_fetch(struct js_pull *p, natsMsg **msgs, int max, int timeout_ms)
{
	int n = 0, asked = 0, no_wait = 1;
	int64_t deadline = nats_Now() + timeout_ms;
	while (n < max) {
		int64_t left = deadline - nats_Now();
		natsMsg *m = NULL;
		/* first what waits (late messages of earlier requests), then ask, then wait */
		natsStatus s = natsSubscription_NextMsg(&m, p->sub, 0);
		if (s == NATS_TIMEOUT && left > 0 && !asked) {
			asked = 1;
			if ((s = request(p, max - n, no_wait, left)) == NATS_OK)
				continue;
		} else if (s == NATS_TIMEOUT && left > 0) {
			s = natsSubscription_NextMsg(&m, p->sub, left);
		}
		if (s == NATS_TIMEOUT || s == NATS_SLOW_CONSUMER)
			break;
		if (s != NATS_OK)
			return n ? n : -1;
		int status = status_of(m);
		if (status == 0) {
			msgs[n++] = m;
			continue;
		}
		natsMsg_Destroy(m);
		if (status == 100)                    /* an idle heartbeat */
			continue;
		if (n > 0)                            /* no more now (404, 408) or an error: done */
			break;
		if (no_wait && asked && (status == 404 || status == 408)) {
			no_wait = 0;                  /* nothing now: wait for the first */
			asked = 0;
		}
	}
	return n;
}

/* Send body on m's reply subject (JetStream's ack subject of that delivery). */
static natsStatus reply(struct js_pull *p, natsMsg *m, const char *body)
{
	const char *to = natsMsg_GetReply(m);
	if (!to || !*to)
		return NATS_ILLEGAL_STATE;
	return natsConnection_PublishString(p->nc, to, body);
}

/* See js_pull.h. */
natsStatus js_pull_ack(struct js_pull *p, natsMsg *m)
{
	return reply(p, m, "+ACK");
}

/* See js_pull.h. */
natsStatus js_pull_nak(struct js_pull *p, natsMsg *m, int delay_ms)
{
	char body[64];
	snprintf(body, sizeof body, "-NAK {\"delay\":%" PRId64 "}", (int64_t)delay_ms * 1000000);
	return reply(p, m, body);
}

/* See js_pull.h. */
natsStatus js_pull_term(struct js_pull *p, natsMsg *m)
{
	return reply(p, m, "+TERM");
}

/* See js_pull.h. */
void js_pull_close(struct js_pull *p)
{
	if (p->sub)
		natsSubscription_Destroy(p->sub);
	p->sub = NULL;
}
