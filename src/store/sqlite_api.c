/*
 * sqlite_api: the REST API's storage operations (store_api.h) in the SQLite
 * store: API keys (only their SHA-256 is kept), measurement metadata in its
 * own table beside the controller's measurements, keyset pages of results
 * filtered by time window and probes, the latest result per probe, and
 * probes listed with their network attributes and session-derived uptime.
 * Lists of ids are bound as one JSON array and read back with json_each.
 * Every read here runs on the controller's loop, so each is an index seek
 * or a bounded page (the indexes: sqlite_index.c), never a scan of results.
 */
#include "store/sqlite_int.h"
#include "store/store_api.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char api_schema[] =
	"CREATE TABLE IF NOT EXISTS api_keys ("
	" id INTEGER PRIMARY KEY, hash TEXT UNIQUE NOT NULL, owner TEXT NOT NULL,"
	" rate INTEGER NOT NULL, created INTEGER NOT NULL, revoked INTEGER);"
	"CREATE TABLE IF NOT EXISTS api_msm ("
	" msm_id INTEGER PRIMARY KEY REFERENCES measurements(id), key_id INTEGER NOT NULL,"
	" description TEXT NOT NULL DEFAULT '', is_oneoff INTEGER NOT NULL,"
	" requested INTEGER NOT NULL, created INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS agent_attrs ("
	" agent_id INTEGER PRIMARY KEY, asn_v4 INTEGER, asn_v6 INTEGER, country_code TEXT,"
	" prefix_v4 TEXT, prefix_v6 TEXT, address_v4 TEXT, address_v6 TEXT);"
	/* Added later as a table of its own, so older databases need no migration:
	   a measurement without a row here is private. */
	"CREATE TABLE IF NOT EXISTS api_msm_meta ("
	" msm_id INTEGER PRIMARY KEY REFERENCES measurements(id),"
	" is_public INTEGER NOT NULL, extra TEXT);";

/* See sqlite_int.h. */
int sq_api_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, api_schema, err, errlen);
}

/* See sqlite_int.h. */
void sq_bind_ids(sqlite3_stmt *q, int i, const int64_t *ids, size_t n)
{
	if (!ids) {
		sqlite3_bind_null(q, i);
		return;
	}
	json_t *a = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, json_integer(ids[k]));
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (text)
		sqlite3_bind_text(q, i, text, -1, free);
	else
		sqlite3_bind_null(q, i);
}

/* See store_api.h (key_add). */
static int key_add(struct store *st, const char *hash, const char *owner, int rate,
		   int64_t now, int64_t *id, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO api_keys(hash, owner, rate, created)"
				  " VALUES (?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, rate);
	sqlite3_bind_int64(q, 4, now);
	if (sq_step_done(s, q, "key add", err, errlen) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* See store_api.h (key_revoke). */
static int key_revoke(struct store *st, int64_t id, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE api_keys SET revoked = 1 WHERE id = ?"
				  " AND revoked IS NULL", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int n = sq_step_done(s, q, "key revoke", err, errlen);
	if (n == 0)
		snprintf(err, errlen, "no active API key %lld", (long long)id);
	return n > 0 ? 0 : -1;
}

/* See store_api.h (key_list). */
static int key_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, owner, rate, created, coalesce(revoked, 0)"
				  " AS revoked FROM api_keys ORDER BY id", err, errlen);
	return q ? sq_list(s, q, out, err, errlen) : -1;
}

/* See store_api.h (key_find). */
static int key_find(struct store *st, const char *hash, struct store_key *k,
		    char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, owner, rate, coalesce(revoked, 0) FROM api_keys"
				  " WHERE hash = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		k->id = sqlite3_column_int64(q, 0);
		snprintf(k->owner, sizeof k->owner, "%s", (const char *)sqlite3_column_text(q, 1));
		k->rate = sqlite3_column_int(q, 2);
		k->revoked = sqlite3_column_int(q, 3);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return sq_fail(s, "key lookup", err, errlen);
}

/* See store_api.h (key_running). */
static int key_running(struct store *st, int64_t key_id, int64_t now, int64_t *count,
		       char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT COUNT(*) FROM api_msm a JOIN measurements m"
		" ON m.id = a.msm_id WHERE a.key_id = ?1 AND m.stopped IS NULL AND"
		" ((a.is_oneoff = 0 AND (coalesce(m.stop, 0) = 0 OR m.stop > ?2)) OR"
		" (a.is_oneoff = 1 AND coalesce(m.start, 0) > ?2 - 600))", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, key_id);
	sqlite3_bind_int64(q, 2, now);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "running measurements", err, errlen);
}

/* Insert the API metadata row of one measurement. */
static int insert_meta(struct store_sqlite *s, const struct store_api_msm *m,
		       char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO api_msm(msm_id, key_id, description, is_oneoff,"
				  " requested, created) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, m->msm->id);
	sqlite3_bind_int64(q, 2, m->key_id);
	sqlite3_bind_text(q, 3, m->description ? m->description : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, m->is_oneoff);
	sqlite3_bind_int64(q, 5, m->requested);
	sqlite3_bind_int64(q, 6, m->created);
	if (sq_step_done(s, q, "measurement metadata", err, errlen) < 0)
		return -1;
	q = sq_prep(s, "INSERT INTO api_msm_meta(msm_id, is_public, extra) VALUES (?, ?, ?)",
		    err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, m->msm->id);
	sqlite3_bind_int(q, 2, m->is_public != 0);
	if (m->extra)
		sqlite3_bind_text(q, 3, m->extra, -1, SQLITE_STATIC);
	return sq_step_done(s, q, "measurement metadata", err, errlen) < 0 ? -1 : 0;
}

/* See store_api.h (msm_create): all of them, or none. */
static int msm_create(struct store *st, struct store_api_msm *m, size_t n, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	/* A savepoint, so it also works inside the controller's group commit. */
	if (sq_exec(s, "SAVEPOINT msms", err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (sq_msm_insert_assign(s, m[i].msm, m[i].agents, m[i].nagents, err, errlen) < 0 ||
		    insert_meta(s, &m[i], err, errlen) < 0) {
			sq_exec(s, "ROLLBACK TO msms; RELEASE msms", NULL, 0);
			return -1;
		}
	}
	if (sq_exec(s, "RELEASE msms", err, errlen) < 0) {
		sq_exec(s, "ROLLBACK TO msms; RELEASE msms", NULL, 0);
		return -1;
	}
	return 0;
}

#define MSM_COLUMNS \
	"SELECT m.id, m.def, m.start, m.stop, m.interval, m.spread, m.stopped," \
	" coalesce(a.key_id, 0) AS key_id, coalesce(a.description, '') AS description," \
	" coalesce(a.is_oneoff, m.interval = 0) AS is_oneoff, coalesce(a.requested, 0) AS requested," \
	" coalesce(a.created, m.start) AS created," \
	" (SELECT COUNT(*) FROM msm_agents WHERE msm_id = m.id AND refused IS NULL) AS participants," \
	" (SELECT COUNT(*) FROM msm_agents p WHERE p.msm_id = m.id AND p.refused IS NULL" \
	"  AND EXISTS (SELECT 1 FROM results r WHERE r.msm_id = m.id AND r.agent_id = p.agent_id))" \
	"  AS reported," \
	" coalesce(x.is_public, 0) AS is_public, x.extra AS extra" \
	" FROM measurements m LEFT JOIN api_msm a ON a.msm_id = m.id" \
	" LEFT JOIN api_msm_meta x ON x.msm_id = m.id "

/* RIPE's status id of a row v of MSM_COLUMNS as of ?7 (api_msm.c says the same in C). */
#define MSM_STATUS \
	"(CASE WHEN v.stopped IS NOT NULL OR (v.is_oneoff AND v.participants > 0 AND" \
	" v.reported >= v.participants) THEN 4 WHEN v.start > ?7 THEN 1" \
	" WHEN v.participants = 0 THEN 6 ELSE 2 END)"

/* The filters of struct store_page over v, bound by bind_msm_filter. */
#define MSM_WHERE \
	" WHERE (?1 = 0 OR v.key_id = ?1)" \
	" AND (?2 IS NULL OR (?2 = 'stopped') = (v.stopped IS NOT NULL))" \
	" AND (?3 IS NULL OR json_extract(v.def, '$.type') = ?3)" \
	" AND (?4 IS NULL OR v.id IN (SELECT value FROM json_each(?4)))" \
	" AND (?5 IS NULL OR v.is_public = 1 OR (?5 != 0 AND v.key_id = ?5))" \
	" AND (?6 = 0 OR ((?6 >> " MSM_STATUS ") & 1))" \
	" AND (?8 = 0 OR json_extract(v.def, '$.af') = ?8)" \
	" AND (?9 IS NULL OR json_extract(v.def, '$.target') = ?9" \
	"  OR json_extract(v.extra, '$.target') = ?9)" \
	" AND (?10 IS NULL OR instr(json_extract(v.def, '$.target'), ?10) > 0" \
	"  OR instr(coalesce(json_extract(v.extra, '$.target'), ''), ?10) > 0)" \
	" AND (?11 IS NULL OR v.description = ?11)" \
	" AND (?12 IS NULL OR instr(v.description, ?12) > 0)" \
	" AND (?13 IS NULL OR instr(lower(v.description), lower(?13)) > 0" \
	"  OR instr(lower(coalesce(json_extract(v.extra, '$.target'), json_extract(v.def," \
	"  '$.target'))), lower(?13)) > 0)" \
	" AND (?14 IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(?14) t WHERE t.value NOT IN" \
	"  (SELECT value FROM json_each(coalesce(v.extra, '{}'), '$.tags'))))" \
	" AND (?15 = 0 OR v.is_public = (?15 = 1))" \
	" AND (?16 = 0 OR v.start > ?16) AND (?17 = 0 OR v.start < ?17)" \
	" AND (?18 = 0 OR coalesce(v.stopped, nullif(v.stop, 0)) > ?18)" \
	" AND (?19 = 0 OR coalesce(v.stopped, nullif(v.stop, 0)) < ?19)" \
	" AND (?20 = 0 OR v.id > ?20) AND (?21 = 0 OR v.id < ?21)" \
	" AND (?22 = 0 OR EXISTS (SELECT 1 FROM msm_agents g WHERE g.msm_id = v.id" \
	"  AND g.agent_id = ?22 AND g.refused IS NULL))"

/* Take the single row of q into *row: 1, 0 if none, -1. Finalizes q. */
static int one_row(struct store_sqlite *s, sqlite3_stmt *q, json_t **row, char *err, size_t errlen)
{
	json_t *rows;
	if (sq_list(s, q, &rows, err, errlen) < 0)
		return -1;
	*row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *row != NULL;
}

/* See store_api.h (msm_get). */
static int msm_get(struct store *st, int64_t id, json_t **row, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, MSM_COLUMNS "WHERE m.id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	return one_row(s, q, row, err, errlen);
}

/* Bind text at i when given (NULL stays unbound: no filter). */
static void bind_opt_text(sqlite3_stmt *q, int i, const char *text)
{
	if (text)
		sqlite3_bind_text(q, i, text, -1, SQLITE_STATIC);
}

/* Bind the measurement filters of p as ?1..?22. */
static void bind_msm_filter(sqlite3_stmt *q, const struct store_page *p)
{
	sqlite3_bind_int64(q, 1, p->key_id);
	bind_opt_text(q, 2, p->status);
	bind_opt_text(q, 3, p->type);
	sq_bind_ids(q, 4, p->ids, p->nids);
	if (p->visible)
		sqlite3_bind_int64(q, 5, p->viewer);
	sqlite3_bind_int64(q, 6, p->status_mask);
	sqlite3_bind_int64(q, 7, p->now);
	sqlite3_bind_int(q, 8, p->af);
	bind_opt_text(q, 9, p->target);
	bind_opt_text(q, 10, p->target_contains);
	bind_opt_text(q, 11, p->description);
	bind_opt_text(q, 12, p->description_contains);
	bind_opt_text(q, 13, p->search);
	bind_opt_text(q, 14, p->tags);
	sqlite3_bind_int(q, 15, p->is_public);
	const int64_t v[] = { p->start_gt, p->start_lt, p->stop_gt, p->stop_lt, p->id_gt,
			      p->id_lt, p->current_probe };
	for (int i = 0; i < 7; i++)
		sqlite3_bind_int64(q, 16 + i, v[i]);
}

/* The ORDER BY of a sort name (NULL or unknown: newest first). */
static const char *msm_order(const char *sort)
{
	static const struct { const char *name, *sql; } t[] = {
		{ "id", "v.id" }, { "-id", "v.id DESC" },
		{ "start_time", "v.start, v.id" }, { "-start_time", "v.start DESC, v.id DESC" },
		{ "stop_time", "coalesce(v.stopped, nullif(v.stop, 0)), v.id" },
		{ "-stop_time", "coalesce(v.stopped, nullif(v.stop, 0)) DESC, v.id DESC" },
	};
	for (size_t i = 0; sort && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(sort, t[i].name) == 0)
			return t[i].sql;
	return "v.id DESC";
}

/* The integer in the single row of q (finalized). */
static int count_of(struct store_sqlite *s, sqlite3_stmt *q, int64_t *count, char *err, size_t errlen)
{
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "count", err, errlen);
}

/* See store_api.h (msm_page). */
static int msm_page(struct store *st, const struct store_page *p, json_t **rows,
		    int64_t *count, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *c = sq_prep(s, "SELECT COUNT(*) FROM (" MSM_COLUMNS ") v" MSM_WHERE,
				  err, errlen);
	if (!c)
		return -1;
	bind_msm_filter(c, p);
	if (count_of(s, c, count, err, errlen) < 0)
		return -1;
	char sql[sizeof(MSM_COLUMNS MSM_WHERE) + 200];
	snprintf(sql, sizeof sql, "SELECT * FROM (" MSM_COLUMNS ") v" MSM_WHERE
		 " ORDER BY %s LIMIT ?23 OFFSET ?24", msm_order(p->sort));
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (!q)
		return -1;
	bind_msm_filter(q, p);
	sqlite3_bind_int(q, 23, p->limit);
	sqlite3_bind_int64(q, 24, p->offset);
	return sq_list(s, q, rows, err, errlen);
}

/* See store_api.h (msm_participants). */
static int msm_participants(struct store *st, int64_t id, const int64_t *agents, size_t n,
			    int remove, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, remove ?
		"UPDATE msm_agents SET refused = 'removed by the owner' WHERE msm_id = ?1"
		" AND refused IS NULL AND agent_id IN (SELECT value FROM json_each(?2))" :
		/* a probe its owner took out may be put back, as RIPE allows;
		   one refused by the controller stays refused */
		"INSERT INTO msm_agents(msm_id, agent_id) SELECT ?1, value FROM json_each(?2)"
		" WHERE true ON CONFLICT (msm_id, agent_id) DO UPDATE SET refused = NULL"
		" WHERE refused = 'removed by the owner'", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sq_bind_ids(q, 2, agents, n);
	return sq_step_done(s, q, "participants", err, errlen);
}

/*
 * See store_api.h (results_page). The statement walks results_by_time from
 * the cursor and gives the body only of rows of the probes asked for, so a
 * page costs at most f->scan index steps whatever matches.
 */
static int results_page(struct store *st, struct store_result_filter *f,
			store_row_fn fn, void *arg, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT ts, agent_id, seq, CASE WHEN ?4 IS NULL OR agent_id IN"
				  " (SELECT value FROM json_each(?4)) THEN body END FROM results"
				  " WHERE msm_id = ?1 AND (ts, agent_id, seq) > (?5, ?6, ?7) AND ts <= ?3"
				  " ORDER BY ts, agent_id, seq LIMIT ?2", err, errlen);
	if (!q)
		return -1;
	int scan = f->scan > 0 ? f->scan : STORE_SCAN, given = 0, seen = 0, stop = 0;
	int rc = SQLITE_DONE;
	store_cursor_start(f);
	sqlite3_bind_int64(q, 1, f->msm_id);
	sqlite3_bind_int(q, 2, scan);
	sqlite3_bind_int64(q, 3, f->stop ? f->stop : INT64_MAX);
	sq_bind_ids(q, 4, f->probes, f->nprobes);
	sqlite3_bind_int64(q, 5, f->after_ts);
	sqlite3_bind_int64(q, 6, f->after_agent);
	sqlite3_bind_int64(q, 7, f->after_seq);
	while (!stop && given < f->limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		seen++;
		f->after_ts = sqlite3_column_int64(q, 0);
		f->after_agent = sqlite3_column_int64(q, 1);
		f->after_seq = sqlite3_column_int64(q, 2);
		if (sqlite3_column_type(q, 3) == SQLITE_NULL)
			continue;
		given++;
		stop = store_give_result(fn, arg, f->after_agent, f->after_seq, f->after_ts,
			    (const char *)sqlite3_column_text(q, 3));
	}
	if (!stop && given < f->limit && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		return sq_fail(s, "results page", err, errlen);
	}
	f->done = rc == SQLITE_DONE && seen < scan;
	sqlite3_finalize(q);
	return given;
}

/* Compare two ids for qsort. */
static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/*
 * The probe after agent whose latest result to give: the next of f's probes
 * (sorted) or the next agent with results of the measurement (an index
 * seek); 1 with *next, 0 at the end, -1 on error.
 */
static int next_probe(sqlite3_stmt *seek, const int64_t *sorted, const struct store_result_filter *f,
		      int64_t agent, int64_t *next)
{
	if (sorted) {
		for (size_t i = 0; i < f->nprobes; i++)
			if (sorted[i] > agent) {
				*next = sorted[i];
				return 1;
			}
		return 0;
	}
	sqlite3_reset(seek);
	sqlite3_bind_int64(seek, 1, f->msm_id);
	sqlite3_bind_int64(seek, 2, agent);
	int rc = sqlite3_step(seek);
	if (rc == SQLITE_ROW)
		*next = sqlite3_column_int64(seek, 0);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Give the latest results (f->versions, newest first) of agent; -1 on error, else 1 if fn
   asked to stop. */
static int give_latest(sqlite3_stmt *last, const struct store_result_filter *f, int64_t agent,
		       store_row_fn fn, void *arg)
{
	int rc, stop = 0;
	sqlite3_reset(last);
	sqlite3_bind_int64(last, 1, f->msm_id);
	sqlite3_bind_int64(last, 2, agent);
	sqlite3_bind_int(last, 3, f->versions > 0 ? f->versions : 1);
	while ((rc = sqlite3_step(last)) == SQLITE_ROW)
		stop |= store_give_result(fn, arg, agent, sqlite3_column_int64(last, 0),
					  sqlite3_column_int64(last, 1),
					  (const char *)sqlite3_column_text(last, 2)) != 0;
	return rc == SQLITE_DONE ? stop : -1;
}

/* See store_api.h (results_latest): two index seeks per probe. */
static int results_latest(struct store *st, struct store_result_filter *f,
			  store_row_fn fn, void *arg, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *seek = sq_prep(s, "SELECT agent_id FROM results WHERE msm_id = ?1"
				     " AND agent_id > ?2 ORDER BY agent_id LIMIT 1", err, errlen);
	sqlite3_stmt *last = seek ? sq_prep(s, "SELECT seq, ts, body FROM results WHERE msm_id = ?1"
					    " AND agent_id = ?2 ORDER BY seq DESC LIMIT ?3", err,
					    errlen) : NULL;
	int64_t *sorted = f->probes ? malloc((f->nprobes + 1) * sizeof *sorted) : NULL;
	int rc = 0, more = 1, n = 0, limit = f->limit > 0 ? f->limit : STORE_SCAN;
	if (!last || (f->probes && !sorted)) {
		rc = -1;
		if (last)
			snprintf(err, errlen, "out of memory");
	} else if (sorted) {
		memcpy(sorted, f->probes, f->nprobes * sizeof *sorted);
		qsort(sorted, f->nprobes, sizeof *sorted, id_cmp);
	}
	int64_t agent = f->after_agent, next;
	while (rc == 0 && n < limit && (more = next_probe(seek, sorted, f, agent, &next)) == 1) {
		n++;
		agent = next;
		int g = give_latest(last, f, agent, fn, arg);
		if (g < 0)
			more = -1;
		if (g != 0)
			break;
	}
	if (rc == 0 && more < 0)
		rc = sq_fail(s, "latest results", err, errlen);
	f->after_agent = agent;
	f->done = more == 0;
	sqlite3_finalize(seek);
	sqlite3_finalize(last);
	free(sorted);
	return rc < 0 ? -1 : n;
}

/* See store_api.h (msm_probes). */
static int msm_probes(struct store *st, int64_t id, int64_t key_id, json_t **ids,
		      char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT p.agent_id AS id FROM measurements m"
				  " LEFT JOIN api_msm a ON a.msm_id = m.id"
				  " JOIN msm_agents p ON p.msm_id = m.id"
				  " WHERE m.id = ?1 AND (?2 = 0 OR a.key_id = ?2) AND p.refused IS NULL"
				  " ORDER BY p.agent_id", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, key_id);
	if (sq_list_ids(s, q, ids, err, errlen) < 0)
		return -1;
	return json_array_size(*ids) > 0;
}

#define PROBE_FROM \
	" FROM agents g LEFT JOIN agent_attrs t ON t.agent_id = g.id" \
	" WHERE g.removed = 0 AND (?1 = 0 OR g.role = 'anchor')" \
	" AND (?2 IS NULL OR g.id IN (SELECT value FROM json_each(?2)))"

/* See store_api.h (probe_page). */
static int probe_page(struct store *st, const struct store_page *p, int64_t now,
		      json_t **rows, int64_t *count, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *c = sq_prep(s, "SELECT COUNT(*)" PROBE_FROM, err, errlen);
	if (!c)
		return -1;
	sqlite3_bind_int(c, 1, p->anchors_only);
	sq_bind_ids(c, 2, p->ids, p->nids);
	if (count_of(s, c, count, err, errlen) < 0)
		return -1;
	sqlite3_stmt *q = sq_prep(s,
		"SELECT g.id, g.fp, g.org, g.role, g.tags, g.approved, t.asn_v4, t.asn_v6,"
		" t.country_code, t.prefix_v4, t.prefix_v6, t.address_v4, t.address_v6,"
		" (SELECT MIN(connected) FROM sessions WHERE agent_id = g.id) AS first_connected,"
		" (SELECT MAX(connected) FROM sessions WHERE agent_id = g.id) AS last_connected,"
		" (SELECT coalesce(SUM(coalesce(disconnected, ?3) - connected), 0) FROM sessions"
		"  WHERE agent_id = g.id) AS total_uptime,"
		" (SELECT peer FROM sessions WHERE agent_id = g.id ORDER BY id DESC LIMIT 1) AS peer,"
		" (SELECT coalesce(disconnected, connected) FROM sessions WHERE agent_id = g.id"
		"  ORDER BY id DESC LIMIT 1) AS status_since"
		PROBE_FROM " ORDER BY g.id LIMIT ?4 OFFSET ?5", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, p->anchors_only);
	sq_bind_ids(q, 2, p->ids, p->nids);
	sqlite3_bind_int64(q, 3, now);
	sqlite3_bind_int(q, 4, p->limit);
	sqlite3_bind_int64(q, 5, p->offset);
	return sq_list(s, q, rows, err, errlen);
}

/* Bind the JSON field name of attrs at i: integer, string or NULL. */
static void bind_attr(sqlite3_stmt *q, int i, const json_t *attrs, const char *name)
{
	const json_t *v = json_object_get(attrs, name);
	if (json_is_integer(v))
		sqlite3_bind_int64(q, i, json_integer_value(v));
	else if (json_is_string(v))
		sqlite3_bind_text(q, i, json_string_value(v), -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

/* See store_api.h (agent_attrs). */
static int agent_attrs(struct store *st, int64_t agent_id, const json_t *attrs,
		       char *err, size_t errlen)
{
	static const char *const names[] = { "asn_v4", "asn_v6", "country_code", "prefix_v4",
					     "prefix_v6", "address_v4", "address_v6" };
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO agent_attrs(agent_id, asn_v4, asn_v6,"
				  " country_code, prefix_v4, prefix_v6, address_v4, address_v6)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	for (int i = 0; i < 7; i++)
		bind_attr(q, i + 2, attrs, names[i]);
	return sq_step_done(s, q, "agent attributes", err, errlen) < 0 ? -1 : 0;
}

/* See sqlite_int.h. */
const struct store_api_ops sq_api_ops = {
	.key_add = key_add,
	.key_revoke = key_revoke,
	.key_list = key_list,
	.key_find = key_find,
	.key_running = key_running,
	.msm_create = msm_create,
	.msm_get = msm_get,
	.msm_page = msm_page,
	.msm_probes = msm_probes,
	.msm_participants = msm_participants,
	.results_page = results_page,
	.results_latest = results_latest,
	.probe_page = probe_page,
	.agent_attrs = agent_attrs,
};
