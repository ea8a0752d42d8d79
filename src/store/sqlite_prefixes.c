/*
 * sqlite_prefixes: the versioned prefix tables (store_prefixes.h) in two
 * tables: one row per version with its counts, and the entries (family,
 * address bytes, length, origin AS) keyed by version and file position. A
 * load is one savepoint (so it nests in an open transaction too): a failure
 * anywhere rolls the version back whole.
 */
#include "store/sqlite_int.h"
#include "store/store_prefixes.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* See sqlite_int.h. */
int sq_prefixes_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, "CREATE TABLE IF NOT EXISTS prefix_versions ("
		       " version INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL,"
		       " loaded INTEGER NOT NULL, prefixes INTEGER NOT NULL,"
		       " v4_prefixes INTEGER NOT NULL, v6_prefixes INTEGER NOT NULL,"
		       " slash24s INTEGER NOT NULL, v6_targets INTEGER NOT NULL);"
		       "CREATE TABLE IF NOT EXISTS prefix_entries ("
		       " version INTEGER NOT NULL REFERENCES prefix_versions(version),"
		       " pos INTEGER NOT NULL, family INTEGER NOT NULL, addr BLOB NOT NULL,"
		       " len INTEGER NOT NULL, asn INTEGER NOT NULL, PRIMARY KEY (version, pos))"
		       " WITHOUT ROWID;", err, errlen);
}

/* Insert the version's row; its number into *version. 0 or -1. */
static int insert_version(struct store_sqlite *s, const struct prefix_table *t,
			  const char *source, int64_t now, int64_t *version, char *err,
			  size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO prefix_versions(source, loaded, prefixes,"
				  " v4_prefixes, v6_prefixes, slash24s, v6_targets)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, (int64_t)t->n);
	sqlite3_bind_int64(q, 4, (int64_t)t->v4_prefixes);
	sqlite3_bind_int64(q, 5, (int64_t)t->v6_prefixes);
	sqlite3_bind_int64(q, 6, (int64_t)t->slash24s);
	sqlite3_bind_int64(q, 7, (int64_t)t->v6_targets);
	if (sq_step_done(s, q, "prefix version", err, errlen) < 0)
		return -1;
	*version = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Insert every entry of t under version; 0 or -1. */
static int insert_entries(struct store_sqlite *s, const struct prefix_table *t, int64_t version,
			  char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO prefix_entries(version, pos, family, addr, len,"
				  " asn) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		const struct pfx2as_entry *e = &t->e[i];
		int v4 = e->prefix.addr.family == AF_INET;
		sqlite3_bind_int64(q, 1, version);
		sqlite3_bind_int64(q, 2, (int64_t)i);
		sqlite3_bind_int(q, 3, v4 ? 4 : 6);
		sqlite3_bind_blob(q, 4, e->prefix.addr.a, v4 ? 4 : 16, SQLITE_STATIC);
		sqlite3_bind_int(q, 5, e->prefix.len);
		sqlite3_bind_int64(q, 6, e->asn);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = sq_fail(s, "prefix entry", err, errlen);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return rc;
}

/* See store_prefixes.h (load). */
static int sq_prefixes_load(struct store *st, const struct prefix_table *t, const char *source,
			    int64_t now, int64_t *version, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT prefixes_load", err, errlen) < 0)
		return -1;
	if (insert_version(s, t, source, now, version, err, errlen) == 0 &&
	    insert_entries(s, t, *version, err, errlen) == 0 &&
	    sq_exec(s, "RELEASE prefixes_load", err, errlen) == 0)
		return 0;
	char ignore[64];
	sq_exec(s, "ROLLBACK TO prefixes_load; RELEASE prefixes_load", ignore, sizeof ignore);
	return -1;
}

/* See store_prefixes.h (versions). */
static int sq_prefixes_versions(struct store *st, json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT version, source, loaded, prefixes, v4_prefixes,"
				  " v6_prefixes, slash24s, v6_targets FROM prefix_versions"
				  " ORDER BY version DESC", err, errlen);
	return q ? sq_list(s, q, out, err, errlen) : -1;
}

/* See store_prefixes.h (latest). */
static int sq_prefixes_latest(struct store *st, int64_t *version, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT coalesce(max(version), 0) FROM prefix_versions",
				  err, errlen);
	if (!q)
		return -1;
	int rc = sqlite3_step(q);
	*version = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "latest prefix version", err, errlen);
}

/* See store_prefixes.h (exists). */
static int sq_prefixes_exists(struct store *st, int64_t version, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT 1 FROM prefix_versions WHERE version = ?", err,
				  errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, version);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(s, "prefix version", err, errlen);
	return rc == SQLITE_ROW;
}

/* One stored row back into an entry; 0, or -1 when the row is damaged. */
static int row_entry(sqlite3_stmt *q, struct pfx2as_entry *e)
{
	memset(e, 0, sizeof *e);
	int family = sqlite3_column_int(q, 0);
	int bytes = sqlite3_column_bytes(q, 1);
	const void *a = sqlite3_column_blob(q, 1);
	int len = sqlite3_column_int(q, 2);
	if (!a || !((family == 4 && bytes == 4 && len <= 32) ||
		    (family == 6 && bytes == 16 && len <= 128)) || len < 0)
		return -1;
	e->prefix.addr.family = family == 4 ? AF_INET : AF_INET6;
	memcpy(e->prefix.addr.a, a, (size_t)bytes);
	e->prefix.len = (uint8_t)len;
	e->asn = (uint32_t)sqlite3_column_int64(q, 3);
	return 0;
}

/* See store_prefixes.h (each). */
static int sq_prefixes_each(struct store *st, int64_t version, store_prefix_fn fn, void *arg,
			    char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT family, addr, len, asn FROM prefix_entries"
				  " WHERE version = ? ORDER BY pos", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, version);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct pfx2as_entry e;
		if (row_entry(q, &e) < 0) {
			snprintf(err, errlen, "store: prefix version %lld holds a damaged entry",
				 (long long)version);
			sqlite3_finalize(q);
			return -1;
		}
		if (fn(arg, &e) != 0)
			break;
	}
	int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
	if (bad)
		sq_fail(s, "prefix entries", err, errlen);
	sqlite3_finalize(q);
	return bad ? -1 : 0;
}

const struct store_prefix_ops sq_prefix_ops = {
	.load = sq_prefixes_load,
	.versions = sq_prefixes_versions,
	.latest = sq_prefixes_latest,
	.exists = sq_prefixes_exists,
	.each = sq_prefixes_each,
};
