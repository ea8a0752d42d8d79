/*
 * ingest: exactly-once result ingest with group commit. Results from all
 * sessions are queued and committed together in one store transaction (with
 * the session and status writes made meanwhile) when the batch is full or
 * flush_ms has passed; only then does each session get an ACK up to the
 * last result of its unbroken run that was committed (stored, found stored
 * already, or refused). The store drops a re-uploaded (agent, seq), so
 * an agent that resends after a lost ack changes nothing. A result of a
 * measurement the agent was never given is refused: logged with the reason,
 * counted, and recorded as refused in the same commit (so it is acked and
 * the agent's spool lets it go), never stored. A result (agent, epoch, seq)
 * whose number holds another result already means the agent was rewound
 * (restored from a snapshot, or copied): it is not stored nor acked, nor is
 * anything after it, and the agent is told to take a new epoch.
 * Each result carries its measurement's payer and price, and the store
 * charges it in the same commit exactly when it is newly stored
 * (credits_ctl.c).
 */
#include "controller/controller_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The flush timer fired. */
static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ingest_flush(arg);
}

/* Allocate the batch and the flush timer once; returns 0 or -1. */
static int reserve(struct controller *c)
{
	size_t cap = (size_t)c->opts.batch_max;
	if (c->batch)
		return 0;
	c->batch = calloc(cap, sizeof *c->batch);
	c->batch_from = calloc(cap, sizeof *c->batch_from);
	if (!c->flush)      /* the batch is made again after ingest_nats_publish took it */
		c->flush = event_new(c->base, -1, 0, flush_cb, c);
	return c->batch && c->batch_from && c->flush ? 0 : -1;
}

/* Make sure a flush comes within flush_ms. */
static void arm(struct controller *c)
{
	if (!event_pending(c->flush, EV_TIMEOUT, NULL)) {
		struct timeval tv = { c->opts.flush_ms / 1000, c->opts.flush_ms % 1000 * 1000 };
		event_add(c->flush, &tv);
	}
}

/* See controller_int.h. Without a transaction the writes simply autocommit. */
void ingest_txn(struct controller *c)
{
	char err[256];
	if (c->in_txn || reserve(c) < 0)
		return;
	if (c->store->ops->txn(c->store, "begin", err, sizeof err) < 0) {
		ctl_log(c, "%s", err);
		return;
	}
	c->in_txn = 1;
	arm(c);
}

/*
 * Why a result of s cannot be stored, or NULL if it can: only measurements
 * the agent was given (running, stopped or taken away since) take its
 * results. -1 in *failed on a store error.
 */
static const char *refusal(struct controller *c, struct session *s, const struct msg *m,
			   int *failed)
{
	char err[256];
	int assigned = c->store->ops->msm_assigned(c->store, m->msm_id, s->agent.id, err, sizeof err);
	*failed = assigned < 0;
	if (assigned < 0)
		ctl_log(c, "agent %lld: %s", (long long)s->agent.id, err);
	return assigned == 0 ? "was never assigned to it" : NULL;
}

/* Log a refused result: the first ten of a session, then every thousandth. */
static void log_refusal(struct controller *c, struct session *s, const struct msg *m,
			const char *why)
{
	s->refused++;
	c->results_refused++;
	if (s->refused <= 10 || s->refused % 1000 == 0)
		ctl_log(c, "agent %lld: result %lld refused: measurement %lld %s"
			" (%llu refused in this session)", (long long)s->agent.id, (long long)m->seq,
			(long long)m->msm_id, why, (unsigned long long)s->refused);
}

/*
 * True if m continues s's run of results: an agent sends its results in
 * sequence order, each naming the one it sent before (prev), so an ack can
 * only ever cover what came without a gap. A break is logged and closes s
 * (the agent then sends again from its oldest unacked result).
 */
static int in_order(struct controller *c, struct session *s, const struct msg *m)
{
	if (s->last_seq == 0 || (m->seq > s->last_seq && (m->prev == 0 || m->prev == s->last_seq))) {
		s->last_seq = m->seq;
		return 1;
	}
	char why[200];
	snprintf(why, sizeof why, "result %lld follows %lld, but the result before it here was %lld:"
		 " send again from the oldest unacked", (long long)m->seq,
		 (long long)(m->prev ? m->prev : m->seq - 1), (long long)s->last_seq);
	ctl_log(c, "agent %lld: %s", (long long)s->agent.id, why);
	ingest_flush(c);          /* what came before the break is stored and acked first */
	conn_close(s->conn, why, why);
	return 0;
}

/* See controller_int.h. */
int ingest_add(struct controller *c, struct session *s, const struct msg *m)
{
	if (reserve(c) < 0 || !in_order(c, s, m))
		return -1;
	int failed;
	const char *why = refusal(c, s, m, &failed);
	if (failed)
		return -1;
	int64_t payer = 0, cost = 0;
	if (!why && credits_price(c, m->msm_id, &payer, &cost) < 0)
		return -1;
	char *body = json_dumps(m->body, JSON_COMPACT);
	if (!body)
		return -1;
	if (why)
		log_refusal(c, s, m, why);
	c->batch[c->nbatch] = (struct store_result){
		.agent_id = s->agent.id, .seq = m->seq, .msm_id = m->msm_id,
		.body = body, .len = strlen(body), .refused = why, .epoch = m->epoch,
		.stream = s->stream, .charge_account = payer, .charge = cost,
	};
	c->batch_from[c->nbatch++] = s;
	s->results++;
	ingest_nats_taken(c);     /* the JetStream bound is hard: held from this one on */
	if (c->nbatch >= (size_t)c->opts.batch_max)
		ingest_flush(c);
	else
		arm(c);
	return 0;
}

/* See controller_int.h. */
void ingest_rewound(struct controller *c, struct session *s, const char *why)
{
	char err[256];
	c->rewinds++;
	ctl_log(c, "agent %lld rewound: %s", (long long)s->agent.id, why);
	if (c->store->ops->agent_rewound(c->store, s->agent.id, why, time(NULL), err,
					 sizeof err) < 0)
		ctl_log(c, "agent %lld: %s", (long long)s->agent.id, err);
}

/*
 * A result of s collides with another stored under the same (agent, epoch,
 * seq): the agent was rewound (restored from a snapshot) or copied. Tell it
 * to number its results from r->seq on in a new epoch, and close.
 */
static void conflict(struct controller *c, struct session *s, const struct store_result *r)
{
	char why[200];
	snprintf(why, sizeof why, "result %lld of epoch %lld differs from the one stored under that"
		 " number: number it and what follows in a new epoch", (long long)r->seq,
		 (long long)r->epoch);
	ingest_rewound(c, s, why);
	struct msg e = { .type = MSG_EPOCH, .epoch = r->epoch, .seq = r->seq, .reason = why };
	char err[128];
	if (conn_send(s->conn, &e, err, sizeof err) < 0)
		ctl_log(c, "agent %lld: epoch: %s", (long long)s->agent.id, err);
	conn_close(s->conn, why, why);
}

/* See controller_int.h. */
void ingest_send_acks(struct controller *c, struct store_result *batch, struct session **from,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct session *s = from[i];
		enum store_outcome o = batch[i].outcome;
		if (!s || s->ack_blocked)
			continue;
		if (o == STORE_CONFLICT || o == STORE_SKIPPED)
			s->ack_blocked = 1;
		else if (batch[i].seq > s->queued_seq)
			s->queued_seq = batch[i].seq;
	}
	for (size_t i = 0; i < n; i++) {
		struct session *s = from[i];
		if (!s || (s->queued_seq == 0 && !s->ack_blocked))
			continue;     /* done at its first result in the batch */
		struct msg ack = { .type = MSG_ACK, .seq = s->queued_seq };
		char err[128];
		if (s->queued_seq && conn_send(s->conn, &ack, err, sizeof err) < 0)
			ctl_log(c, "agent %lld: ack: %s", (long long)s->agent.id, err);
		for (size_t j = i; s->ack_blocked && j < n; j++)
			if (from[j] == s && batch[j].outcome == STORE_CONFLICT) {
				conflict(c, s, &batch[j]);
				break;
			}
		s->queued_seq = 0;
		s->ack_blocked = 0;
	}
}

/* Close the sessions of agent's results in the batch (they resend) and forget them. */
static void drop_agent(struct controller *c, int64_t agent, const char *err)
{
	for (size_t i = 0; i < c->nbatch; i++) {
		if (c->batch[i].agent_id != agent)
			continue;
		c->batch[i].outcome = STORE_SKIPPED;   /* rolled back: not stored, not published */
		if (c->batch_from[i]) {
			conn_close(c->batch_from[i]->conn, "controller storage error", err);
			c->batch_from[i] = NULL;
		}
	}
}

/*
 * Gather the results of the batch's agent at i not yet done into one (their
 * batch indexes into idx); returns how many.
 */
static size_t gather(struct controller *c, size_t i, uint8_t *done, struct store_result *one,
		     size_t *idx)
{
	size_t n = 0;
	for (size_t j = i; j < c->nbatch; j++)
		if (!done[j] && c->batch[j].agent_id == c->batch[i].agent_id) {
			idx[n] = j;
			one[n++] = c->batch[j];
			done[j] = 1;
		}
	return n;
}

/*
 * The batch's commit failed: store each agent's results in a transaction of
 * their own, so one agent's failure closes its own session and no other
 * (those stored get their acks; the failed agent's resend on reconnect).
 */
static void commit_apart(struct controller *c)
{
	struct store_result *one = malloc(c->nbatch * sizeof *one);
	size_t *idx = malloc(c->nbatch * sizeof *idx);
	uint8_t *done = calloc(c->nbatch, 1);
	for (size_t i = 0; i < c->nbatch; i++) {
		if (done && done[i])
			continue;
		int64_t agent = c->batch[i].agent_id;
		char err[256] = "out of memory";
		size_t n = one && idx && done ? gather(c, i, done, one, idx) : 0;
		int added = n ? store_results_put_txn(c->store, one, n, err, sizeof err) : -1;
		if (added < 0) {
			ctl_log(c, "agent %lld: commit of its %zu results failed: %s",
				(long long)agent, n, err);
			drop_agent(c, agent, err);
			continue;
		}
		c->stored += (uint64_t)added;
		for (size_t k = 0; k < n; k++) {
			c->batch[idx[k]].outcome = one[k].outcome;
			c->duplicates += one[k].outcome == STORE_DUPLICATE;
		}
	}
	free(one);
	free(idx);
	free(done);
}

/* Free the bodies of the batch and empty it. */
static void clear(struct controller *c)
{
	for (size_t i = 0; i < c->nbatch; i++)
		free((char *)c->batch[i].body);
	c->nbatch = 0;
}

/* See controller_int.h. */
void ingest_flush(struct controller *c)
{
	if (c->nbatch == 0 && !c->in_txn)
		return;
	event_del(c->flush);
	char err[256];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int added = c->nbatch && !c->ingest_js ?
		c->store->ops->results_put(c->store, c->batch, c->nbatch, err, sizeof err) : 0;
	if (c->in_txn) {
		c->in_txn = 0;
		if (added >= 0 && c->store->ops->txn(c->store, "commit", err, sizeof err) < 0) {
			c->store->ops->txn(c->store, "rollback", NULL, 0);
			added = -1;
		}
		if (added < 0)
			c->store->ops->txn(c->store, "rollback", NULL, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c->commits++;
	c->commit_seconds += (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (c->ingest_js) {
		/* the results go to JetStream, the store writers commit them */
		if (added < 0)
			ctl_log(c, "commit of session writes failed: %s", err);
		if (c->nbatch)
			ingest_nats_publish(c);
		clear(c);
		return;
	}
	if (added < 0) {
		ctl_log(c, "commit of %zu results failed: %s; storing each agent's apart", c->nbatch,
			err);
		commit_apart(c);
		ingest_send_acks(c, c->batch, c->batch_from, c->nbatch);
	} else {
		c->stored += (uint64_t)added;
		for (size_t i = 0; i < c->nbatch; i++)
			c->duplicates += c->batch[i].outcome == STORE_DUPLICATE;
		ingest_send_acks(c, c->batch, c->batch_from, c->nbatch);
	}
	credits_after_commit(c);
	stream_feed_results(c);
	clear(c);
}

/* See controller_int.h. */
void ingest_forget(struct controller *c, struct session *s)
{
	for (size_t i = 0; i < c->nbatch; i++)
		if (c->batch_from[i] == s)
			c->batch_from[i] = NULL;
	ingest_nats_forget(c, s);
}

/* See controller_int.h. */
void ingest_free(struct controller *c)
{
	clear(c);
	free(c->batch);
	free(c->batch_from);
	c->batch = NULL;
	c->batch_from = NULL;
}
