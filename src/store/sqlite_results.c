/*
 * sqlite_results: exactly-once result ingest into the SQLite store. A batch
 * is one transaction (a savepoint, so it may also join the caller's open
 * transaction); the (agent_id, seq) primary key makes a re-uploaded
 * result a no-op, so the controller can ack a batch once it has committed.
 * A result the controller refused is recorded as such (results_refused) in
 * the same transaction, so it is acked too and counted, never stored.
 */
#include "store/sqlite_int.h"

#include <stdio.h>

/* Record a refused result's (agent, seq) and reason; returns 0 or -1. */
static int put_refused(struct store_sqlite *s, const struct store_result *r)
{
	sqlite3_stmt *q = s->put_refused;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, r->agent_id);
	sqlite3_bind_int64(q, 2, r->seq);
	sqlite3_bind_int64(q, 3, r->msm_id);
	sqlite3_bind_text(q, 4, r->refused, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Insert one result with the kept statement; returns 1 new, 0 duplicate or refused, -1 error. */
static int put_one(struct store_sqlite *s, const struct store_result *r)
{
	if (r->refused)
		return put_refused(s, r);
	sqlite3_stmt *q = s->put_result;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, r->agent_id);
	sqlite3_bind_int64(q, 2, r->seq);
	sqlite3_bind_int64(q, 3, r->msm_id);
	sqlite3_bind_text(q, 4, r->body, (int)r->len, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int n = rc == SQLITE_DONE ? sqlite3_changes(s->db) : -1;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return n;
}

/* See store.h (results_put). */
int sq_results_put(struct store *st, const struct store_result *r, size_t n, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT put", err, errlen) < 0)
		return -1;
	int added = 0;
	for (size_t i = 0; i < n; i++) {
		int k = put_one(s, &r[i]);
		if (k < 0) {
			sq_fail(s, "result insert", err, errlen);
			sq_exec(s, "ROLLBACK TO put; RELEASE put", NULL, 0);
			return -1;
		}
		added += k;
	}
	if (sq_exec(s, "RELEASE put", err, errlen) < 0) {
		sq_exec(s, "ROLLBACK TO put; RELEASE put", NULL, 0);
		return -1;
	}
	return added;
}

/* See store.h (result_max_seq). */
int sq_result_max_seq(struct store *st, int64_t agent_id, int64_t *seq, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT coalesce(MAX(seq), 0) FROM results WHERE agent_id = ?",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "max sequence", err, errlen);
}

/* See store.h (results_each). */
int sq_results_each(struct store *st, int64_t msm_id, store_row_fn fn, void *arg,
		    char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT agent_id AS agent, seq, msm_id, body FROM results"
				  " WHERE msm_id = ?1 OR ?1 = 0 ORDER BY agent_id, seq", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	return sq_each(s, q, fn, arg, err, errlen);
}

/* See store.h (results_refused). */
int64_t sq_results_refused(struct store *st, int64_t agent_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q;
	int64_t n = -1;
	if (sqlite3_prepare_v2(s->db, "SELECT COUNT(*) FROM results_refused WHERE agent_id = ?1"
			       " OR ?1 = 0", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* See store.h (results_count). */
int64_t sq_results_count(struct store *st)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q;
	int64_t n = -1;
	if (sqlite3_prepare_v2(s->db, "SELECT COUNT(*) FROM results", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}
