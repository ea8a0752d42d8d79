/*
 * stream_hub: the clients of the live stream, their subscriptions, and the
 * fan-out of published events to them (see stream.h). Each event is framed
 * once as "[type,payload]" and the same bytes go to every client that
 * matches. Before each write the client's unsent bytes are checked against
 * the hub's bound: a client that would pass it is cut as a slow reader.
 * The results a client's backlog sent are remembered for a while, and the
 * same results arriving live are not sent it twice (stream.h).
 */
#include "stream/stream.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#define MAX_SUBS 16                 /* subscriptions per client */
#define DEFAULT_MAX_PENDING (1024 * 1024)

/* A result a backlog sent: measurement, probe, timestamp. */
struct sent_key {
	int64_t msm, prb, ts;
};

struct stream_client {
	TAILQ_ENTRY(stream_client) link;
	struct sent_key *sent;      /* what backlogs sent, looked for among live results */
	size_t nsent, capsent;
	int64_t sent_until;         /* monotonic second after which sent is forgotten */
	struct stream_hub *hub;
	int64_t key_id;
	struct stream_sink sink;
	struct stream_sub subs[MAX_SUBS];
	int nsubs;
	int cut;
};

struct stream_hub {
	TAILQ_HEAD(, stream_client) clients;
	size_t max_pending;
	struct stream_access access;
	struct stream_stats stats;
	size_t nsubs[STREAM_METADATA + 1];  /* subscriptions of each kind, all clients */
	char *frame;                        /* the message being fanned out */
	size_t frame_cap;
};

/* See stream.h. */
struct stream_hub *stream_hub_new(size_t max_pending, const struct stream_access *access)
{
	struct stream_hub *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	TAILQ_INIT(&h->clients);
	h->max_pending = max_pending ? max_pending : DEFAULT_MAX_PENDING;
	if (access)
		h->access = *access;
	return h;
}

/* See stream.h. */
void stream_hub_free(struct stream_hub *h)
{
	if (!h)
		return;
	free(h->frame);
	free(h);
}

/* See stream.h. */
struct stream_stats stream_hub_stats(const struct stream_hub *h)
{
	return h->stats;
}

/* See stream.h. */
struct stream_client *stream_client_new(struct stream_hub *h, int64_t key_id,
					const struct stream_sink *sink)
{
	struct stream_client *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->hub = h;
	c->key_id = key_id;
	c->sink = *sink;
	TAILQ_INSERT_TAIL(&h->clients, c, link);
	h->stats.clients++;
	return c;
}

/* See stream.h. */
void stream_client_free(struct stream_client *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nsubs; i++)
		c->hub->nsubs[c->subs[i].kind]--;
	TAILQ_REMOVE(&c->hub->clients, c, link);
	free(c->sent);
	free(c);
}

static int64_t mono_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* See stream.h. */
int stream_client_backlog_sent(struct stream_client *c, int64_t msm, int64_t prb, int64_t ts)
{
	if (c->nsent == c->capsent) {
		size_t cap = c->capsent ? 2 * c->capsent : 64;
		struct sent_key *k = realloc(c->sent, cap * sizeof *k);
		if (!k)
			return -1;
		c->sent = k;
		c->capsent = cap;
	}
	c->sent[c->nsent++] = (struct sent_key){ msm, prb, ts };
	c->sent_until = mono_now() + STREAM_HANDOVER_SECONDS;
	return 0;
}

/* The "timestamp" of result event ev's payload, or -1 when it has none. */
static int64_t result_ts(const struct stream_event *ev)
{
	json_t *r = json_loadb(ev->payload, ev->len, 0, NULL);
	json_t *t = json_object_get(r, "timestamp");
	int64_t ts = json_is_integer(t) ? json_integer_value(t) : -1;
	json_decref(r);
	return ts;
}

/*
 * Did a backlog already send c result event ev? *ts caches ev's timestamp
 * (-2: not read yet) across the clients of one event.
 */
static int sent_before(struct stream_client *c, const struct stream_event *ev, int64_t *ts)
{
	if (ev->kind != STREAM_RESULT || c->nsent == 0)
		return 0;
	if (mono_now() > c->sent_until) {   /* the hand-over is long done */
		free(c->sent);
		c->sent = NULL;
		c->nsent = c->capsent = 0;
		return 0;
	}
	if (*ts == -2)
		*ts = result_ts(ev);
	for (size_t i = 0; *ts >= 0 && i < c->nsent; i++)
		if (c->sent[i].msm == ev->msm && c->sent[i].prb == ev->prb && c->sent[i].ts == *ts)
			return 1;
	return 0;
}

/* See stream.h. */
int stream_client_fits(const struct stream_client *c, size_t len)
{
	size_t pending = c->sink.pending(c->sink.arg);
	return !c->cut && (pending == 0 || pending + len + 32 <= c->hub->max_pending);
}

/* See stream.h. */
int stream_client_is_cut(const struct stream_client *c)
{
	return c->cut;
}

/* Cut c with reason (once). */
static void cut(struct stream_client *c, const char *reason)
{
	if (c->cut)
		return;
	c->cut = 1;
	c->sink.cut(c->sink.arg, reason);
}

/*
 * Write msg to c unless it would pass the bound; 0 or -1 (c cut). A client
 * that has read everything takes any one message, however long (a result
 * may be longer than the bound).
 */
static int write_bounded(struct stream_client *c, const char *msg, size_t len)
{
	if (c->cut)
		return -1;
	size_t pending = c->sink.pending(c->sink.arg);
	if (pending > 0 && pending + len > c->hub->max_pending) {
		char why[160];
		snprintf(why, sizeof why, "slow reader: %zu bytes unread, over the limit of %zu",
			 pending + len, c->hub->max_pending);
		c->hub->stats.cut_slow++;
		cut(c, why);
		return -1;
	}
	if (c->sink.write(c->sink.arg, msg, len) < 0) {
		cut(c, "write failed");
		return -1;
	}
	return 0;
}

/* Frame [type,payload] into the hub's buffer; its length, or 0 on ENOMEM. */
static size_t frame(struct stream_hub *h, const char *type, const char *payload, size_t len)
{
	size_t need = strlen(type) + len + 8;
	if (need > h->frame_cap) {
		char *p = realloc(h->frame, need);
		if (!p)
			return 0;
		h->frame = p;
		h->frame_cap = need;
	}
	int n = snprintf(h->frame, h->frame_cap, "[\"%s\",", type);
	memcpy(h->frame + n, payload, len);
	h->frame[n + len] = ']';
	h->frame[n + len + 1] = 0;
	return (size_t)n + len + 1;
}

/* See stream.h. */
int stream_client_send(struct stream_client *c, const char *type, const char *payload, size_t len)
{
	if (c->cut)
		return -1;
	size_t n = frame(c->hub, type, payload, len);
	if (n == 0) {
		cut(c, "out of memory");
		return -1;
	}
	return write_bounded(c, c->hub->frame, n);
}

/* See stream.h. */
int stream_client_error(struct stream_client *c, const char *text)
{
	json_t *o = json_pack("{s:s}", "message", text);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	int rc = s ? stream_client_send(c, "atlas_error", s, strlen(s)) : -1;
	free(s);
	return rc;
}

/* May c read events of sub? Results: the key must own the measurement. 0 or -1 with err. */
static int allowed(struct stream_client *c, const struct stream_sub *sub, char *err, size_t errlen)
{
	struct stream_access *a = &c->hub->access;
	if (sub->kind == STREAM_PROBESTATUS)
		return 0;
	if (c->key_id == 0) {
		snprintf(err, errlen, "%s stream: an API key is needed (Authorization: Key ..."
			 " or ?key=)", stream_kind_name(sub->kind));
		return -1;
	}
	if (sub->kind != STREAM_RESULT)
		return 0;   /* metadata: each event is checked against its owner */
	int ok = a->msm_readable ? a->msm_readable(a->arg, c->key_id, sub->msm, err, errlen) : 0;
	if (ok == 0)
		snprintf(err, errlen, "measurement %lld: not found", (long long)sub->msm);
	return ok == 1 ? 0 : -1;
}

/* The index of c's subscription equal to sub, or -1. */
static int find(const struct stream_client *c, const struct stream_sub *sub)
{
	for (int i = 0; i < c->nsubs; i++)
		if (stream_sub_same(&c->subs[i], sub))
			return i;
	return -1;
}

/* Is there room for sub in c (or is it there already)? 0 or -1 with err. */
static int room(const struct stream_client *c, const struct stream_sub *sub, char *err,
		size_t errlen)
{
	if (c->nsubs < MAX_SUBS || find(c, sub) >= 0)
		return 0;
	snprintf(err, errlen, "at most %d subscriptions a connection", MAX_SUBS);
	return -1;
}

/* Add sub to c (room() said there is room). */
static void add(struct stream_client *c, const struct stream_sub *sub)
{
	int i = find(c, sub);
	if (i >= 0) {
		c->subs[i].send_backlog = sub->send_backlog;
		return;
	}
	c->subs[c->nsubs++] = *sub;
	c->hub->nsubs[sub->kind]++;
}

/*
 * See stream.h. The backlog is sent before the subscription is added: a
 * result committed while the backlog is read comes through the backlog and
 * not live as well (all of this runs in one callback of the loop).
 */
int stream_client_subscribe(struct stream_client *c, const struct stream_sub *sub,
			    char *err, size_t errlen)
{
	char text[200];
	int rc = 0;
	if (stream_sub_check(sub, err, errlen) < 0 || allowed(c, sub, err, errlen) < 0 ||
	    room(c, sub, err, errlen) < 0) {
		stream_client_error(c, err);
		return -1;
	}
	stream_sub_json(sub, text, sizeof text);
	if (stream_client_send(c, "atlas_subscribed", text, strlen(text)) < 0)
		return -1;
	struct stream_access *a = &c->hub->access;
	if (sub->send_backlog && sub->kind == STREAM_RESULT && a->backlog &&
	    a->backlog(a->arg, c, sub, err, errlen) < 0) {
		stream_client_error(c, err);   /* the subscription stands all the same */
		rc = -1;
	}
	add(c, sub);
	return c->cut ? -1 : rc;
}

/* Take sub away from c; 0 or -1 with err when c has no such subscription. */
static int unsubscribe(struct stream_client *c, const struct stream_sub *sub, char *err,
		       size_t errlen)
{
	int i = find(c, sub);
	if (i < 0) {
		snprintf(err, errlen, "no such subscription");
		return -1;
	}
	c->hub->nsubs[sub->kind]--;
	c->subs[i] = c->subs[--c->nsubs];
	return 0;
}

/* See stream.h. */
int stream_client_input(struct stream_client *c, const char *text, size_t len)
{
	enum stream_op op;
	struct stream_sub sub;
	char err[256];
	if (c->cut)
		return -1;
	if (stream_msg_parse(text, len, &op, &sub, err, sizeof err) < 0) {
		stream_client_error(c, err);
	} else if (op == STREAM_OP_SUBSCRIBE) {
		stream_client_subscribe(c, &sub, err, sizeof err);
	} else if (unsubscribe(c, &sub, err, sizeof err) < 0) {
		stream_client_error(c, err);
	} else {
		char echo[200];
		stream_sub_json(&sub, echo, sizeof echo);
		stream_client_send(c, "atlas_unsubscribed", echo, strlen(echo));
	}
	return c->cut ? -1 : 0;
}

/* See stream.h. */
int stream_hub_wants(const struct stream_hub *h, enum stream_kind kind, int64_t msm)
{
	if (kind < STREAM_RESULT || kind > STREAM_METADATA || h->nsubs[kind] == 0)
		return 0;
	if (kind != STREAM_RESULT)
		return 1;
	const struct stream_client *c;
	TAILQ_FOREACH(c, &h->clients, link)
		for (int i = 0; i < c->nsubs; i++)
			if (c->subs[i].kind == kind && c->subs[i].msm == msm)
				return 1;
	return 0;
}

/* Does ev go to c: a matching subscription, and a key that may read it? */
static int takes(const struct stream_client *c, const struct stream_event *ev)
{
	if (c->cut || (ev->kind == STREAM_METADATA && (c->key_id == 0 || ev->owner_key != c->key_id)))
		return 0;
	for (int i = 0; i < c->nsubs; i++)
		if (stream_sub_match(&c->subs[i], ev->kind, ev->msm, ev->prb, ev->type))
			return 1;
	return 0;
}

/* See stream.h. */
void stream_publish(struct stream_hub *h, const struct stream_event *ev)
{
	h->stats.events++;
	if (ev->kind < STREAM_RESULT || ev->kind > STREAM_METADATA || h->nsubs[ev->kind] == 0)
		return;
	size_t n = 0;
	int64_t ts = -2;
	struct stream_client *c;
	TAILQ_FOREACH(c, &h->clients, link) {
		if (!takes(c, ev) || sent_before(c, ev, &ts))
			continue;
		if (n == 0 && !(n = frame(h, stream_kind_message(ev->kind), ev->payload, ev->len)))
			return;
		if (write_bounded(c, h->frame, n) == 0)
			h->stats.delivered++;
	}
}
