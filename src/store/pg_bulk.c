/*
 * pg_bulk: a batch of results into the PostgreSQL store in two statements
 * instead of one per result (the controller commits up to 2000 at once).
 * The first looks up which keys (agent, epoch, seq) of the batch are held
 * already and whether with the same body (digest); from that the outcome
 * of every result is decided here in batch order, exactly as the one-by-one
 * path decides it (a duplicate, a conflict and the skipping of its
 * stream's later results, refusals). The second inserts the new ones: their
 * keys into the ledger (ON CONFLICT DO NOTHING) and, joined on the keys it
 * took, their bodies into the day partitions. Should another writer have
 * taken one of those keys in between, fewer rows go in than expected: the
 * batch then fails as a whole (nothing of it stays) and is stored again
 * later, when the first statement sees that key. Arrays go to the server
 * as bigint[] literals and the bodies as one JSON array of strings.
 */
#include "store/pg_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The n values as a bigint[] literal (free it), NULL when out of memory. */
static char *int_array(const int64_t *v, size_t n)
{
	size_t cap = 3 + n * 21, len = 1;
	char *t = malloc(cap);
	if (!t)
		return NULL;
	t[0] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len, "%s%" PRId64, i ? "," : "", v[i]);
	snprintf(t + len, cap - len, "}");
	return t;
}

/* The batch as columns for the server (ordinal i + 1 is r[pick[i]]). */
struct cols {
	int64_t *v[6];          /* agent, epoch, seq, msm_id, ts, team cycle (0: none) */
	char *text[6];          /* their literals */
	char *bodies;           /* a JSON array of the bodies */
};

static void cols_free(struct cols *c)
{
	for (int k = 0; k < 6; k++) {
		free(c->v[k]);
		free(c->text[k]);
	}
	free(c->bodies);
}

/* Fill c with the m results r[pick[0..m)]; 0, or -1 (out of memory, or a body not UTF-8). */
static int cols_fill(struct cols *c, const struct store_result *r, const size_t *pick, size_t m)
{
	json_t *arr = json_array();
	int ok = arr != NULL;
	for (int k = 0; k < 6; k++)
		ok = (c->v[k] = malloc((m + 1) * sizeof *c->v[k])) && ok;
	for (size_t i = 0; ok && i < m; i++) {
		const struct store_result *x = &r[pick[i]];
		c->v[0][i] = x->agent_id;
		c->v[1][i] = x->epoch;
		c->v[2][i] = x->seq;
		c->v[3][i] = x->msm_id;
		c->v[4][i] = pg_result_ts(x);
		c->v[5][i] = pg_result_cycle(x);
		json_t *b = memchr(x->body, '\0', x->len) ? NULL : json_stringn(x->body, x->len);
		ok = b && json_array_append_new(arr, b) == 0;
	}
	for (int k = 0; ok && k < 6; k++)
		ok = (c->text[k] = int_array(c->v[k], m)) != NULL;
	if (ok)
		ok = (c->bodies = json_dumps(arr, JSON_COMPACT)) != NULL;
	json_decref(arr);
	return ok ? 0 : -1;
}

/* The batch's rows as a relation t(i, body, agent_id, epoch, seq, msm_id, ts, cycle)
   from $1..$7. */
#define BATCH_ROWS \
	"SELECT b.i, b.body, ($1::bigint[])[b.i] AS agent_id, ($2::bigint[])[b.i] AS epoch," \
	" ($3::bigint[])[b.i] AS seq, ($4::bigint[])[b.i] AS msm_id, ($5::bigint[])[b.i] AS ts," \
	" NULLIF(($7::bigint[])[b.i], 0) AS cycle" \
	" FROM json_array_elements_text($6::json) WITH ORDINALITY AS b(body, i)"

/* Bind c as $1..$7 (the bodies are $6, the cycles $7). */
static void bind_cols(struct pg_args *q, const struct cols *c)
{
	for (int k = 0; k < 5; k++)
		pg_arg_text(q, c->text[k]);
	pg_arg_text(q, c->bodies);
	pg_arg_text(q, c->text[5]);
}

/* Compare the keys of two results (for finding a key twice in a batch). */
static int key_cmp(const void *a, const void *b)
{
	const struct store_result *x = *(const struct store_result *const *)a;
	const struct store_result *y = *(const struct store_result *const *)b;
	if (x->agent_id != y->agent_id)
		return (x->agent_id > y->agent_id) - (x->agent_id < y->agent_id);
	if (x->epoch != y->epoch)
		return (x->epoch > y->epoch) - (x->epoch < y->epoch);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Does the batch name one key twice? 1, 0, or -1 out of memory. */
static int key_twice(const struct store_result *r, size_t n)
{
	const struct store_result **p = malloc(n * sizeof *p);
	if (!p)
		return -1;
	for (size_t i = 0; i < n; i++)
		p[i] = &r[i];
	qsort(p, n, sizeof *p, key_cmp);
	int twice = 0;
	for (size_t i = 1; !twice && i < n; i++)
		twice = key_cmp(&p[i - 1], &p[i]) == 0;
	free(p);
	return twice;
}

/*
 * Mark in held[] (per result: 0 new, 1 held with the same body, 2 held with
 * another) what the ledger holds of the batch's stored results; pick[] are
 * their indexes, m of them. 0 or -1.
 */
static int lookup(struct store_pg *s, const struct store_result *r, const size_t *pick, size_t m,
		  unsigned char *held, char *err, size_t errlen)
{
	struct cols c = { 0 };
	struct pg_args q = { 0 };
	if (cols_fill(&c, r, pick, m) < 0) {
		cols_free(&c);
		snprintf(err, errlen, "store: results: out of memory");
		return -1;
	}
	bind_cols(&q, &c);
	PGresult *res = pg_query(s, "result lookup", "SELECT t.i, (k.digest ="
		" sha256(convert_to(t.body, 'UTF8')))::int FROM (" BATCH_ROWS ") t"
		" JOIN result_keys k ON k.agent_id = t.agent_id AND k.epoch = t.epoch"
		" AND k.seq = t.seq", &q, err, errlen);
	cols_free(&c);
	if (!res)
		return -1;
	for (int row = 0; row < PQntuples(res); row++) {
		int64_t i = pg_get_int(res, row, 0) - 1;
		if (i >= 0 && (size_t)i < m)
			held[pick[i]] = pg_get_int(res, row, 1) ? 1 : 2;
	}
	PQclear(res);
	return 0;
}

/* Insert the m new results r[pick[..]] (their partitions exist); 0 or -1. */
static int insert_new(struct store_pg *s, const struct store_result *r, const size_t *pick,
		      size_t m, char *err, size_t errlen)
{
	struct cols c = { 0 };
	struct pg_args q = { 0 };
	int rc = -1;
	if (cols_fill(&c, r, pick, m) < 0) {
		snprintf(err, errlen, "store: results: out of memory");
		goto out;
	}
	for (size_t i = 0; i < m; i++)
		if (pg_partition_for(s, c.v[4][i], err, errlen) < 0)
			goto out;
	bind_cols(&q, &c);
	int64_t in = pg_cmd(s, "result insert", "WITH t AS (" BATCH_ROWS "),"
		" k AS (INSERT INTO result_keys(agent_id, epoch, seq, ts, digest)"
		"  SELECT agent_id, epoch, seq, ts, sha256(convert_to(body, 'UTF8')) FROM t"
		"  ON CONFLICT DO NOTHING RETURNING agent_id, epoch, seq)"
		" INSERT INTO results(agent_id, epoch, seq, msm_id, ts, body, cycle)"
		" SELECT t.agent_id, t.epoch, t.seq, t.msm_id, t.ts, t.body, t.cycle FROM t"
		" JOIN k USING (agent_id, epoch, seq)", &q, err, errlen);
	if (in >= 0 && (size_t)in != m)
		snprintf(err, errlen, "store: another writer stored %zu of these results meanwhile;"
			 " the batch is to be stored again", m - (size_t)in);
	else if (in >= 0)
		rc = 0;
out:
	cols_free(&c);
	return rc;
}

/* Decide each result's outcome from held[], in batch order; the new ones into pick. */
static size_t decide(struct store_result *r, size_t n, const unsigned char *held, size_t *pick)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (pg_stream_broken(r, i))
			r[i].outcome = STORE_SKIPPED;
		else if (r[i].refused)
			r[i].outcome = STORE_REFUSED;
		else if (held[i])
			r[i].outcome = held[i] == 1 ? STORE_DUPLICATE : STORE_CONFLICT;
		else {
			r[i].outcome = STORE_NEW;
			pick[m++] = i;
		}
	}
	return m;
}

/* See pg_int.h. */
int pg_results_bulk(struct store_pg *s, struct store_result *r, size_t n, char *err,
		    size_t errlen)
{
	if (key_twice(r, n) != 0)
		return -2;
	size_t *pick = malloc(n * sizeof *pick), m = 0;
	unsigned char *held = calloc(n, 1);
	int rc = -1;
	if (!pick || !held) {
		snprintf(err, errlen, "store: results: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!r[i].refused)
			pick[m++] = i;
	if (m && lookup(s, r, pick, m, held, err, errlen) < 0)
		goto out;
	m = decide(r, n, held, pick);
	for (size_t i = 0; i < n; i++)
		if (r[i].outcome == STORE_REFUSED && pg_put_refused(s, &r[i], err, errlen) < 0)
			goto out;
	if (m && insert_new(s, r, pick, m, err, errlen) < 0)
		goto out;
	rc = (int)m;
out:
	free(pick);
	free(held);
	return rc;
}
