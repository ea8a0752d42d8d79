/*
 * pg_api: the REST API's storage operations (store_api.h) in the PostgreSQL
 * store, the same queries as the SQLite store's: API keys (only their
 * SHA-256 is kept), measurement metadata beside the controller's
 * measurements, keyset pages of results by time window and probes, the
 * latest result per probe, and probes with their network attributes and
 * session-derived uptime. Lists of ids are bound as one bigint[] literal.
 * Every read is an index seek or a bounded page (results_by_time and
 * results_by_msm, made on every day's partition; pg.c), never a scan of
 * results or of stored JSON.
 */
#include "store/pg_int.h"
#include "store/store_api.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See store_api.h (key_add). */
static int key_add(struct store *st, const char *hash, const char *owner, int rate,
		   int64_t now, int64_t *id, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, hash);
	pg_arg_text(&q, owner);
	pg_arg_int(&q, rate);
	pg_arg_int(&q, now);
	return pg_scalar(pg(st), "key add", "INSERT INTO api_keys(hash, owner, rate, created)"
			" VALUES ($1, $2, $3, $4) RETURNING id", &q, id, err, errlen) == 1 ? 0 : -1;
}

/* See store_api.h (key_revoke). */
static int key_revoke(struct store *st, int64_t id, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, id);
	int64_t n = pg_cmd(pg(st), "key revoke", "UPDATE api_keys SET revoked = 1 WHERE id = $1"
			   " AND revoked IS NULL", &q, err, errlen);
	if (n == 0)
		snprintf(err, errlen, "no active API key %lld", (long long)id);
	return n > 0 ? 0 : -1;
}

/* See store_api.h (key_list). */
static int key_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	return pg_list(pg(st), "key list", "SELECT id, owner, rate, created, coalesce(revoked, 0)"
		       " AS revoked FROM api_keys ORDER BY id", NULL, out, err, errlen);
}

/* See store_api.h (key_find). */
static int key_find(struct store *st, const char *hash, struct store_key *k,
		    char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, hash);
	PGresult *res = pg_query(pg(st), "key lookup", "SELECT id, owner, rate, coalesce(revoked, 0)"
				 " FROM api_keys WHERE hash = $1", &q, err, errlen);
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found) {
		k->id = pg_get_int(res, 0, 0);
		snprintf(k->owner, sizeof k->owner, "%s", PQgetvalue(res, 0, 1));
		k->rate = (int)pg_get_int(res, 0, 2);
		k->revoked = (int)pg_get_int(res, 0, 3);
	}
	PQclear(res);
	return found;
}

/* See store_api.h (key_running). */
static int key_running(struct store *st, int64_t key_id, int64_t now, int64_t *count,
		       char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, key_id);
	pg_arg_int(&q, now);
	return pg_scalar(pg(st), "running measurements", "SELECT COUNT(*) FROM api_msm a"
		" JOIN measurements m ON m.id = a.msm_id WHERE a.key_id = $1 AND m.stopped IS NULL AND"
		" ((a.is_oneoff = 0 AND (coalesce(m.stop, 0) = 0 OR m.stop > $2)) OR"
		" (a.is_oneoff = 1 AND coalesce(m.start, 0) > $2 - 600))", &q, count, err,
		errlen) == 1 ? 0 : -1;
}

/* See store_api.h (create_lock): row locks, the key's first, then its account's
   (every create takes them in this order, so two never wait on each other). */
static int create_lock(struct store *st, int64_t key_id, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_args q = { 0 };
	int64_t n;
	if (!s->in_txn) {   /* a lock outside a transaction would end with its statement */
		snprintf(err, errlen, "store: create lock: not inside a transaction");
		return -1;
	}
	pg_arg_int(&q, key_id);
	return pg_scalar(s, "create lock", "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM api_keys"
			 " WHERE id = $1 FOR UPDATE) k) + (SELECT COUNT(*) FROM (SELECT 1 FROM"
			 " accounts WHERE id IN (SELECT account_id FROM account_keys WHERE key_id = $1)"
			 " FOR UPDATE) a)", &q, &n, err, errlen) == 1 ? 0 : -1;
}

/* Insert the API metadata row of one measurement. */
static int insert_meta(struct store_pg *s, const struct store_api_msm *m, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, m->msm->id);
	pg_arg_int(&q, m->key_id);
	pg_arg_text(&q, m->description ? m->description : "");
	pg_arg_int(&q, m->is_oneoff);
	pg_arg_int(&q, m->requested);
	pg_arg_int(&q, m->created);
	if (pg_cmd(s, "measurement metadata", "INSERT INTO api_msm(msm_id, key_id, description,"
		   " is_oneoff, requested, created) VALUES ($1, $2, $3, $4, $5, $6)", &q, err,
		   errlen) < 0)
		return -1;
	struct pg_args x = { 0 };
	pg_arg_int(&x, m->msm->id);
	pg_arg_int(&x, m->is_public != 0);
	pg_arg_text(&x, m->extra);
	return pg_cmd(s, "measurement metadata", "INSERT INTO api_msm_meta(msm_id, is_public, extra)"
		      " VALUES ($1, $2, $3)", &x, err, errlen) < 0 ? -1 : 0;
}

/* See store_api.h (msm_create): all of them, or none. */
static int msm_create(struct store *st, struct store_api_msm *m, size_t n, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_unit u;
	if (pg_unit_begin(s, &u, "msms", err, errlen) < 0)
		return -1;
	int ok = 1;
	for (size_t i = 0; ok && i < n; i++)
		ok = pg_msm_insert_assign(s, m[i].msm, m[i].agents, m[i].nagents, err, errlen) == 0 &&
		     insert_meta(s, &m[i], err, errlen) == 0;
	return pg_unit_end(s, &u, ok, err, errlen);
}

#define MSM_COLUMNS \
	"SELECT m.id, m.def, m.start, m.stop, m.\"interval\", m.spread, m.stopped," \
	" coalesce(a.key_id, 0) AS key_id, coalesce(a.description, '') AS description," \
	" coalesce(a.is_oneoff, (m.\"interval\" = 0)::int) AS is_oneoff," \
	" coalesce(a.requested, 0) AS requested, coalesce(a.created, m.start) AS created," \
	" (SELECT COUNT(*) FROM msm_agents WHERE msm_id = m.id AND refused IS NULL) AS participants," \
	" (SELECT COUNT(*) FROM msm_agents p WHERE p.msm_id = m.id AND p.refused IS NULL" \
	"  AND EXISTS (SELECT 1 FROM results r WHERE r.msm_id = m.id AND r.agent_id = p.agent_id))" \
	"  AS reported," \
	" coalesce(x.is_public, 0) AS is_public, x.extra AS extra" \
	" FROM measurements m LEFT JOIN api_msm a ON a.msm_id = m.id" \
	" LEFT JOIN api_msm_meta x ON x.msm_id = m.id "

/* RIPE's status id of a row v of MSM_COLUMNS as of $7 (api_msm.c says the same in C). */
#define MSM_STATUS \
	"(CASE WHEN v.stopped IS NOT NULL OR (v.is_oneoff <> 0 AND v.participants > 0 AND" \
	" v.reported >= v.participants) THEN 4 WHEN v.start > $7 THEN 1" \
	" WHEN v.participants = 0 THEN 6 ELSE 2 END)"

/* A field of the definition or of the echoed extra (stored as JSON text). */
#define DEF(f) "(v.def::jsonb ->> '" f "')"
#define EXTRA(f) "(v.extra::jsonb ->> '" f "')"

/* The filters of struct store_page over v, as the SQLite store's (msm_filter binds them). */
#define MSM_WHERE \
	" WHERE ($1::bigint = 0 OR v.key_id = $1)" \
	" AND ($2::text IS NULL OR ($2 = 'stopped') = (v.stopped IS NOT NULL))" \
	" AND ($3::text IS NULL OR " DEF("type") " = $3)" \
	" AND ($4::bigint[] IS NULL OR v.id = ANY($4::bigint[]))" \
	" AND ($5::bigint IS NULL OR v.is_public = 1 OR ($5 <> 0 AND v.key_id = $5))" \
	" AND ($6::bigint = 0 OR (($6 >> " MSM_STATUS ") & 1) = 1)" \
	" AND ($8::int = 0 OR (v.def::jsonb -> 'af') = to_jsonb($8::int))" \
	" AND ($9::text IS NULL OR " DEF("target") " = $9 OR " EXTRA("target") " = $9)" \
	" AND ($10::text IS NULL OR strpos(coalesce(" DEF("target") ", ''), $10) > 0" \
	"  OR strpos(coalesce(" EXTRA("target") ", ''), $10) > 0)" \
	" AND ($11::text IS NULL OR v.description = $11)" \
	" AND ($12::text IS NULL OR strpos(v.description, $12) > 0)" \
	" AND ($13::text IS NULL OR strpos(lower(v.description), lower($13)) > 0" \
	"  OR strpos(lower(coalesce(" EXTRA("target") ", " DEF("target") ", '')), lower($13)) > 0)" \
	" AND ($14::jsonb IS NULL OR coalesce(v.extra::jsonb -> 'tags', '[]') @> $14::jsonb)" \
	" AND ($15::int = 0 OR v.is_public = (CASE WHEN $15 = 1 THEN 1 ELSE 0 END))" \
	" AND ($16::bigint = 0 OR v.start > $16) AND ($17::bigint = 0 OR v.start < $17)" \
	" AND ($18::bigint = 0 OR coalesce(v.stopped, nullif(v.stop, 0)) > $18)" \
	" AND ($19::bigint = 0 OR coalesce(v.stopped, nullif(v.stop, 0)) < $19)" \
	" AND ($20::bigint = 0 OR v.id > $20) AND ($21::bigint = 0 OR v.id < $21)" \
	" AND ($22::bigint = 0 OR EXISTS (SELECT 1 FROM msm_agents g WHERE g.msm_id = v.id" \
	"  AND g.agent_id = $22 AND g.refused IS NULL))"

/* See store_api.h (msm_get). */
static int msm_get(struct store *st, int64_t id, json_t **row, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	json_t *rows;
	pg_arg_int(&q, id);
	if (pg_list(pg(st), "measurement", MSM_COLUMNS "WHERE m.id = $1", &q, &rows, err, errlen) < 0)
		return -1;
	*row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *row != NULL;
}

/* The measurement filters of p as $1..$22 (*ids: free it). */
static void msm_filter(struct pg_args *q, const struct store_page *p, char **ids)
{
	pg_arg_int(q, p->key_id);
	pg_arg_text(q, p->status);
	pg_arg_text(q, p->type);
	pg_arg_ids(q, p->ids, p->nids, ids);
	if (p->visible)
		pg_arg_int(q, p->viewer);
	else
		pg_arg_text(q, NULL);
	pg_arg_int(q, p->status_mask);
	pg_arg_int(q, p->now);
	pg_arg_int(q, p->af);
	const char *texts[] = { p->target, p->target_contains, p->description,
				p->description_contains, p->search, p->tags };
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		pg_arg_text(q, texts[i]);
	pg_arg_int(q, p->is_public);
	const int64_t v[] = { p->start_gt, p->start_lt, p->stop_gt, p->stop_lt, p->id_gt,
			      p->id_lt, p->current_probe };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		pg_arg_int(q, v[i]);
}

/* The ORDER BY of a sort name (NULL or unknown: newest first); NULLs sort as SQLite's do. */
static const char *msm_order(const char *sort)
{
	static const struct { const char *name, *sql; } t[] = {
		{ "id", "v.id" }, { "-id", "v.id DESC" },
		{ "start_time", "v.start NULLS FIRST, v.id" },
		{ "-start_time", "v.start DESC NULLS LAST, v.id DESC" },
		{ "stop_time", "coalesce(v.stopped, nullif(v.stop, 0)) NULLS FIRST, v.id" },
		{ "-stop_time", "coalesce(v.stopped, nullif(v.stop, 0)) DESC NULLS LAST, v.id DESC" },
	};
	for (size_t i = 0; sort && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(sort, t[i].name) == 0)
			return t[i].sql;
	return "v.id DESC";
}

/* See store_api.h (msm_page). */
static int msm_page(struct store *st, const struct store_page *p, json_t **rows,
		    int64_t *count, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	char *ids, sql[sizeof(MSM_COLUMNS MSM_WHERE) + 200];
	msm_filter(&q, p, &ids);
	int rc = pg_scalar(pg(st), "measurement count", "SELECT COUNT(*) FROM (" MSM_COLUMNS ") v"
			  MSM_WHERE, &q, count, err, errlen) == 1 ? 0 : -1;
	pg_arg_int(&q, p->limit);
	pg_arg_int(&q, p->offset);
	snprintf(sql, sizeof sql, "SELECT * FROM (" MSM_COLUMNS ") v" MSM_WHERE
		 " ORDER BY %s LIMIT $23 OFFSET $24", msm_order(p->sort));
	if (rc == 0)
		rc = pg_list(pg(st), "measurement page", sql, &q, rows, err, errlen);
	free(ids);
	return rc;
}

/* See store_api.h (msm_participants). */
static int msm_participants(struct store *st, int64_t id, const int64_t *agents, size_t n,
			    int remove, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	char *ids;
	pg_arg_int(&q, id);
	pg_arg_ids(&q, agents, n, &ids);
	int64_t changed = pg_cmd(pg(st), "participants", remove ?
		"UPDATE msm_agents SET refused = 'removed by the owner' WHERE msm_id = $1"
		" AND refused IS NULL AND agent_id = ANY($2::bigint[])" :
		/* a probe its owner took out may be put back, as RIPE allows;
		   one refused by the controller stays refused */
		"INSERT INTO msm_agents(msm_id, agent_id) SELECT $1, unnest($2::bigint[])"
		" ON CONFLICT (msm_id, agent_id) DO UPDATE SET refused = NULL"
		" WHERE msm_agents.refused = 'removed by the owner'", &q, err, errlen);
	free(ids);
	return changed < 0 ? -1 : (int)changed;
}

/*
 * See store_api.h (results_page). The query walks results_by_time from the
 * cursor and returns the body only of rows of the probes asked for, so a
 * page costs at most f->scan index steps whatever matches.
 */
static int results_page(struct store *st, struct store_result_filter *f,
			store_row_fn fn, void *arg, char *err, size_t errlen)
{
	int scan = f->scan > 0 ? f->scan : STORE_SCAN, given = 0, stop = 0;
	struct pg_args q = { 0 };
	char *ids;
	store_cursor_start(f);
	pg_arg_int(&q, f->msm_id);
	pg_arg_int(&q, scan);
	pg_arg_int(&q, f->stop ? f->stop : INT64_MAX);
	pg_arg_ids(&q, f->probes, f->nprobes, &ids);
	pg_arg_int(&q, f->after_ts);
	pg_arg_int(&q, f->after_agent);
	pg_arg_int(&q, f->after_seq);
	PGresult *res = pg_query(pg(st), "results page", "SELECT ts, agent_id, seq,"
		" CASE WHEN $4::bigint[] IS NULL OR agent_id = ANY($4::bigint[]) THEN body END"
		" FROM results WHERE msm_id = $1 AND (ts, agent_id, seq) > ($5, $6, $7)"
		" AND ts <= $3 ORDER BY ts, agent_id, seq LIMIT $2", &q, err, errlen);
	free(ids);
	if (!res)
		return -1;
	int rows = PQntuples(res), r;
	for (r = 0; r < rows && !stop && given < f->limit; r++) {
		f->after_ts = pg_get_int(res, r, 0);
		f->after_agent = pg_get_int(res, r, 1);
		f->after_seq = pg_get_int(res, r, 2);
		if (PQgetisnull(res, r, 3))
			continue;
		given++;
		stop = store_give_result(fn, arg, f->after_agent, f->after_seq, f->after_ts, PQgetvalue(res, r, 3));
	}
	f->done = r == rows && rows < scan;
	PQclear(res);
	return given;
}

/* Compare two ids for qsort. */
static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/*
 * The probe after agent whose latest result to give: the next of the
 * sorted probes asked for, or the next agent with results of the
 * measurement (an index seek); 1 with *next, 0 at the end, -1 on error.
 */
static int next_probe(struct store_pg *s, const int64_t *sorted,
		      const struct store_result_filter *f, int64_t agent, int64_t *next,
		      char *err, size_t errlen)
{
	if (sorted) {
		for (size_t i = 0; i < f->nprobes; i++)
			if (sorted[i] > agent) {
				*next = sorted[i];
				return 1;
			}
		return 0;
	}
	struct pg_args q = { 0 };
	pg_arg_int(&q, f->msm_id);
	pg_arg_int(&q, agent);
	return pg_scalar(s, "latest results", "SELECT agent_id FROM results WHERE msm_id = $1"
			" AND agent_id > $2 ORDER BY agent_id LIMIT 1", &q, next, err, errlen);
}

/* Give the latest results (f->versions, newest first) of agent; -1 on error, else 1 if fn
   asked to stop. */
static int give_latest(struct store_pg *s, const struct store_result_filter *f, int64_t agent,
		       store_row_fn fn, void *arg, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, f->msm_id);
	pg_arg_int(&q, agent);
	pg_arg_int(&q, f->versions > 0 ? f->versions : 1);
	PGresult *res = pg_query(s, "latest results", "SELECT seq, ts, body FROM results"
				 " WHERE msm_id = $1 AND agent_id = $2 ORDER BY seq DESC LIMIT $3",
				 &q, err, errlen);
	if (!res)
		return -1;
	int stop = 0;
	for (int r = 0; r < PQntuples(res); r++)
		stop |= store_give_result(fn, arg, agent, pg_get_int(res, r, 0), pg_get_int(res, r, 1),
					  PQgetvalue(res, r, 2)) != 0;
	PQclear(res);
	return stop;
}

/* See store_api.h (results_latest): two index seeks per probe. */
static int results_latest(struct store *st, struct store_result_filter *f,
			  store_row_fn fn, void *arg, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	int64_t *sorted = f->probes ? malloc((f->nprobes + 1) * sizeof *sorted) : NULL;
	int more = 1, n = 0, limit = f->limit > 0 ? f->limit : STORE_SCAN;
	if (f->probes && !sorted) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sorted) {
		memcpy(sorted, f->probes, f->nprobes * sizeof *sorted);
		qsort(sorted, f->nprobes, sizeof *sorted, id_cmp);
	}
	int64_t agent = f->after_agent, next;
	while (n < limit && (more = next_probe(s, sorted, f, agent, &next, err, errlen)) == 1) {
		n++;
		agent = next;
		int g = give_latest(s, f, agent, fn, arg, err, errlen);
		if (g < 0)
			more = -1;
		if (g != 0)
			break;
	}
	f->after_agent = agent;
	f->done = more == 0;
	free(sorted);
	return more < 0 ? -1 : n;
}

/* See store_api.h (msm_probes). */
static int msm_probes(struct store *st, int64_t id, int64_t key_id, json_t **ids,
		      char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	json_t *rows;
	pg_arg_int(&q, id);
	pg_arg_int(&q, key_id);
	if (pg_list(pg(st), "participants", "SELECT p.agent_id AS id FROM measurements m"
		    " LEFT JOIN api_msm a ON a.msm_id = m.id JOIN msm_agents p ON p.msm_id = m.id"
		    " WHERE m.id = $1 AND ($2 = 0 OR a.key_id = $2) AND p.refused IS NULL"
		    " ORDER BY p.agent_id", &q, &rows, err, errlen) < 0)
		return -1;
	*ids = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		json_array_append(*ids, json_object_get(r, "id"));
	json_decref(rows);
	return json_array_size(*ids) > 0;
}

#define PROBE_FROM \
	" FROM agents g LEFT JOIN agent_attrs t ON t.agent_id = g.id" \
	" WHERE g.removed = 0 AND ($1::int = 0 OR g.role = 'anchor')" \
	" AND ($2::bigint[] IS NULL OR g.id = ANY($2::bigint[]))"

/* See store_api.h (probe_page). */
static int probe_page(struct store *st, const struct store_page *p, int64_t now,
		      json_t **rows, int64_t *count, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	char *ids;
	pg_arg_int(&q, p->anchors_only);
	pg_arg_ids(&q, p->ids, p->nids, &ids);
	int rc = pg_scalar(pg(st), "probe count", "SELECT COUNT(*)" PROBE_FROM, &q, count, err,
			  errlen) == 1 ? 0 : -1;
	pg_arg_int(&q, now);
	pg_arg_int(&q, p->limit);
	pg_arg_int(&q, p->offset);
	if (rc == 0)
		rc = pg_list(pg(st), "probe page",
			"SELECT g.id, g.fp, g.org, g.role, g.tags, g.approved, t.asn_v4, t.asn_v6,"
			" t.country_code, t.prefix_v4, t.prefix_v6, t.address_v4, t.address_v6,"
			" (SELECT MIN(connected) FROM sessions WHERE agent_id = g.id) AS first_connected,"
			" (SELECT MAX(connected) FROM sessions WHERE agent_id = g.id) AS last_connected,"
			" (SELECT coalesce(SUM(coalesce(disconnected, $3) - connected), 0)::bigint"
			"  FROM sessions WHERE agent_id = g.id) AS total_uptime,"
			" (SELECT peer FROM sessions WHERE agent_id = g.id ORDER BY id DESC LIMIT 1)"
			"  AS peer,"
			" (SELECT coalesce(disconnected, connected) FROM sessions WHERE agent_id = g.id"
			"  ORDER BY id DESC LIMIT 1) AS status_since,"
			" EXISTS (SELECT 1 FROM sessions WHERE agent_id = g.id AND disconnected IS NULL)"
			"  ::int AS connected_now"
			PROBE_FROM " ORDER BY g.id LIMIT $4 OFFSET $5", &q, rows, err, errlen);
	free(ids);
	return rc;
}

/* See store_api.h (agent_attrs). */
static int agent_attrs(struct store *st, int64_t agent_id, const json_t *attrs,
		       char *err, size_t errlen)
{
	static const char *const names[] = { "asn_v4", "asn_v6", "country_code", "prefix_v4",
					     "prefix_v6", "address_v4", "address_v6" };
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	for (int i = 0; i < 7; i++) {
		const json_t *v = json_object_get(attrs, names[i]);
		if (json_is_integer(v))
			pg_arg_int(&q, json_integer_value(v));
		else
			pg_arg_text(&q, json_is_string(v) ? json_string_value(v) : NULL);
	}
	return pg_cmd(pg(st), "agent attributes", "INSERT INTO agent_attrs(agent_id, asn_v4, asn_v6,"
		      " country_code, prefix_v4, prefix_v6, address_v4, address_v6)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (agent_id) DO UPDATE SET"
		      " asn_v4 = EXCLUDED.asn_v4, asn_v6 = EXCLUDED.asn_v6,"
		      " country_code = EXCLUDED.country_code, prefix_v4 = EXCLUDED.prefix_v4,"
		      " prefix_v6 = EXCLUDED.prefix_v6, address_v4 = EXCLUDED.address_v4,"
		      " address_v6 = EXCLUDED.address_v6", &q, err, errlen) < 0 ? -1 : 0;
}

/* See pg_int.h. */
const struct store_api_ops pg_api_ops = {
	.key_add = key_add,
	.key_revoke = key_revoke,
	.key_list = key_list,
	.key_find = key_find,
	.key_running = key_running,
	.create_lock = create_lock,
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
