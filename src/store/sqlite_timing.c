/*
 * sqlite_timing: the history of each agent's timing telemetry, one row per
 * report (agent, time of the sample, flags, the report as JSON text). A
 * report sent again after a reconnect has the same (agent, time) and is kept
 * once.
 */
#include "store/sqlite_int.h"

/* Drop the agent's reports older than its newest s->timing_keep; 0 or -1. */
static int timing_prune(struct store_sqlite *s, int64_t agent_id, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "DELETE FROM agent_timing WHERE agent_id = ?1 AND time <="
				  " (SELECT time FROM agent_timing WHERE agent_id = ?1"
				  "  ORDER BY time DESC LIMIT 1 OFFSET ?2)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, s->timing_keep);
	return sq_step_done(s, q, "timing prune", err, errlen) < 0 ? -1 : 0;
}

/* See store.h (timing_put). */
int sq_timing_put(struct store *st, int64_t agent_id, int64_t when, unsigned flags,
		  const char *report, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR IGNORE INTO agent_timing(agent_id, time, flags,"
				  " report) VALUES (?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, when);
	sqlite3_bind_int64(q, 3, flags);
	sqlite3_bind_text(q, 4, report, -1, SQLITE_STATIC);
	int stored = sq_step_done(s, q, "timing put", err, errlen);
	if (stored != 1)
		return stored;
	return timing_prune(s, agent_id, err, errlen) < 0 ? -1 : 1;
}

/* See store.h (timing_list). */
int sq_timing_list(struct store *st, int64_t agent_id, int64_t since, json_t **out,
		   char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT time, flags, report FROM agent_timing"
				  " WHERE agent_id = ? AND time >= ? ORDER BY time", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, since);
	return sq_list(s, q, out, err, errlen);
}
