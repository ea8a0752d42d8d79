/*
 * sqlite_key_grants: an API key's label, state, validity and grants in the
 * SQLite store (see store_key_grants.h), a table of its own made when the
 * store opens, so an older database needs no migration: its keys simply
 * have no row and keep every permission.
 */
#include "store/sqlite_int.h"
#include "store/store_key_grants.h"

#include <stdio.h>

static const char grants_schema[] =
	"CREATE TABLE IF NOT EXISTS api_key_grants ("
	" key_id INTEGER PRIMARY KEY REFERENCES api_keys(id), label TEXT NOT NULL,"
	" enabled INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL,"
	" grants TEXT NOT NULL, prefix TEXT NOT NULL);";

/* See sqlite_int.h. */
int sq_key_grants_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, grants_schema, err, errlen);
}

/* See store_key_grants.h (get). */
static int grants_get(struct store *st, int64_t key_id, struct store_key_grants *g,
		      char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT label, enabled, valid_from, valid_to, grants, prefix"
				  " FROM api_key_grants WHERE key_id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, key_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(g->label, sizeof g->label, "%s", (const char *)sqlite3_column_text(q, 0));
		g->enabled = sqlite3_column_int(q, 1);
		g->valid_from = sqlite3_column_int64(q, 2);
		g->valid_to = sqlite3_column_int64(q, 3);
		snprintf(g->grants, sizeof g->grants, "%s", (const char *)sqlite3_column_text(q, 4));
		snprintf(g->prefix, sizeof g->prefix, "%s", (const char *)sqlite3_column_text(q, 5));
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return sq_fail(s, "key grants", err, errlen);
}

/* See store_key_grants.h (put). */
static int grants_put(struct store *st, int64_t key_id, const struct store_key_grants *g,
		      char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO api_key_grants(key_id, label, enabled,"
				  " valid_from, valid_to, grants, prefix) VALUES (?, ?, ?, ?, ?, ?, ?)",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, key_id);
	sqlite3_bind_text(q, 2, g->label, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, g->enabled != 0);
	sqlite3_bind_int64(q, 4, g->valid_from);
	sqlite3_bind_int64(q, 5, g->valid_to);
	sqlite3_bind_text(q, 6, g->grants, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, g->prefix, -1, SQLITE_STATIC);
	return sq_step_done(s, q, "key grants", err, errlen) < 0 ? -1 : 0;
}

const struct store_key_grants_ops sq_key_grants_ops = {
	.get = grants_get,
	.put = grants_put,
};
