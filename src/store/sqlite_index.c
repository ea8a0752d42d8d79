/*
 * sqlite_index: the columns and indexes the REST API reads by, so that no
 * request scans the results table or parses stored JSON. Each result keeps
 * its "timestamp" in the column ts, taken once when it is stored (the
 * insert fills it; a trigger fills it for rows written by other means) and
 * filled for the rows of an older store when it is opened. Indexes:
 * results(msm_id, ts, agent_id, seq) for time windows in time order,
 * results(msm_id, agent_id, seq) for the latest result of each probe, and
 * sessions(agent_id) for the uptime of probe listings.
 */
#include "store/sqlite_int.h"

#include <stdio.h>
#include <string.h>

/* True if table has a column named col; -1 on error. */
static int has_column(struct store_sqlite *s, const char *table, const char *col,
		      char *err, size_t errlen)
{
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (!q)
		return -1;
	int rc, found = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		found |= strcmp((const char *)sqlite3_column_text(q, 1), col) == 0;
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? found : sq_fail(s, "table info", err, errlen);
}

static const char indexes[] =
	"CREATE TRIGGER IF NOT EXISTS results_ts AFTER INSERT ON results WHEN NEW.ts IS NULL"
	" BEGIN UPDATE results SET ts = " SQ_RESULT_TS("NEW.body") " WHERE id = NEW.id; END;"
	"CREATE INDEX IF NOT EXISTS results_by_time ON results(msm_id, ts, agent_id, seq);"
	"CREATE INDEX IF NOT EXISTS results_by_msm ON results(msm_id, agent_id, seq);"
	"CREATE INDEX IF NOT EXISTS sessions_by_agent ON sessions(agent_id, id);";

/* See sqlite_int.h. */
int sq_index_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	int has = has_column(s, "results", "ts", err, errlen);
	if (has < 0)
		return -1;
	if (!has && sq_exec(s, "BEGIN; ALTER TABLE results ADD COLUMN ts INTEGER;"
			    " UPDATE results SET ts = " SQ_RESULT_TS("body") "; COMMIT;",
			    err, errlen) < 0) {
		sq_exec(s, "ROLLBACK", NULL, 0);
		return -1;
	}
	return sq_exec(s, indexes, err, errlen);
}
