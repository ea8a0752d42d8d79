/*
 * pg_agents: agents (their keys, hosting organisation, role, tags,
 * approval, last status) and their sessions in the PostgreSQL store.
 */
#include "store/pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See store.h (agent_add). A removed agent's key may be added again. */
int pg_agent_add(struct store *st, struct store_agent *a, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, a->fp);
	pg_arg_text(&q, a->org);
	pg_arg_text(&q, a->role);
	pg_arg_text(&q, a->tags);
	pg_arg_int(&q, a->approved);
	int found = pg_scalar(pg(st), "agent add",
		"INSERT INTO agents(fp, org, role, tags, approved) VALUES ($1, $2, $3, $4, $5)"
		" ON CONFLICT (fp) DO UPDATE SET org = $2, role = $3, tags = $4, approved = $5,"
		" removed = 0 WHERE agents.removed = 1 RETURNING id", &q, &a->id, err, errlen);
	if (found == 0)
		snprintf(err, errlen, "agent %s is already registered", a->fp);
	return found == 1 ? 0 : -1;
}

/* Agent i of the array arg as a JSON object (pg_json_text's row). */
static json_t *agent_row(const void *arg, size_t i)
{
	const struct store_agent *a = (const struct store_agent *)arg + i;
	return json_pack("{s:s, s:s, s:s, s:s, s:i}", "fp", a->fp, "org", a->org, "role", a->role,
			 "tags", a->tags, "approved", a->approved);
}

/* See store.h (agent_add_many). The agents go as one JSON array parameter; a
   key registered already (not removed) gets no row back and fails the batch,
   and so does a key twice in it (found before: the statement would fail with
   PostgreSQL's words). */
int pg_agent_add_many(struct store *st, struct store_agent *a, size_t n, int64_t account,
		      char *err, size_t errlen)
{
	if (store_agents_unique(a, n, err, errlen) < 0)
		return -1;
	char *text = pg_json_text(n, agent_row, a, "agents add", err, errlen);
	if (!text)
		return -1;
	struct pg_args q = { 0 };
	pg_arg_text(&q, text);
	pg_arg_int(&q, account);
	PGresult *res = pg_query(pg(st), "agents add",
		"WITH v AS (SELECT e.ord, e.v->>'fp' AS fp, e.v->>'org' AS org, e.v->>'role' AS role,"
		" e.v->>'tags' AS tags, (e.v->>'approved')::int AS approved"
		" FROM json_array_elements($1::json) WITH ORDINALITY AS e(v, ord)),"
		" ins AS (INSERT INTO agents(fp, org, role, tags, approved)"
		" SELECT fp, org, role, tags, approved FROM v ORDER BY ord"
		" ON CONFLICT (fp) DO UPDATE SET org = excluded.org, role = excluded.role,"
		" tags = excluded.tags, approved = excluded.approved, removed = 0"
		" WHERE agents.removed = 1 RETURNING id, fp),"
		" own AS (INSERT INTO account_agents(agent_id, account_id)"
		" SELECT id, $2::bigint FROM ins WHERE $2::bigint <> 0"
		" ON CONFLICT (agent_id) DO UPDATE SET account_id = excluded.account_id)"
		" SELECT ins.id FROM v LEFT JOIN ins ON ins.fp = v.fp ORDER BY v.ord",
		&q, err, errlen);
	free(text);
	if (!res)
		return -1;
	int rc = PQntuples(res) == (int)n ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "store: agents add: %d rows for %zu agents", PQntuples(res), n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (PQgetisnull(res, (int)i, 0)) {
			snprintf(err, errlen, "agent %s is already registered", a[i].fp);
			rc = -1;
		}
		a[i].id = pg_get_int(res, (int)i, 0);
	}
	PQclear(res);
	return rc;
}

/* Run an UPDATE on the agent named by key (id or fingerprint, $1 and $2); error if none matched. */
static int update_agent(struct store_pg *s, const char *sql, const char *key, int value,
			char *err, size_t errlen)
{
	char *end;
	long long id = strtoll(key, &end, 10);
	struct pg_args q = { 0 };
	pg_arg_int(&q, *key && !*end ? id : -1);
	pg_arg_text(&q, key);
	pg_arg_int(&q, value);
	int64_t n = pg_cmd(s, "agent update", sql, &q, err, errlen);
	if (n == 0) {
		snprintf(err, errlen, "no registered agent '%s'", key);
		return -1;
	}
	return n < 0 ? -1 : 0;
}

/* See store.h (agent_approve). */
int pg_agent_approve(struct store *st, const char *key, int approved, char *err, size_t errlen)
{
	return update_agent(pg(st), "UPDATE agents SET approved = $3"
			    " WHERE (id = $1 OR fp = $2) AND removed = 0", key, approved, err, errlen);
}

/* See store.h (agent_remove): the row stays for its results, without approval. */
int pg_agent_remove(struct store *st, const char *key, char *err, size_t errlen)
{
	return update_agent(pg(st), "UPDATE agents SET removed = $3, approved = 0"
			    " WHERE (id = $1 OR fp = $2) AND removed = 0", key, 1, err, errlen);
}

/* See store.h (agent_list). */
int pg_agent_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	return pg_list(pg(st), "agent list",
		"SELECT a.id, a.fp, a.org, a.role, a.tags, a.approved, a.last_seen, a.status,"
		" (SELECT COUNT(*) FROM sessions WHERE agent_id = a.id) AS sessions,"
		" EXISTS (SELECT 1 FROM sessions WHERE agent_id = a.id AND disconnected IS NULL)"
		" AS connected,"
		" (SELECT COUNT(*) FROM results_refused WHERE agent_id = a.id) AS results_refused,"
		" a.rewound"
		" FROM agents a WHERE removed = 0 ORDER BY a.id", NULL, out, err, errlen);
}

/* See store.h (agent_by_fp). */
int pg_agent_by_fp(struct store *st, const char *fp, struct store_agent *a, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, fp);
	PGresult *res = pg_query(pg(st), "agent lookup", "SELECT id, fp, org, role, tags, approved"
				 " FROM agents WHERE fp = $1 AND removed = 0", &q, err, errlen);
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found) {
		a->id = pg_get_int(res, 0, 0);
		snprintf(a->fp, sizeof a->fp, "%s", PQgetvalue(res, 0, 1));
		snprintf(a->org, sizeof a->org, "%s", PQgetvalue(res, 0, 2));
		snprintf(a->role, sizeof a->role, "%s", PQgetvalue(res, 0, 3));
		snprintf(a->tags, sizeof a->tags, "%s", PQgetvalue(res, 0, 4));
		a->approved = (int)pg_get_int(res, 0, 5);
	}
	PQclear(res);
	return found;
}

/* See store.h (agent_status). */
int pg_agent_status(struct store *st, int64_t agent_id, const char *status, int64_t now,
		    char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, status);
	pg_arg_int(&q, now);
	pg_arg_int(&q, agent_id);
	return pg_cmd(pg(st), "agent status", "UPDATE agents SET status = coalesce($1, status),"
		      " last_seen = $2 WHERE id = $3", &q, err, errlen) < 0 ? -1 : 0;
}

/* See store.h (agent_rewound). */
int pg_agent_rewound(struct store *st, int64_t agent_id, const char *why, int64_t now,
		     char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, why);
	pg_arg_int(&q, now);
	pg_arg_int(&q, agent_id);
	return pg_cmd(pg(st), "agent rewound", "UPDATE agents SET rewound = $1 || ' (at ' ||"
		      " $2::bigint || ')' WHERE id = $3", &q, err, errlen) < 0 ? -1 : 0;
}

/* See store.h (session_open). */
int pg_session_open(struct store *st, int64_t agent_id, int64_t now, const char *peer,
		    int64_t *sid, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, now);
	pg_arg_text(&q, peer);
	return pg_scalar(pg(st), "session open", "INSERT INTO sessions(agent_id, connected, peer)"
			" VALUES ($1, $2, $3) RETURNING id", &q, sid, err, errlen) == 1 ? 0 : -1;
}

/* See store.h (session_close). */
int pg_session_close(struct store *st, int64_t sid, int64_t now, const char *reason,
		     char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, now);
	pg_arg_text(&q, reason);
	pg_arg_int(&q, sid);
	return pg_cmd(pg(st), "session close", "UPDATE sessions SET disconnected = $1, reason = $2"
		      " WHERE id = $3 AND disconnected IS NULL", &q, err, errlen) < 0 ? -1 : 0;
}

/* See store.h (session_list). */
int pg_session_list(struct store *st, int64_t agent_id, json_t **out, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	return pg_list(pg(st), "session list", "SELECT id, agent_id, connected, disconnected, peer,"
		       " reason FROM sessions WHERE agent_id = $1 OR $1 = 0 ORDER BY id", &q, out,
		       err, errlen);
}
