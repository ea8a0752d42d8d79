/*
 * sqlite_results: exactly-once result ingest into the SQLite store. A batch
 * is one transaction (a savepoint, so it may also join the caller's open
 * transaction); the (agent_id, epoch, seq) key makes a re-uploaded result a
 * no-op, so the controller can ack a batch once it has committed. A result
 * whose key holds another body is a conflict (a rewound or cloned agent):
 * nothing of it, nor what its stream sent after it in the batch, is stored.
 * A result the controller refused is recorded as such (results_refused) in
 * the same transaction, so it is acked too and counted, never stored.
 * A newly stored result with a paying account is charged in the same
 * savepoint (sqlite_credit.c), so the ledger follows the duplicate check.
 */
#include "store/sqlite_int.h"

#include <stdio.h>

/* Record a refused result's (agent, epoch, seq) and reason; returns 0 or -1. */
static int put_refused(struct store_sqlite *s, const struct store_result *r)
{
	sqlite3_stmt *q = s->put_refused;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, r->agent_id);
	sqlite3_bind_int64(q, 2, r->seq);
	sqlite3_bind_int64(q, 3, r->msm_id);
	sqlite3_bind_text(q, 4, r->refused, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, r->epoch);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Is r's body the one stored under its (agent, epoch, seq)? 1 yes, 0 no, -1 error. */
static int same_body(struct store_sqlite *s, const struct store_result *r)
{
	sqlite3_stmt *q = s->same_body;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, r->agent_id);
	sqlite3_bind_int64(q, 2, r->epoch);
	sqlite3_bind_int64(q, 3, r->seq);
	sqlite3_bind_text(q, 4, r->body, (int)r->len, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int same = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return same;
}

/* Insert one result with the kept statement and set its outcome; returns 0 or -1. */
static int put_one(struct store_sqlite *s, struct store_result *r)
{
	if (r->refused) {
		r->outcome = STORE_REFUSED;
		return put_refused(s, r);
	}
	sqlite3_stmt *q = s->put_result;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, r->agent_id);
	sqlite3_bind_int64(q, 2, r->seq);
	sqlite3_bind_int64(q, 3, r->msm_id);
	sqlite3_bind_text(q, 4, r->body, (int)r->len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, r->epoch);
	int rc = sqlite3_step(q);
	int n = rc == SQLITE_DONE ? sqlite3_changes(s->db) : -1;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (n != 0) {
		r->outcome = STORE_NEW;
		if (n > 0 && r->charge_account)
			return sq_credit_charge(s, r);   /* charged exactly when newly stored */
		return n < 0 ? -1 : 0;
	}
	int same = same_body(s, r);
	r->outcome = same ? STORE_DUPLICATE : STORE_CONFLICT;
	return same < 0 ? -1 : 0;
}

/* True if an earlier result of r[i]'s stream in r conflicted. */
static int stream_broken(const struct store_result *r, size_t i)
{
	for (size_t k = 0; r[i].stream && k < i; k++)
		if (r[k].stream == r[i].stream &&
		    (r[k].outcome == STORE_CONFLICT || r[k].outcome == STORE_SKIPPED))
			return 1;
	return 0;
}

/* See store.h (results_put). */
int sq_results_put(struct store *st, struct store_result *r, size_t n, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT put", err, errlen) < 0)
		return -1;
	int added = 0;
	for (size_t i = 0; i < n; i++) {
		if (stream_broken(r, i)) {
			r[i].outcome = STORE_SKIPPED;
			continue;
		}
		if (put_one(s, &r[i]) < 0) {
			sq_fail(s, "result insert", err, errlen);
			sq_exec(s, "ROLLBACK TO put; RELEASE put", NULL, 0);
			return -1;
		}
		added += r[i].outcome == STORE_NEW;
	}
	if (sq_exec(s, "RELEASE put", err, errlen) < 0) {
		sq_exec(s, "ROLLBACK TO put; RELEASE put", NULL, 0);
		return -1;
	}
	return added;
}

/* See store.h (result_max_seq). */
int sq_result_max_seq(struct store *st, int64_t agent_id, int64_t epoch, int64_t *seq,
		      char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT coalesce(MAX(seq), 0) FROM results WHERE agent_id = ?"
				  " AND epoch = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, epoch);
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
