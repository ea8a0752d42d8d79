/*
 * sqlite_hostreport: the newest check-host report of each agent
 * (store_hostreport.h) in the SQLite store, one row per agent.
 */
#include "store/sqlite_int.h"
#include "store/store_hostreport.h"

#include <stdio.h>

/* See sqlite_int.h. */
int sq_hostreport_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, "CREATE TABLE IF NOT EXISTS agent_host_reports ("
		       " agent_id INTEGER PRIMARY KEY, received INTEGER NOT NULL,"
		       " virtualised INTEGER NOT NULL, report TEXT NOT NULL)", err, errlen);
}

/* See store_hostreport.h (put). */
static int hr_put(struct store *st, int64_t agent_id, int64_t received, int virtualised,
		  const char *report, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO agent_host_reports"
				  "(agent_id, received, virtualised, report) VALUES (?, ?, ?, ?)",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, received);
	sqlite3_bind_int(q, 3, virtualised != 0);
	sqlite3_bind_text(q, 4, report, -1, SQLITE_STATIC);
	return sq_step_done(s, q, "host report put", err, errlen) < 0 ? -1 : 0;
}

/* See store_hostreport.h (get). */
static int hr_get(struct store *st, int64_t agent_id, json_t **report, int64_t *received,
		  char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT received, report FROM agent_host_reports"
				  " WHERE agent_id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sq_json_row(s, q, 1, report, "host report", agent_id, err, errlen);
	if (rc == 1)
		*received = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc;
}

const struct store_hostreport_ops sq_hostreport_ops = {
	.put = hr_put,
	.get = hr_get,
};
