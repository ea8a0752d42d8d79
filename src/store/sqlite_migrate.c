/*
 * sqlite_migrate: bring a database made by an older schema up to the current
 * one, keeping every row. SQLite cannot change a table's key in place, so a
 * table whose definition must change is rebuilt: a new table with the
 * current definition, its rows copied with their ids, the old one dropped,
 * the new one renamed, all in one transaction (foreign keys are checked
 * after, not during, the copy). Each step looks at the table's stored SQL,
 * so it runs once and a current database is left alone.
 *
 *  - measurements gets AUTOINCREMENT: an id once given is never given again,
 *    even when the newest row is gone (issue 11, hole 5).
 *  - results are named by (agent, epoch, seq); rows from before epochs are
 *    epoch 0, which is the epoch agents from before keep (issue 11, hole 2).
 *  - agents get a column saying why one was last found rewound.
 */
#include "store/sqlite_int.h"

#include <stdio.h>
#include <string.h>

/* The stored CREATE statement of table name into out ("" if none); 0 or -1. */
static int table_sql(struct store_sqlite *s, const char *name, char *out, size_t outlen,
		     char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "SELECT sql FROM sqlite_master WHERE type = 'table'"
				  " AND name = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	snprintf(out, outlen, "%s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : "");
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_fail(s, "schema", err, errlen);
}

/*
 * Rebuild table name with the definition create (whose table is named
 * name_new) and copy its rows with the column list cols. In the caller's
 * transaction.
 */
static int rebuild(struct store_sqlite *s, const char *name, const char *create,
		   const char *cols, char *err, size_t errlen)
{
	char sql[2048];
	snprintf(sql, sizeof sql, "%s; INSERT INTO %s_new(%s) SELECT %s FROM %s; DROP TABLE %s;"
		 " ALTER TABLE %s_new RENAME TO %s;", create, name, cols, cols, name, name, name, name);
	return sq_exec(s, sql, err, errlen);
}

/* measurements: AUTOINCREMENT, so no id is ever given twice. */
static int msm_autoincrement(struct store_sqlite *s, char *err, size_t errlen)
{
	char sql[1024];
	if (table_sql(s, "measurements", sql, sizeof sql, err, errlen) < 0)
		return -1;
	if (strstr(sql, "AUTOINCREMENT"))
		return 0;
	return rebuild(s, "measurements",
		       "CREATE TABLE measurements_new (id INTEGER PRIMARY KEY AUTOINCREMENT,"
		       " def TEXT NOT NULL, start INTEGER, stop INTEGER, interval INTEGER,"
		       " spread INTEGER, stopped INTEGER)",
		       "id, def, start, stop, interval, spread, stopped", err, errlen);
}

/* results: an epoch column in the unique key. */
static int results_epoch(struct store_sqlite *s, char *err, size_t errlen)
{
	char sql[1024];
	if (table_sql(s, "results", sql, sizeof sql, err, errlen) < 0)
		return -1;
	if (strstr(sql, "epoch"))
		return 0;
	return rebuild(s, "results",
		       "CREATE TABLE results_new (id INTEGER PRIMARY KEY, agent_id INTEGER NOT NULL,"
		       " epoch INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL,"
		       " msm_id INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (agent_id, epoch, seq))",
		       "id, agent_id, seq, msm_id, body", err, errlen);
}

/* agents: the rewound column. */
static int agents_rewound(struct store_sqlite *s, char *err, size_t errlen)
{
	char sql[1024];
	if (table_sql(s, "agents", sql, sizeof sql, err, errlen) < 0)
		return -1;
	if (strstr(sql, "rewound"))
		return 0;
	return sq_exec(s, "ALTER TABLE agents ADD COLUMN rewound TEXT", err, errlen);
}

/* See sqlite_int.h. */
int sq_migrate(struct store_sqlite *s, char *err, size_t errlen)
{
	if (sq_exec(s, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	int rc = msm_autoincrement(s, err, errlen);
	if (rc == 0)
		rc = results_epoch(s, err, errlen);
	if (rc == 0)
		rc = agents_rewound(s, err, errlen);
	if (rc == 0)
		rc = sq_exec(s, "COMMIT", err, errlen);
	if (rc < 0)
		sq_exec(s, "ROLLBACK", NULL, 0);
	sq_exec(s, "PRAGMA foreign_keys=ON", NULL, 0);
	return rc;
}
