/*
 * agent_team: the agent's side of team probing. A CHUNK from the
 * controller is a list of targets and a traceroute definition; chunks run
 * one after another, each as one traceroute per target submitted to the
 * runner at once (the runner paces every probe under the agent's one pps
 * budget and its site policy, no-probe list included, and the chunk's
 * probes under the member's rate, the CHUNK's pps, besides: they go at the
 * smaller of the two; chunk_body.h says what an older peer gets). Each result is
 * tagged with its team, cycle, chunk and whether the chunk is a repeat,
 * and goes through the ordinary spool and upload path. When the last
 * result of a chunk is spooled, CHUNK_DONE goes to the controller (kept
 * and sent on the next connection if the link is down), which sends the
 * next chunk; it keeps two out, so the next is here before this one ends.
 * A chunk sent again after a reconnect is not run twice: one still here is
 * left as it is, one finished lately gets its CHUNK_DONE again.
 */
#include "agent/agent_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/chunk_body.h"

/* One chunk on the agent. */
struct agent_chunk {
	struct agent *ag;
	int64_t msm_id, team, cycle, chunk;
	int repeat;
	uint32_t pps;             /* the member's rate (0: the site's ceiling) */
	json_t *body;             /* the CHUNK's body: def and targets */
	size_t pending;           /* traceroutes submitted, result not yet in */
	int started;
};

/* Free a chunk. */
static void chunk_free(struct agent_chunk *ch)
{
	json_decref(ch->body);
	free(ch);
}

/* Tell the controller chunk (team, cycle, chunk) is done; kept for later if the link is down. */
static void send_done(struct agent *a, const struct agent_done *d)
{
	json_t *body = json_pack("{s:I,s:I,s:I}", "team", (json_int_t)d->team, "cycle",
				 (json_int_t)d->cycle, "chunk", (json_int_t)d->chunk);
	struct msg m = { .type = MSG_CHUNK_DONE, .msm_id = d->msm_id, .body = body };
	int sent = body && a->conn && a->welcomed && link_send(a, &m) == 0;
	json_decref(body);
	if (sent)
		return;
	if (a->nundone == AGENT_UNDONE_MAX) {
		agent_log(a, "team %lld: chunk %lld done, but too many unsent dones to keep it",
			  (long long)d->team, (long long)d->chunk);
		return;
	}
	a->undone[a->nundone++] = *d;
}

static void chunk_start(struct agent *a);

/* The head chunk is finished: report it, drop it, start the next. */
static void chunk_finish(struct agent *a)
{
	struct agent_chunk *ch = a->chunks[0];
	struct agent_done d = { ch->msm_id, ch->team, ch->cycle, ch->chunk };
	agent_log(a, "team %lld cycle %lld: chunk %lld done", (long long)ch->team,
		  (long long)ch->cycle, (long long)ch->chunk);
	chunk_free(ch);
	memmove(a->chunks, a->chunks + 1, --a->nchunks * sizeof a->chunks[0]);
	a->finished[a->nfinished++ % AGENT_FINISHED_MAX] = d;
	agent_commit(a);          /* its results are durable before it is reported done */
	send_done(a, &d);
	chunk_start(a);
}

/* A traceroute of the head chunk finished: tag it (its text's last members)
   and spool it. */
static void chunk_result(char *result, size_t len, uint64_t msm_id, void *arg)
{
	struct agent_chunk *ch = arg;
	struct agent *a = ch->ag;
	char tags[128];
	int n = snprintf(tags, sizeof tags, "\"team\":%lld,\"cycle\":%lld,\"chunk\":%lld%s",
			 (long long)ch->team, (long long)ch->cycle, (long long)ch->chunk,
			 ch->repeat ? ",\"repeat\":true" : "");
	result = agent_members_add(result, &len, tags, (size_t)n);
	agent_result(result, len, msm_id, a);   /* NULL (out of memory) is logged there */
	if (--ch->pending == 0)
		chunk_finish(a);
}

/* Start one traceroute of chunk ch, at the member's rate if the runner can hold it. */
static int submit_one(struct agent *a, struct agent_chunk *ch, const json_t *def, char *err,
		      size_t errlen)
{
	if (ch->pps && a->rops->submit_paced)
		return a->rops->submit_paced(a->runner, def, ch->pps, chunk_result, ch, err,
					     errlen);
	return a->rops->submit(a->runner, def, chunk_result, ch, err, errlen);
}

/* Submit every target of the head chunk (if it is not running yet). */
static void chunk_start(struct agent *a)
{
	if (a->nchunks == 0 || a->chunks[0]->started)
		return;
	struct agent_chunk *ch = a->chunks[0];
	json_t *targets = json_object_get(ch->body, "targets"), *t;
	size_t i, refused = 0;
	char err[256] = "";
	ch->started = 1;
	ch->pending = 1;          /* held until every target is submitted */
	json_array_foreach(targets, i, t) {
		json_t *def = json_deep_copy(json_object_get(ch->body, "def"));
		if (def && json_object_set(def, "target", t) == 0 &&
		    json_object_set_new(def, "msm_id", json_integer(ch->msm_id)) == 0 &&
		    submit_one(a, ch, def, err, sizeof err) == 0)
			ch->pending++;
		else
			refused++;
		json_decref(def);
	}
	if (refused)
		agent_log(a, "team %lld: chunk %lld: %zu targets not run (%s)", (long long)ch->team,
			  (long long)ch->chunk, refused, err[0] ? err : "out of memory");
	if (--ch->pending == 0)
		chunk_finish(a);
}

/* Is this chunk here already (sent again after a reconnect)? */
static int have_chunk(const struct agent *a, int64_t team, int64_t cycle, int64_t chunk)
{
	for (size_t i = 0; i < a->nchunks; i++)
		if (a->chunks[i]->team == team && a->chunks[i]->cycle == cycle &&
		    a->chunks[i]->chunk == chunk)
			return 1;
	return 0;
}

/*
 * The chunk (team, cycle, chunk) finished lately, or NULL. A controller
 * sends the chunks still out to a returning agent again, as repeats: one
 * that finished while the link was down, or whose CHUNK_DONE was lost with
 * the old connection, is answered with its CHUNK_DONE, not traced again
 * (its results are spooled already).
 */
static const struct agent_done *finished_chunk(const struct agent *a, int64_t team,
					       int64_t cycle, int64_t chunk)
{
	size_t n = a->nfinished < AGENT_FINISHED_MAX ? a->nfinished : AGENT_FINISHED_MAX;
	for (size_t i = 0; i < n; i++)
		if (a->finished[i].team == team && a->finished[i].cycle == cycle &&
		    a->finished[i].chunk == chunk)
			return &a->finished[i];
	return NULL;
}

/* See agent_int.h. */
void agent_chunk_put(struct agent *a, const struct msg *m)
{
	struct chunk_body cb;
	char err[256];
	if (chunk_body_parse(m->body, &cb, err, sizeof err) < 0) {
		agent_log(a, "chunk refused: %s", err);
		return;
	}
	if (have_chunk(a, cb.team, cb.cycle, cb.chunk))
		return;
	const struct agent_done *done = finished_chunk(a, cb.team, cb.cycle, cb.chunk);
	if (done) {
		agent_log(a, "team %lld: chunk %lld sent again, finished already: done again",
			  (long long)cb.team, (long long)cb.chunk);
		send_done(a, done);
		return;
	}
	if (a->nchunks == AGENT_CHUNKS_MAX) {
		agent_log(a, "team %lld: chunk %lld refused: too many chunks queued",
			  (long long)cb.team, (long long)cb.chunk);
		return;
	}
	struct agent_chunk *ch = calloc(1, sizeof *ch);
	if (!ch)
		return;
	*ch = (struct agent_chunk){ .ag = a, .msm_id = m->msm_id, .team = cb.team,
				    .cycle = cb.cycle, .chunk = cb.chunk, .repeat = cb.repeat,
				    .pps = cb.pps, .body = json_incref(m->body) };
	a->chunks[a->nchunks++] = ch;
	chunk_start(a);
}

/* See agent_int.h. */
void agent_chunks_welcome(struct agent *a)
{
	size_t n = a->nundone;
	struct agent_done d[AGENT_UNDONE_MAX];
	memcpy(d, a->undone, n * sizeof d[0]);
	a->nundone = 0;
	for (size_t i = 0; i < n; i++)
		send_done(a, &d[i]);
}

/* See agent_int.h. */
void agent_chunks_free(struct agent *a)
{
	for (size_t i = 0; i < a->nchunks; i++)
		chunk_free(a->chunks[i]);
	a->nchunks = 0;
}
