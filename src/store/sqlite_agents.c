/*
 * sqlite_agents: agents (their keys, hosting organisation, role, tags,
 * approval, last status) and their sessions in the SQLite store.
 */
#include "store/sqlite_int.h"

#include <stdio.h>
#include <string.h>

/* See store.h (agent_add). A removed agent's key may be added again. */
int sq_agent_add(struct store *st, struct store_agent *a, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"INSERT INTO agents(fp, org, role, tags, approved) VALUES (?1, ?2, ?3, ?4, ?5)"
		" ON CONFLICT(fp) DO UPDATE SET org = ?2, role = ?3, tags = ?4, approved = ?5,"
		" removed = 0 WHERE removed = 1 RETURNING id", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, a->fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->org, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, a->tags, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, a->approved);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		a->id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		snprintf(err, errlen, "agent %s is already registered", a->fp);
		return -1;
	}
	return sq_fail(s, "agent add", err, errlen);
}

/* Run an UPDATE on the agent named by key (id or fingerprint); error if none matched. */
static int update_agent(struct store_sqlite *s, const char *sql, const char *key, int value,
			char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (!q)
		return -1;
	sq_bind_agent_key(q, key);
	sqlite3_bind_int(q, 3, value);
	int n = sq_step_done(s, q, "agent update", err, errlen);
	if (n == 0) {
		snprintf(err, errlen, "no registered agent '%s'", key);
		return -1;
	}
	return n < 0 ? -1 : 0;
}

/* See store.h (agent_approve). */
int sq_agent_approve(struct store *st, const char *key, int approved, char *err, size_t errlen)
{
	return update_agent(sq(st), "UPDATE agents SET approved = ?3"
			    " WHERE (id = ?1 OR fp = ?2) AND removed = 0", key, approved, err, errlen);
}

/* See store.h (agent_remove): the row stays for its results, without approval. */
int sq_agent_remove(struct store *st, const char *key, char *err, size_t errlen)
{
	return update_agent(sq(st), "UPDATE agents SET removed = ?3, approved = 0"
			    " WHERE (id = ?1 OR fp = ?2) AND removed = 0", key, 1, err, errlen);
}

/* See store.h (agent_list). */
int sq_agent_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"SELECT a.id, a.fp, a.org, a.role, a.tags, a.approved, a.last_seen, a.status,"
		" (SELECT COUNT(*) FROM sessions WHERE agent_id = a.id) AS sessions,"
		" EXISTS (SELECT 1 FROM sessions WHERE agent_id = a.id AND disconnected IS NULL)"
		" AS connected,"
		" (SELECT COUNT(*) FROM results_refused WHERE agent_id = a.id) AS results_refused,"
		" a.rewound"
		" FROM agents a WHERE removed = 0 ORDER BY a.id", err, errlen);
	return q ? sq_list(s, q, out, err, errlen) : -1;
}

/* Copy the string column i of q into out (of size len). */
static void col_copy(sqlite3_stmt *q, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	snprintf(out, len, "%s", t ? (const char *)t : "");
}

/* See store.h (agent_by_fp). */
int sq_agent_by_fp(struct store *st, const char *fp, struct store_agent *a, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, fp, org, role, tags, approved FROM agents"
				  " WHERE fp = ? AND removed = 0", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, fp, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		a->id = sqlite3_column_int64(q, 0);
		col_copy(q, 1, a->fp, sizeof a->fp);
		col_copy(q, 2, a->org, sizeof a->org);
		col_copy(q, 3, a->role, sizeof a->role);
		col_copy(q, 4, a->tags, sizeof a->tags);
		a->approved = sqlite3_column_int(q, 5);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return sq_fail(s, "agent lookup", err, errlen);
}

/* See store.h (agent_status). */
int sq_agent_status(struct store *st, int64_t agent_id, const char *status, int64_t now,
		    char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE agents SET status = coalesce(?, status),"
				  " last_seen = ? WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, agent_id);
	return sq_step_done(s, q, "agent status", err, errlen) < 0 ? -1 : 0;
}

/* See store.h (session_open). */
int sq_session_open(struct store *st, int64_t agent_id, int64_t now, const char *peer,
		    int64_t *sid, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO sessions(agent_id, connected, peer)"
				  " VALUES (?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_text(q, 3, peer, -1, SQLITE_STATIC);
	if (sq_step_done(s, q, "session open", err, errlen) < 0)
		return -1;
	*sid = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* See store.h (session_close). */
int sq_session_close(struct store *st, int64_t sid, int64_t now, const char *reason,
		     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE sessions SET disconnected = ?, reason = ?"
				  " WHERE id = ? AND disconnected IS NULL", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_text(q, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, sid);
	return sq_step_done(s, q, "session close", err, errlen) < 0 ? -1 : 0;
}

/* See store.h (session_list). */
int sq_session_list(struct store *st, int64_t agent_id, json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, agent_id, connected, disconnected, peer, reason"
				  " FROM sessions WHERE agent_id = ? OR ? = 0 ORDER BY id", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, agent_id);
	return sq_list(s, q, out, err, errlen);
}

/* See store.h (agent_rewound). */
int sq_agent_rewound(struct store *st, int64_t agent_id, const char *why, int64_t now,
		     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE agents SET rewound = ?1 || ' (at ' || ?2 || ')'"
				  " WHERE id = ?3", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, why, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, agent_id);
	return sq_step_done(s, q, "agent rewound", err, errlen) < 0 ? -1 : 0;
}
