/*
 * agent_commit: group commit of results into the spool. A finished result
 * waits in memory (at most AGENT_COMMIT_MS, AGENT_COMMIT_MAX results or
 * AGENT_COMMIT_BYTES) and the waiting ones are spooled together with one
 * write and one fsync (spool_append_many). A result counts as done only then:
 * it is uploaded, and a chunk reported done, only once it is durable, so a
 * crash before the commit loses it just as it loses a measurement still
 * running, and nothing acknowledged is ever lost. At 100 probes/s an agent
 * finishes a few traceroutes a second; one fsync per result was a fifth of
 * its CPU (bench/team/agent).
 */
#include "agent/agent_int.h"

#include <stdlib.h>
#include <string.h>

/* The commit timer fired. */
static void commit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	agent_commit(arg);
}

/* See agent_int.h. */
void agent_commit_add(struct agent *a, char *text)
{
	struct held *h = malloc(sizeof *h);
	if (!h) {                 /* no room to wait: hold it (it is spooled in order) */
		agent_commit(a);
		agent_hold(a, text, "out of memory");
		return;
	}
	h->text = text;
	STAILQ_INSERT_TAIL(&a->pending, h, link);
	a->npending++;
	a->pending_bytes += strlen(text);
	if (a->npending >= AGENT_COMMIT_MAX || a->pending_bytes >= AGENT_COMMIT_BYTES) {
		agent_commit(a);
		return;
	}
	if (!a->commit)
		a->commit = evtimer_new(a->base, commit_cb, a);
	if (a->commit && !evtimer_pending(a->commit, NULL)) {
		struct timeval tv = { AGENT_COMMIT_MS / 1000, (AGENT_COMMIT_MS % 1000) * 1000 };
		evtimer_add(a->commit, &tv);
	} else if (!a->commit) {
		agent_commit(a);      /* no timer: spool at once */
	}
}

/* Move every waiting result to the held list (spooled later, in order). */
static void hold_pending(struct agent *a, const char *why)
{
	struct held *h;
	while ((h = STAILQ_FIRST(&a->pending))) {
		STAILQ_REMOVE_HEAD(&a->pending, link);
		char *text = h->text;
		free(h);
		agent_hold(a, text, why);
	}
}

/* See agent_int.h. */
void agent_commit(struct agent *a)
{
	if (a->commit)
		evtimer_del(a->commit);
	if (a->npending == 0)
		return;
	struct iovec *recs = calloc(a->npending, sizeof *recs);
	enum spool_status st = SPOOL_ERROR;
	char err[300] = "out of memory";
	uint64_t first;
	if (recs) {
		size_t i = 0;
		struct held *h;
		STAILQ_FOREACH(h, &a->pending, link)
			recs[i++] = (struct iovec){ h->text, strlen(h->text) };
		st = spool_append_many(a->spool, recs, a->npending, &first, err, sizeof err);
		free(recs);
	}
	a->npending = a->pending_bytes = 0;
	if (st != SPOOL_OK) {
		if (st == SPOOL_ERROR)
			agent_log(a, "%s", err);
		hold_pending(a, st == SPOOL_FULL ? "spool full" : "spool write failed");
		return;
	}
	struct held *h;
	while ((h = STAILQ_FIRST(&a->pending))) {
		STAILQ_REMOVE_HEAD(&a->pending, link);
		free(h->text);
		free(h);
	}
	agent_spooled(a);
}
