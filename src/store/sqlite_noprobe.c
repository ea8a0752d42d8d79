/*
 * sqlite_noprobe: the platform no-probe list (store_noprobe.h) in two
 * tables: the entries, and one row holding the list's version. A change and
 * its version bump commit together (a savepoint, so it also nests inside the
 * controller's group-commit transaction).
 */
#include "store/sqlite_int.h"
#include "store/store_noprobe.h"

#include <stdio.h>

/* See sqlite_int.h. */
int sq_noprobe_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, "CREATE TABLE IF NOT EXISTS noprobe ("
		       " prefix TEXT PRIMARY KEY, reason TEXT NOT NULL, who TEXT NOT NULL,"
		       " added INTEGER NOT NULL);"
		       "CREATE TABLE IF NOT EXISTS noprobe_version ("
		       " one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL);"
		       "INSERT OR IGNORE INTO noprobe_version VALUES (1, 0);", err, errlen);
}

/* The list's version into *version; 0 or -1. */
static int version_get(struct store_sqlite *s, int64_t *version, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "SELECT version FROM noprobe_version WHERE one = 1",
				  err, errlen);
	if (!q)
		return -1;
	int rc = sqlite3_step(q);
	*version = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "no-probe version", err, errlen);
}

/* Bump the version and release the savepoint; on failure roll it back. 0 or -1. */
static int bump_and_release(struct store_sqlite *s, int64_t *version, char *err, size_t errlen)
{
	if (sq_exec(s, "UPDATE noprobe_version SET version = version + 1 WHERE one = 1",
		    err, errlen) == 0 && version_get(s, version, err, errlen) == 0 &&
	    sq_exec(s, "RELEASE noprobe_change", err, errlen) == 0)
		return 0;
	char ignore[64];
	sq_exec(s, "ROLLBACK TO noprobe_change; RELEASE noprobe_change", ignore, sizeof ignore);
	return -1;
}

/* See store_noprobe.h (add): the count is in the insert's own statement (one writer
   at a time holds SQLite's database). */
static int sq_noprobe_add(struct store *st, const char *prefix, const char *reason,
			  const char *who, int64_t now, int64_t max, int64_t *version, char *err,
			  size_t errlen)
{
	struct store_sqlite *s = sq(st);
	char ignore[64];
	if (sq_exec(s, "SAVEPOINT noprobe_change", err, errlen) < 0)
		return -1;
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO noprobe(prefix, reason, who, added)"
				  " SELECT ?1, ?2, ?3, ?4 WHERE (SELECT COUNT(*) FROM noprobe) < ?5"
				  " OR EXISTS (SELECT 1 FROM noprobe WHERE prefix = ?1)", err, errlen);
	if (q) {
		sqlite3_bind_text(q, 1, prefix, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, reason, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, who, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 4, now);
		sqlite3_bind_int64(q, 5, max);
	}
	if (!q || sq_step_done(s, q, "no-probe add", err, errlen) < 0) {
		sq_exec(s, "ROLLBACK TO noprobe_change; RELEASE noprobe_change", ignore, sizeof ignore);
		return -1;
	}
	if (sqlite3_changes(s->db) == 0) {   /* full: nothing changed */
		sq_exec(s, "RELEASE noprobe_change", ignore, sizeof ignore);
		return version_get(s, version, err, errlen) < 0 ? -1 : 1;
	}
	return bump_and_release(s, version, err, errlen);
}

/* See store_noprobe.h (remove). */
static int sq_noprobe_remove(struct store *st, const char *prefix, int64_t *version, char *err,
			     size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT noprobe_change", err, errlen) < 0)
		return -1;
	sqlite3_stmt *q = sq_prep(s, "DELETE FROM noprobe WHERE prefix = ?", err, errlen);
	if (q)
		sqlite3_bind_text(q, 1, prefix, -1, SQLITE_TRANSIENT);
	int changed = q ? sq_step_done(s, q, "no-probe remove", err, errlen) : -1;
	if (changed <= 0) {
		char ignore[64];
		sq_exec(s, "ROLLBACK TO noprobe_change; RELEASE noprobe_change", ignore, sizeof ignore);
		if (changed == 0)
			return version_get(s, version, err, errlen) < 0 ? -1 : 0;
		return -1;
	}
	return bump_and_release(s, version, err, errlen) < 0 ? -1 : 1;
}

/* See store_noprobe.h (list). */
static int sq_noprobe_list(struct store *st, json_t **out, int64_t *version, char *err,
			   size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT prefix, reason, who, added FROM noprobe"
				  " ORDER BY prefix", err, errlen);
	if (!q || version_get(s, version, err, errlen) < 0) {
		sqlite3_finalize(q);
		return -1;
	}
	return sq_list(s, q, out, err, errlen);
}

const struct store_noprobe_ops sq_noprobe_ops = {
	.add = sq_noprobe_add,
	.remove = sq_noprobe_remove,
	.list = sq_noprobe_list,
};
