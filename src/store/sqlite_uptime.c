/*
 * sqlite_uptime: an agent's connection facts (store_uptime.h) read from the
 * sessions table, and the closing of sessions a stopped controller left
 * open. Both are index-free scans of one agent's sessions or of the open
 * ones: run at start and by operator commands, not per packet.
 */
#include "store/sqlite_int.h"
#include "store/store_uptime.h"

#include <string.h>

/* See store_uptime.h (close_stale). */
static int close_stale(struct store *st, const char *reason, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE sessions SET reason = ?,"
		" disconnected = max(connected, coalesce((SELECT last_seen FROM agents"
		"  WHERE agents.id = sessions.agent_id), connected))"
		" WHERE disconnected IS NULL", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, reason, -1, SQLITE_STATIC);
	return sq_step_done(s, q, "close stale sessions", err, errlen);
}

/* The facts in columns from, from + 1, ... of q (facts' order) into *f. */
static void facts_of_row(sqlite3_stmt *q, int from, struct store_uptime_facts *f)
{
	f->first_connected = sqlite3_column_int64(q, from);
	f->last_connected = sqlite3_column_int64(q, from + 1);
	f->last_disconnected = sqlite3_column_int64(q, from + 2);
	f->connected = sqlite3_column_int64(q, from + 3) > 0;
	f->closed_seconds = sqlite3_column_int64(q, from + 4);
}

/* See store_uptime.h (facts). */
static int facts(struct store *st, int64_t agent_id, struct store_uptime_facts *f,
		 char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT coalesce(MIN(connected), 0), coalesce(MAX(connected), 0),"
		" coalesce(MAX(disconnected), 0), COUNT(*) - COUNT(disconnected),"
		" coalesce(SUM(disconnected - connected), 0) FROM sessions WHERE agent_id = ?",
		err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	memset(f, 0, sizeof *f);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		facts_of_row(q, 0, f);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "uptime facts", err, errlen);
}

/* See store_uptime.h (facts_many): a row per place in the ids' array (json_each's key). */
static int facts_many(struct store *st, const int64_t *ids, size_t n,
		      struct store_uptime_facts *f, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	memset(f, 0, n * sizeof *f);
	if (n == 0)
		return 0;
	sqlite3_stmt *q = sq_prep(s, "SELECT k.key, coalesce(MIN(s.connected), 0),"
		" coalesce(MAX(s.connected), 0), coalesce(MAX(s.disconnected), 0),"
		" COUNT(s.connected) - COUNT(s.disconnected),"
		" coalesce(SUM(s.disconnected - s.connected), 0)"
		" FROM json_each(?1) k JOIN sessions s ON s.agent_id = k.value GROUP BY k.key",
		err, errlen);
	if (!q)
		return -1;
	sq_bind_ids(q, 1, ids, n);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(q, 0);
		if (i >= 0 && (size_t)i < n)
			facts_of_row(q, 1, &f[i]);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "uptime facts", err, errlen);
}

const struct store_uptime_ops sq_uptime_ops = {
	.close_stale = close_stale,
	.facts = facts,
	.facts_many = facts_many,
};
