/*
 * ingest_nats: the front-end's half of ingest through NATS JetStream
 * (controller option `ingest nats://...`). A batch that ingest.c would
 * commit to the store is instead published, one message per result
 * (src/jetstream/js_result.h: message id AGENT.EPOCH.SEQ, which JetStream
 * deduplicates), to the replicated results stream; the store writers
 * (vantage-writer) commit it. An agent is acked only once JetStream has
 * acked every result of the batch up to that one: the batch is kept "in
 * flight" until then, and batches are finished in the order they were
 * published, because an agent's ack covers everything before it.
 *
 * libnats runs its connection's I/O on our libevent loop (its adapter), but
 * calls the publish-ack handler on a thread of its own; that handler only
 * queues (flight, index, outcome) under a mutex and writes a byte to a
 * pipe, whose read event hands the queue to the loop.
 *
 * The wait for an ack before sending again grows with what is in flight
 * over the measured ack rate (publish_wait.h), so a slow cluster is not
 * sent its whole backlog twice.
 *
 * Results in flight are bounded (option ingest_in_flight, 2048): at it the front-end stops
 * reading from its agents until JetStream has acked half of them, so an
 * agent waits in its socket rather than in a queue of publishes that outlive
 * their MaxWait. The bound is hard: it counts the results taken into the
 * batch not yet published too, and the hold is taken with the result that
 * reaches it, on every session's connection (conn_hold), so frames already
 * read from a socket wait as well; a session admitted while held is held. (Unbounded, 10,000 agents with 4 results each put 40,000
 * publishes in flight; a loaded 3-node cluster acks a few thousand a second,
 * so most passed the 5 s limit and every such session was closed.) A publish
 * not acked in time (publish_wait.h, doubling at each try), or that found no JetStream,
 * is sent again with the same message id (JetStream drops a copy it holds) up to PUBLISH_TRIES times; one
 * that JetStream refuses, or that fails every try, closes its agent's session
 * after acking what came before it: the agent sends the rest again.
 */
#include "controller/controller_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jetstream/js_link.h"
#include "controller/publish_wait.h"
#include "jetstream/js_result.h"

#define PUBLISH_TRIES 4           /* sends of one result before its session is closed */
#define MAX_PENDING 200000        /* publishes in flight at most (libnats stalls past it) */
#define STREAM_ATTEMPTS 30        /* a second apart, at start-up */

/* One published batch waiting for JetStream's acks. */
struct js_flight {
	uint64_t id;
	struct store_result *batch;   /* owns the bodies */
	struct session **from;
	unsigned char *tries;         /* sends of each result so far */
	size_t n, waiting;
	struct js_flight *next;
};

/* An ack (or failure) of result idx of flight, queued by libnats's thread. */
struct js_done {
	uint64_t flight;
	size_t idx;
	enum store_outcome outcome;
	int retry;                    /* not acked in time or no responders: send it again */
};

struct ingest_js {
	struct controller *c;
	struct js_link link;
	int wake[2];                  /* the ack handler writes, the loop reads */
	struct event *wake_ev;
	pthread_mutex_t mu;           /* guards done, ndone, cap */
	struct js_done *done;
	size_t ndone, cap;
	struct js_flight *head, *tail;
	uint64_t next_id;
	size_t in_flight;             /* results published and not yet acked or failed */
	int holding;                  /* reading from agents paused (ingest_in_flight) */
	struct ack_rate acks;         /* JetStream's ack rate, for the wait before sending again */
};

/* libnats's thread: queue the outcome of one publish and wake the loop. */
static void on_puback(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
	(void)js;
	struct ingest_js *ij = closure;
	const char *ref = NULL;
	struct js_done d = { 0 };
	char *end = NULL;
	if (natsMsgHeader_Get(msg, "Vantage-Ref", &ref) == NATS_OK && ref) {
		d.flight = strtoull(ref, &end, 10);
		d.idx = *end == '.' ? strtoull(end + 1, NULL, 10) : 0;
		d.outcome = pa ? (pa->Duplicate ? STORE_DUPLICATE : STORE_NEW) : STORE_SKIPPED;
		d.retry = !pa && (!pae || pae->ErrCode == 0);   /* a JetStream error code is final */
		pthread_mutex_lock(&ij->mu);
		if (ij->ndone == ij->cap) {
			size_t cap = ij->cap ? 2 * ij->cap : 1024;
			struct js_done *p = realloc(ij->done, cap * sizeof *p);
			if (p) {
				ij->done = p;
				ij->cap = cap;
			}
		}
		int first = ij->ndone == 0;
		if (ij->ndone < ij->cap)
			ij->done[ij->ndone++] = d;   /* lost only if out of memory: the agent resends */
		pthread_mutex_unlock(&ij->mu);
		if (first && write(ij->wake[1], "", 1) < 0) {
			/* the pipe is full: a wake-up is pending already */
		}
	}
	natsMsg_Destroy(msg);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The flight named id, or NULL. */
static struct js_flight *flight_by_id(struct ingest_js *ij, uint64_t id)
{
	for (struct js_flight *f = ij->head; f; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

/*
 * Ack the sessions of a flight that JetStream holds entirely, then close
 * those with a result it did not take (they send it again), and free it.
 */
static void finish(struct ingest_js *ij, struct js_flight *f)
{
	struct controller *c = ij->c;
	struct session **failed = calloc(f->n ? f->n : 1, sizeof *failed);
	size_t nfailed = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct session *s = f->from[i];
		if (!s || f->batch[i].outcome != STORE_SKIPPED || !failed)
			continue;
		int seen = 0;
		for (size_t k = 0; k < nfailed; k++)
			seen |= failed[k] == s;
		if (!seen)
			failed[nfailed++] = s;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->batch[i].outcome == STORE_NEW) {
			c->stored++;
			/* a writer charges it as it commits: look at the payer soon */
			credits_charged(c, f->batch[i].charge_account);
		}
	ingest_send_acks(c, f->batch, f->from, f->n);
	for (size_t k = 0; k < nfailed; k++) {
		ctl_log(c, "agent %lld: JetStream did not take its result: closing the session, the"
			" agent sends it again", (long long)failed[k]->agent.id);
		conn_close(failed[k]->conn, "controller ingest error", "JetStream publish failed");
	}
	free(failed);
	for (size_t i = 0; i < f->n; i++)
		free((char *)f->batch[i].body);
	free(f->batch);
	free(f->from);
	free(f->tries);
	free(f);
}

static int publish_one(struct ingest_js *ij, struct js_flight *f, size_t i);

/*
 * Pause reading from every admitted agent (on 0) or take it up again (on 1),
 * except where a quota pause (quota.c) still runs. Their silence while held
 * is ours, so the heartbeat clock starts again.
 */
static void set_reading(struct controller *c, int on)
{
	struct session *s;
	int64_t now = ctl_now_mono();
	TAILQ_FOREACH(s, &c->sessions, link) {
		if (!s->admitted)
			continue;
		struct bufferevent *bev = conn_bev(s->conn);
		conn_hold(s->conn, !on);   /* also what is read already */
		if (!on)
			bufferevent_disable(bev, EV_READ);
		else if (!s->resume || !evtimer_pending(s->resume, NULL)) {
			bufferevent_enable(bev, EV_READ);
			s->last_heard = now;
		}
	}
}

/*
 * Hold the agents at ingest_in_flight results taken (published and not yet
 * acked or failed, or in the batch still to publish), let them go at half
 * that.
 */
static void pace(struct ingest_js *ij)
{
	struct controller *c = ij->c;
	size_t hold_at = (size_t)(c->opts.ingest_in_flight > 1 ? c->opts.ingest_in_flight : 2048);
	size_t taken = ij->in_flight + c->nbatch;
	if (taken > c->ingest_in_flight_peak)
		c->ingest_in_flight_peak = taken;
	if (!ij->holding && taken >= hold_at) {
		ij->holding = 1;
		c->ingest_holds++;
		set_reading(c, 0);
	} else if (ij->holding && taken <= hold_at / 2) {
		ij->holding = 0;
		set_reading(c, 1);
	}
}

/* See controller_int.h. */
void ingest_nats_taken(struct controller *c)
{
	if (c->ingest_js)
		pace(c->ingest_js);
}

/* See controller_int.h. */
void ingest_nats_admitted(struct controller *c, struct session *s)
{
	if (!ingest_nats_holding(c))
		return;
	conn_hold(s->conn, 1);
	bufferevent_disable(conn_bev(s->conn), EV_READ);
}

/* See controller_int.h. */
int ingest_nats_holding(const struct controller *c)
{
	return c->ingest_js && c->ingest_js->holding;
}

/* Result idx of f has an outcome: send it again, or count it done. */
static void outcome(struct ingest_js *ij, struct js_flight *f, const struct js_done *d)
{
	if (d->retry && f->tries[d->idx] < PUBLISH_TRIES) {
		ij->c->publish_retries++;
		if (publish_one(ij, f, d->idx) == 0)
			return;
	}
	f->batch[d->idx].outcome = d->outcome;
	f->waiting--;
	ij->in_flight--;
}

/* The loop: take the queued outcomes and finish the flights done, oldest first. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct ingest_js *ij = arg;
	char buf[64];
	while (read(fd, buf, sizeof buf) > 0) {
	}
	pthread_mutex_lock(&ij->mu);
	struct js_done *done = ij->done;
	size_t n = ij->ndone;
	ij->done = NULL;
	ij->ndone = ij->cap = 0;
	pthread_mutex_unlock(&ij->mu);
	for (size_t i = 0; i < n; i++) {
		struct js_flight *f = flight_by_id(ij, done[i].flight);
		if (!f || done[i].idx >= f->n || f->waiting == 0)
			continue;
		outcome(ij, f, &done[i]);
	}
	size_t acked = 0;
	for (size_t i = 0; i < n; i++)
		acked += !done[i].retry;
	if (acked)
		ack_rate_add(&ij->acks, acked, mono_ms());
	free(done);
	while (ij->head && ij->head->waiting == 0) {
		struct js_flight *f = ij->head;
		ij->head = f->next;
		if (!ij->head)
			ij->tail = NULL;
		finish(ij, f);
	}
	pace(ij);
}

/* Publish result i of flight f; 0, or -1 (its outcome is then STORE_SKIPPED). */
static int publish_one(struct ingest_js *ij, struct js_flight *f, size_t i)
{
	const struct store_result *r = &f->batch[i];
	char subj[48], id[64], msm[24], ref[48];
	js_result_subject(r->agent_id, subj, sizeof subj);
	js_result_id(r->agent_id, r->epoch, r->seq, id, sizeof id);
	snprintf(msm, sizeof msm, "%" PRId64, r->msm_id);
	snprintf(ref, sizeof ref, "%" PRIu64 ".%zu", f->id, i);
	natsMsg *m = NULL;
	natsStatus s = natsMsg_Create(&m, subj, NULL, r->body, (int)r->len);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, "Nats-Msg-Id", id);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, "Vantage-Msm", msm);
	if (s == NATS_OK && r->refused)
		s = natsMsgHeader_Set(m, "Vantage-Refused", r->refused);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, "Vantage-Ref", ref);
	if (s == NATS_OK && r->charge_account) {   /* priced by ingest_add (credits_price) */
		char charge[48];
		js_result_charge(r->charge_account, r->charge, charge, sizeof charge);
		s = natsMsgHeader_Set(m, "Vantage-Charge", charge);
	}
	jsPubOptions po;
	jsPubOptions_Init(&po);
	/* on an overloaded cluster a fixed limit resends what it holds and
	   doubles its work (bench: 48,996 sends again of 38,698) */
	po.MaxWait = publish_wait_ms(&ij->acks, ij->in_flight + f->n, f->tries[i]);
	f->tries[i]++;
	if (s == NATS_OK)
		s = js_PublishMsgAsync(ij->link.js, &m, &po);
	natsMsg_Destroy(m);      /* NULL once libnats took it */
	if (s != NATS_OK) {
		char err[256];
		js_link_error(s, "JetStream publish", err, sizeof err);
		ctl_log(ij->c, "agent %lld: result %lld: %s", (long long)r->agent_id,
			(long long)r->seq, err);
		return -1;
	}
	return 0;
}

/* See controller_int.h. */
void ingest_nats_publish(struct controller *c)
{
	struct ingest_js *ij = c->ingest_js;
	struct js_flight *f = calloc(1, sizeof *f);
	unsigned char *tries = calloc(c->nbatch ? c->nbatch : 1, 1);
	if (!f || !tries) {
		free(f);
		free(tries);
		for (size_t i = 0; i < c->nbatch; i++)
			if (c->batch_from[i])
				conn_close(c->batch_from[i]->conn, "controller out of memory", "out of memory");
		return;   /* ingest.c frees the batch; nothing was acked */
	}
	*f = (struct js_flight){ .id = ++ij->next_id, .batch = c->batch, .from = c->batch_from,
				 .tries = tries, .n = c->nbatch };
	c->batch = NULL;          /* the flight owns them now; ingest.c makes new ones */
	c->batch_from = NULL;
	c->nbatch = 0;
	for (size_t i = 0; i < f->n; i++) {
		f->batch[i].outcome = STORE_SKIPPED;
		f->waiting += publish_one(ij, f, i) == 0;
	}
	ij->in_flight += f->waiting;
	if (ij->tail)
		ij->tail->next = f;
	else
		ij->head = f;
	ij->tail = f;
	on_wake(ij->wake[0], EV_READ, ij);    /* a flight nothing of which was published ends now; pace */
}

/* See controller_int.h. */
void ingest_nats_forget(struct controller *c, struct session *s)
{
	if (!c->ingest_js)
		return;
	for (struct js_flight *f = c->ingest_js->head; f; f = f->next)
		for (size_t i = 0; i < f->n; i++)
			if (f->from[i] == s)
				f->from[i] = NULL;
}

/* The pipe the ack handler wakes the loop through; 0 or -1 with err. */
static int wake_pipe(struct ingest_js *ij, char *err, size_t errlen)
{
	if (pipe2(ij->wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		ij->wake[0] = ij->wake[1] = -1;
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	ij->wake_ev = event_new(ij->c->base, ij->wake[0], EV_READ | EV_PERSIST, on_wake, ij);
	if (!ij->wake_ev || event_add(ij->wake_ev, NULL) < 0) {
		snprintf(err, errlen, "cannot watch the JetStream wake-up pipe");
		return -1;
	}
	return 0;
}

/*
 * Make sure the stream exists, on a connection of its own: a request on the
 * loop's connection would wait for a reply only the (not yet running) loop
 * can read. A cluster that has just started may still be electing or
 * settling its routes, and a request then times out although the stream gets
 * made, so it is asked again every second for a while before giving up.
 */
static int ensure_stream(struct controller *c, char *why, size_t whylen)
{
	for (int attempt = 1;; attempt++) {
		struct js_link once = { 0 };
		int ok = js_link_open(&once, c->opts.ingest, NULL, NULL, why, whylen) == 0 &&
			 js_link_stream(&once, 3, why, whylen) == 0;
		js_link_close(&once);
		if (ok)
			return 0;
		if (attempt == STREAM_ATTEMPTS)
			return -1;
		ctl_log(c, "ingest %s: %s; trying again in a second", c->opts.ingest, why);
		nats_Sleep(1000);
	}
}

/* See controller_int.h. */
int ingest_nats_start(struct controller *c, char *err, size_t errlen)
{
	struct ingest_js *ij = calloc(1, sizeof *ij);
	if (!ij) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ij->c = c;
	ij->wake[0] = ij->wake[1] = -1;
	pthread_mutex_init(&ij->mu, NULL);
	c->ingest_js = ij;
	jsOptions jo;
	jsOptions_Init(&jo);
	jo.PublishAsync.MaxPending = MAX_PENDING;
	jo.PublishAsync.AckHandler = on_puback;
	jo.PublishAsync.AckHandlerClosure = ij;
	jo.PublishAsync.StallWait = 1;
	char why[400];
	if (wake_pipe(ij, err, errlen) < 0)
		return -1;
	if (ensure_stream(c, why, sizeof why) < 0 ||
	    js_link_open(&ij->link, c->opts.ingest, c->base, &jo, why, sizeof why) < 0) {
		snprintf(err, errlen, "ingest %s: %s", c->opts.ingest, why);
		return -1;
	}
	ctl_log(c, "ingest through JetStream at %s (stream %s)", c->opts.ingest, JS_STREAM_NAME);
	return 0;
}

/* See controller_int.h. */
void ingest_nats_free(struct controller *c)
{
	struct ingest_js *ij = c->ingest_js;
	if (!ij)
		return;
	js_link_close(&ij->link);
	nats_CloseAndWait(2000);      /* no ack handler runs after this */
	for (struct js_flight *f = ij->head, *next; f; f = next) {
		next = f->next;
		for (size_t i = 0; i < f->n; i++)
			free((char *)f->batch[i].body);   /* not acked: the agents send them again */
		free(f->batch);
		free(f->from);
		free(f->tries);
		free(f);
	}
	if (ij->wake_ev)
		event_free(ij->wake_ev);
	for (int i = 0; i < 2; i++)
		if (ij->wake[i] >= 0)
			close(ij->wake[i]);
	pthread_mutex_destroy(&ij->mu);
	free(ij->done);
	free(ij);
	c->ingest_js = NULL;
}
