/*
 * pg_frontend: the state several controllers share through PostgreSQL
 * (store_frontend.h): the front-ends' liveness (table frontends), which
 * front-end opened each session (sessions.frontend), and a change counter
 * of measurements and assignments (msm_version, bumped by triggers in the
 * writer's own transaction, so a reader that sees the new number also sees
 * the change). Also the uptime facts of store_uptime.h, read from the same
 * sessions table.
 */
#include "store/pg_int.h"
#include "store/store_frontend.h"
#include "store/store_uptime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The schema this file needs, run by pg.c after the main schema in its transaction. */
const char pg_frontend_schema[] =
	PG_ADD_COLUMN("sessions", "frontend", "text")
	PG_CREATE_INDEX("sessions_open", "sessions(frontend) WHERE disconnected IS NULL")
	"CREATE TABLE IF NOT EXISTS frontends (name text PRIMARY KEY, seen bigint NOT NULL);"
	"CREATE TABLE IF NOT EXISTS msm_version ("
	" one int PRIMARY KEY CHECK (one = 1), version bigint NOT NULL);"
	"INSERT INTO msm_version VALUES (1, 0) ON CONFLICT DO NOTHING;"
	"CREATE OR REPLACE FUNCTION vantage_msm_bump() RETURNS trigger LANGUAGE plpgsql AS"
	" $$ BEGIN UPDATE msm_version SET version = version + 1; RETURN NULL; END $$;"
	"CREATE OR REPLACE TRIGGER measurements_bump AFTER INSERT OR UPDATE OR DELETE"
	" ON measurements FOR EACH STATEMENT EXECUTE FUNCTION vantage_msm_bump();"
	"CREATE OR REPLACE TRIGGER msm_agents_bump AFTER INSERT OR DELETE"
	" ON msm_agents FOR EACH STATEMENT EXECUTE FUNCTION vantage_msm_bump();";

/* See store_frontend.h (alive). */
static int alive(struct store *st, const char *name, int64_t now, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, name);
	pg_arg_int(&q, now);
	return pg_cmd(pg(st), "front-end alive", "INSERT INTO frontends VALUES ($1, $2)"
		      " ON CONFLICT (name) DO UPDATE SET seen = excluded.seen", &q, err,
		      errlen) < 0 ? -1 : 0;
}

/* See store_frontend.h (session_open). */
static int session_open(struct store *st, const char *name, int64_t agent_id, int64_t now,
			const char *peer, int64_t *sid, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, now);
	pg_arg_text(&q, peer);
	pg_arg_text(&q, name);
	return pg_scalar(pg(st), "session open", "INSERT INTO sessions(agent_id, connected, peer,"
			 " frontend) VALUES ($1, $2, $3, $4) RETURNING id", &q, sid, err,
			 errlen) == 1 ? 0 : -1;
}

/* See store_frontend.h (close_of). */
static int close_of(struct store *st, const char *name, int64_t silent_before, int64_t agent_id,
		    int64_t keep_sid, const char *reason, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, reason);
	pg_arg_text(&q, name);
	pg_arg_int(&q, name ? 0 : silent_before);
	pg_arg_int(&q, name || silent_before ? 0 : agent_id);
	pg_arg_int(&q, keep_sid);
	int64_t n = pg_cmd(pg(st), "close sessions", "UPDATE sessions s SET reason = $1,"
		" disconnected = GREATEST(s.connected, coalesce((SELECT last_seen FROM agents"
		"  WHERE agents.id = s.agent_id), s.connected))"
		" WHERE s.disconnected IS NULL AND ("
		"  s.frontend = $2::text"
		"  OR ($3::bigint > 0 AND (s.frontend IS NULL OR s.frontend IN"
		"   (SELECT name FROM frontends WHERE seen < $3::bigint)))"
		"  OR ($4::bigint > 0 AND s.agent_id = $4::bigint AND s.id <> $5::bigint))",
		&q, err, errlen);
	return n < 0 ? -1 : (int)n;
}

/* See store_frontend.h (msm_version). */
static int msm_version(struct store *st, int64_t *version, char *err, size_t errlen)
{
	return pg_scalar(pg(st), "measurement version", "SELECT version FROM msm_version", NULL,
			 version, err, errlen) == 1 ? 0 : -1;
}

const struct store_frontend_ops pg_frontend_ops = {
	.alive = alive,
	.session_open = session_open,
	.close_of = close_of,
	.msm_version = msm_version,
	.changes_listen = pg_changes_listen,
	.changes_read = pg_changes_read,
	.msm_of_agent = pg_msm_of_agent,
};

/* See store_uptime.h (close_stale): every open session, for a single controller. */
static int close_stale(struct store *st, const char *reason, char *err, size_t errlen)
{
	return close_of(st, NULL, INT64_MAX, 0, 0, reason, err, errlen);
}

/* The facts in columns from, from + 1, ... of row r of res (facts' order) into *f. */
static void facts_of_row(const PGresult *res, int r, int from, struct store_uptime_facts *f)
{
	f->first_connected = pg_get_int(res, r, from);
	f->last_connected = pg_get_int(res, r, from + 1);
	f->last_disconnected = pg_get_int(res, r, from + 2);
	f->connected = pg_get_int(res, r, from + 3) > 0;
	f->closed_seconds = pg_get_int(res, r, from + 4);
}

/* The aggregates of facts, over the sessions s. */
#define FACTS_COLUMNS "coalesce(MIN(s.connected), 0), coalesce(MAX(s.connected), 0)," \
	" coalesce(MAX(s.disconnected), 0), COUNT(s.connected) - COUNT(s.disconnected)," \
	" coalesce(SUM(s.disconnected - s.connected), 0)"

/* See store_uptime.h (facts). */
static int facts(struct store *st, int64_t agent_id, struct store_uptime_facts *f,
		 char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	PGresult *r = pg_query(pg(st), "uptime facts", "SELECT " FACTS_COLUMNS
			       " FROM sessions s WHERE s.agent_id = $1", &q, err, errlen);
	if (!r)
		return -1;
	memset(f, 0, sizeof *f);
	facts_of_row(r, 0, 0, f);
	PQclear(r);
	return 0;
}

/* See store_uptime.h (facts_many): a row per place in the ids' array (its ordinality). */
static int facts_many(struct store *st, const int64_t *ids, size_t n,
		      struct store_uptime_facts *f, char *err, size_t errlen)
{
	memset(f, 0, n * sizeof *f);
	if (n == 0)
		return 0;
	struct pg_args q = { 0 };
	char *owned;
	pg_arg_ids(&q, ids, n, &owned);
	if (!owned) {
		snprintf(err, errlen, "store: uptime facts: out of memory for %zu agents", n);
		return -1;
	}
	PGresult *r = pg_query(pg(st), "uptime facts", "SELECT k.ord, " FACTS_COLUMNS
			       " FROM unnest($1::bigint[]) WITH ORDINALITY AS k(id, ord)"
			       " JOIN sessions s ON s.agent_id = k.id GROUP BY k.ord", &q, err, errlen);
	free(owned);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t k = pg_get_int(r, i, 0) - 1;
		if (k >= 0 && (size_t)k < n)
			facts_of_row(r, i, 1, &f[k]);
	}
	PQclear(r);
	return 0;
}

const struct store_uptime_ops pg_uptime_ops = {
	.close_stale = close_stale,
	.facts = facts,
	.facts_many = facts_many,
};
