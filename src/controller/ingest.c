/*
 * ingest: exactly-once result ingest with group commit. Results from all
 * sessions are queued and committed together in one store transaction (with
 * the session and status writes made meanwhile) when the batch is full or
 * flush_ms has passed; only then does each session get an ACK up to its
 * highest committed sequence. The store drops a re-uploaded (agent, seq), so
 * an agent that resends after a lost ack changes nothing.
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
	c->flush = event_new(c->base, -1, 0, flush_cb, c);
	return c->batch && c->batch_from && c->flush ? 0 : -1;
}

/* Make sure a flush comes within flush_ms. */
static void arm(struct controller *c)
{
	if (!event_pending(c->flush, EV_TIMEOUT, NULL)) {
		struct timeval tv = { 0, c->opts.flush_ms * 1000 };
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

/* See controller_int.h. */
int ingest_add(struct controller *c, struct session *s, const struct msg *m)
{
	if (reserve(c) < 0)
		return -1;
	char *body = json_dumps(m->body, JSON_COMPACT);
	if (!body)
		return -1;
	c->batch[c->nbatch] = (struct store_result){
		.agent_id = s->agent.id, .seq = m->seq, .msm_id = m->msm_id,
		.body = body, .len = strlen(body),
	};
	c->batch_from[c->nbatch++] = s;
	s->results++;
	if (c->nbatch >= (size_t)c->opts.batch_max)
		ingest_flush(c);
	else
		arm(c);
	return 0;
}

/* After a commit: one ACK per session up to its highest sequence in the batch. */
static void send_acks(struct controller *c)
{
	for (size_t i = 0; i < c->nbatch; i++) {
		struct session *s = c->batch_from[i];
		if (s && c->batch[i].seq > s->queued_seq)
			s->queued_seq = c->batch[i].seq;
	}
	for (size_t i = 0; i < c->nbatch; i++) {
		struct session *s = c->batch_from[i];
		if (!s || s->queued_seq == 0)
			continue;
		struct msg ack = { .type = MSG_ACK, .seq = s->queued_seq };
		char err[128];
		if (conn_send(s->conn, &ack, err, sizeof err) < 0)
			ctl_log(c, "agent %lld: ack: %s", (long long)s->agent.id, err);
		s->queued_seq = 0;
	}
}

/* Store the n results of one agent in a transaction of their own; added or -1 with err. */
static int commit_one(struct controller *c, const struct store_result *r, size_t n,
		      char *err, size_t errlen)
{
	struct store *st = c->store;
	if (st->ops->txn(st, "begin", err, errlen) < 0)
		return -1;
	int added = st->ops->results_put(st, r, n, err, errlen);
	if (added >= 0 && st->ops->txn(st, "commit", err, errlen) < 0)
		added = -1;
	if (added < 0)
		st->ops->txn(st, "rollback", NULL, 0);
	return added;
}

/* Close the sessions of agent's results in the batch (they resend) and forget them. */
static void drop_agent(struct controller *c, int64_t agent, const char *err)
{
	for (size_t i = 0; i < c->nbatch; i++)
		if (c->batch[i].agent_id == agent && c->batch_from[i]) {
			conn_close(c->batch_from[i]->conn, "controller storage error", err);
			c->batch_from[i] = NULL;
		}
}

/*
 * The batch's commit failed: store each agent's results in a transaction of
 * their own, so one agent's failure closes its own session and no other
 * (those stored get their acks; the failed agent's resend on reconnect).
 */
static void commit_apart(struct controller *c)
{
	struct store_result *one = malloc(c->nbatch * sizeof *one);
	uint8_t *done = calloc(c->nbatch, 1);
	for (size_t i = 0; i < c->nbatch; i++) {
		if (done && done[i])
			continue;
		int64_t agent = c->batch[i].agent_id;
		size_t n = 0;
		char err[256] = "out of memory";
		for (size_t j = i; one && done && j < c->nbatch; j++)
			if (!done[j] && c->batch[j].agent_id == agent) {
				one[n++] = c->batch[j];
				done[j] = 1;
			}
		int added = n ? commit_one(c, one, n, err, sizeof err) : -1;
		if (added < 0) {
			ctl_log(c, "agent %lld: commit of its %zu results failed: %s",
				(long long)agent, n, err);
			drop_agent(c, agent, err);
		} else {
			c->stored += (uint64_t)added;
			c->duplicates += n - (size_t)added;
		}
	}
	free(one);
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
	int added = c->nbatch ? c->store->ops->results_put(c->store, c->batch, c->nbatch, err,
							   sizeof err) : 0;
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
	if (added < 0) {
		ctl_log(c, "commit of %zu results failed: %s; storing each agent's apart", c->nbatch,
			err);
		commit_apart(c);
		send_acks(c);
	} else {
		c->stored += (uint64_t)added;
		c->duplicates += c->nbatch - (size_t)added;
		send_acks(c);
	}
	clear(c);
}

/* See controller_int.h. */
void ingest_forget(struct controller *c, struct session *s)
{
	for (size_t i = 0; i < c->nbatch; i++)
		if (c->batch_from[i] == s)
			c->batch_from[i] = NULL;
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
