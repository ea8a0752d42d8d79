/*
 * sqlite_msm_requests: a measurement's participation requests in the SQLite
 * store (see store_msm_requests.h), a table of their own (made when the
 * store opens, so an older database needs no migration: its measurements
 * simply list none), read by (msm_id, id).
 */
#include "store/sqlite_int.h"
#include "store/store_msm_requests.h"

static const char requests_schema[] =
	"CREATE TABLE IF NOT EXISTS msm_requests ("
	" id INTEGER PRIMARY KEY, msm_id INTEGER NOT NULL REFERENCES measurements(id),"
	" action TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,"
	" requested INTEGER NOT NULL, tags TEXT, created INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS msm_requests_by_msm ON msm_requests(msm_id, id);";

/* See sqlite_int.h. */
int sq_msm_requests_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, requests_schema, err, errlen);
}

/* Insert one request. */
static int insert_one(struct store_sqlite *s, const struct store_msm_request *r, char *err,
		      size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO msm_requests(msm_id, action, type, value,"
				  " requested, tags, created) VALUES (?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, r->msm_id);
	sqlite3_bind_text(q, 2, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, r->value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, r->requested);
	if (r->tags)
		sqlite3_bind_text(q, 6, r->tags, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, r->created);
	return sq_step_done(s, q, "participation request", err, errlen) < 0 ? -1 : 0;
}

/* See store_msm_requests.h (add): all of them, or none. */
static int requests_add(struct store *st, const struct store_msm_request *r, size_t n, char *err,
			size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT requests", err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (insert_one(s, &r[i], err, errlen) < 0) {
			sq_exec(s, "ROLLBACK TO requests; RELEASE requests", NULL, 0);
			return -1;
		}
	if (sq_exec(s, "RELEASE requests", err, errlen) < 0) {
		sq_exec(s, "ROLLBACK TO requests; RELEASE requests", NULL, 0);
		return -1;
	}
	return 0;
}

/* See store_msm_requests.h (page). */
static int requests_page(struct store *st, int64_t msm_id, int64_t offset, int limit,
			 json_t **rows, int64_t *count, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *c = sq_prep(s, "SELECT COUNT(*) FROM msm_requests WHERE msm_id = ?", err,
				  errlen);
	if (!c)
		return -1;
	sqlite3_bind_int64(c, 1, msm_id);
	int rc = sqlite3_step(c);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(c, 0);
	sqlite3_finalize(c);
	if (rc != SQLITE_ROW)
		return sq_fail(s, "participation requests", err, errlen);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, msm_id, action, type, value, requested, tags,"
				  " created FROM msm_requests WHERE msm_id = ? ORDER BY id"
				  " LIMIT ? OFFSET ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	sqlite3_bind_int(q, 2, limit);
	sqlite3_bind_int64(q, 3, offset);
	return sq_list(s, q, rows, err, errlen);
}

const struct store_msm_requests_ops sq_msm_requests_ops = {
	.add = requests_add,
	.page = requests_page,
};
