/*
 * pg_results: exactly-once result ingest into the PostgreSQL store. A batch
 * is one unit (its own transaction, or a savepoint of the caller's). Each
 * result first claims its (agent, epoch, seq) in the ledger result_keys
 * (ON CONFLICT DO NOTHING) and is written to its day's partition by the
 * same statement only if the claim is new, so concurrent writers and
 * re-uploads store it once, whatever partition it falls in. A key already
 * claimed is a duplicate when the ledger's digest (SHA-256 of the body)
 * matches, else a conflict (a rewound or cloned agent): nothing of it, nor
 * what its stream sent after it in the batch, is stored. A result the
 * controller refused is recorded in results_refused in the same unit.
 * Batches of PG_BULK_MIN results or more take two statements in all
 * (pg_bulk.c); smaller ones, and batches the bulk path declines, one
 * statement per result here. The newly stored results that have a payer
 * are then charged in the same unit (pg_credit.c).
 */
#include "store/pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See pg_int.h. */
int64_t pg_result_ts(const struct store_result *r)
{
	json_t *o = json_loadb(r->body, r->len, JSON_DECODE_ANY, NULL);
	json_t *t = json_object_get(o, "timestamp");
	int64_t ts = json_is_number(t) ? (int64_t)json_number_value(t) :
		json_is_string(t) ? strtoll(json_string_value(t), NULL, 10) : 0;
	json_decref(o);
	return ts;
}

/* See pg_int.h. Only a body that names "cycle" is parsed for it. */
int64_t pg_result_cycle(const struct store_result *r)
{
	if (!memmem(r->body, r->len, "\"cycle\"", 7))
		return 0;
	json_t *o = json_loadb(r->body, r->len, 0, NULL);
	json_t *c = json_object_get(o, "cycle");
	int64_t cycle = json_is_integer(c) && json_integer_value(c) > 0 ? json_integer_value(c) : 0;
	json_decref(o);
	return cycle;
}

/* See pg_int.h. */
int pg_put_refused(struct store_pg *s, const struct store_result *r, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, r->agent_id);
	pg_arg_int(&q, r->epoch);
	pg_arg_int(&q, r->seq);
	pg_arg_int(&q, r->msm_id);
	pg_arg_text(&q, r->refused);
	return pg_cmd(s, "refused result", "INSERT INTO results_refused(agent_id, epoch, seq, msm_id,"
		      " reason, \"time\") VALUES ($1, $2, $3, $4, $5, extract(epoch FROM now())::bigint)"
		      " ON CONFLICT DO NOTHING", &q, err, errlen) < 0 ? -1 : 0;
}

/* Claim r's key and store it (body is r's text, NUL-terminated); sets the outcome; 0 or -1. */
static int put_stored(struct store_pg *s, struct store_result *r, const char *body,
		      char *err, size_t errlen)
{
	int64_t ts = pg_result_ts(r);
	if (pg_partition_for(s, ts, err, errlen) < 0)
		return -1;
	struct pg_args q = { 0 };
	pg_arg_int(&q, r->agent_id);
	pg_arg_int(&q, r->epoch);
	pg_arg_int(&q, r->seq);
	pg_arg_int(&q, r->msm_id);
	pg_arg_int(&q, ts);
	pg_arg_text(&q, body);
	pg_arg_int(&q, pg_result_cycle(r));
	int64_t same;
	PGresult *res = pg_query(s, "result insert",
		"WITH k AS (INSERT INTO result_keys(agent_id, epoch, seq, ts, digest)"
		"  VALUES ($1, $2, $3, $5, sha256(convert_to($6, 'UTF8')))"
		"  ON CONFLICT DO NOTHING RETURNING 1),"
		" r AS (INSERT INTO results(agent_id, epoch, seq, msm_id, ts, body, cycle)"
		"  SELECT $1, $2, $3, $4, $5, $6, NULLIF($7::bigint, 0) FROM k RETURNING 1)"
		" SELECT (SELECT COUNT(*) FROM r) AS stored,"
		" (SELECT digest = sha256(convert_to($6, 'UTF8')) FROM result_keys"
		"  WHERE agent_id = $1 AND epoch = $2 AND seq = $3) AS same", &q, err, errlen);
	if (!res)
		return -1;
	/* The CTE's snapshot does not see its own insert: "same" is NULL for a new key. */
	int stored = pg_get_int(res, 0, 0) == 1, unseen = PQgetisnull(res, 0, 1);
	same = !unseen && PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	/* Claimed by a writer that committed while this statement ran: look again. */
	if (!stored && unseen) {
		struct pg_args k = { 0 };
		pg_arg_int(&k, r->agent_id);
		pg_arg_int(&k, r->epoch);
		pg_arg_int(&k, r->seq);
		pg_arg_text(&k, body);
		if (pg_scalar(s, "result digest", "SELECT (digest = sha256(convert_to($4, 'UTF8')))::int"
			     " FROM result_keys WHERE agent_id = $1 AND epoch = $2 AND seq = $3",
			     &k, &same, err, errlen) < 0)
			return -1;
	}
	r->outcome = stored ? STORE_NEW : same ? STORE_DUPLICATE : STORE_CONFLICT;
	return 0;
}

/* Store one result and set its outcome; 0 or -1. */
static int put_one(struct store_pg *s, struct store_result *r, char *err, size_t errlen)
{
	if (r->refused) {
		r->outcome = STORE_REFUSED;
		return pg_put_refused(s, r, err, errlen);
	}
	if (memchr(r->body, '\0', r->len)) {
		snprintf(err, errlen, "store: result of agent %lld seq %lld holds a NUL byte",
			 (long long)r->agent_id, (long long)r->seq);
		return -1;
	}
	char *copy = strndup(r->body, r->len);
	if (!copy) {
		snprintf(err, errlen, "store: out of memory");
		return -1;
	}
	int rc = put_stored(s, r, copy, err, errlen);
	free(copy);
	return rc;
}

/* See pg_int.h. */
int pg_stream_broken(const struct store_result *r, size_t i)
{
	for (size_t k = 0; r[i].stream && k < i; k++)
		if (r[k].stream == r[i].stream &&
		    (r[k].outcome == STORE_CONFLICT || r[k].outcome == STORE_SKIPPED))
			return 1;
	return 0;
}

/* Store the n results one statement each (see results_put); added or -1. */
static int put_each(struct store_pg *s, struct store_result *r, size_t n, char *err, size_t errlen)
{
	int added = 0;
	for (size_t i = 0; i < n; i++) {
		if (pg_stream_broken(r, i)) {
			r[i].outcome = STORE_SKIPPED;
			continue;
		}
		if (put_one(s, &r[i], err, errlen) < 0)
			return -1;
		added += r[i].outcome == STORE_NEW;
	}
	return added;
}

/* See store.h (results_put). */
int pg_results_put(struct store *st, struct store_result *r, size_t n, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_unit u;
	if (pg_unit_begin(s, &u, "put", err, errlen) < 0)
		return -1;
	int added = n >= PG_BULK_MIN ? pg_results_bulk(s, r, n, err, errlen) : -2;
	if (added == -2)
		added = put_each(s, r, n, err, errlen);
	if (added > 0 && pg_credit_charge(s, r, n, err, errlen) < 0)
		added = -1;   /* charged exactly when newly stored, in the same unit */
	if (added < 0)   /* a day may have been archived and dropped meanwhile: look again */
		memset(s->days, 0xff, sizeof s->days);
	return pg_unit_end(s, &u, added >= 0, err, errlen) < 0 ? -1 : added;
}

/* See store.h (result_max_seq): from the ledger, so exported days still count. */
int pg_result_max_seq(struct store *st, int64_t agent_id, int64_t epoch, int64_t *seq,
		      char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, epoch);
	return pg_scalar(pg(st), "max sequence", "SELECT coalesce(MAX(seq), 0) FROM result_keys"
			" WHERE agent_id = $1 AND epoch = $2", &q, seq, err, errlen) == 1 ? 0 : -1;
}

/* See store.h (results_each): a cursor, so the rows are never all in memory. */
int pg_results_each(struct store *st, int64_t msm_id, store_row_fn fn, void *arg,
		    char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_unit u;
	struct pg_args q = { 0 };
	pg_arg_int(&q, msm_id);
	if (pg_unit_begin(s, &u, "each", err, errlen) < 0)
		return -1;
	PGresult *res = pg_query(s, "results", "DECLARE each_result NO SCROLL CURSOR FOR"
				 " SELECT agent_id AS agent, seq, msm_id, body FROM results"
				 " WHERE msm_id = $1 OR $1 = 0 ORDER BY agent_id, seq", &q, err, errlen);
	int ok = res != NULL, stop = 0;
	PQclear(res);
	while (ok && !stop) {
		res = pg_query(s, "results", "FETCH 500 FROM each_result", NULL, err, errlen);
		ok = res != NULL;
		if (!ok || PQntuples(res) == 0) {
			PQclear(res);
			break;
		}
		stop = pg_each_row(res, fn, arg);
	}
	if (ok)
		ok = pg_exec(s, "CLOSE each_result", err, errlen) == 0;
	return pg_unit_end(s, &u, ok, err, errlen);
}

/* See store.h (results_refused). */
int64_t pg_results_refused(struct store *st, int64_t agent_id)
{
	struct pg_args q = { 0 };
	int64_t n = -1;
	char err[8];
	pg_arg_int(&q, agent_id);
	if (pg_scalar(pg(st), "refused", "SELECT COUNT(*) FROM results_refused WHERE agent_id = $1"
		     " OR $1 = 0", &q, &n, err, sizeof err) != 1)
		return -1;
	return n;
}

/* See store.h (results_count). */
int64_t pg_results_count(struct store *st)
{
	int64_t n = -1;
	char err[8];
	if (pg_scalar(pg(st), "count", "SELECT COUNT(*) FROM results", NULL, &n, err, sizeof err) != 1)
		return -1;
	return n;
}
