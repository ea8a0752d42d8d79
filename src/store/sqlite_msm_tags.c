/*
 * sqlite_msm_tags: a measurement's tags in the SQLite store (see
 * store_msm_tags.h), edited inside the JSON of api_msm_meta.extra with
 * SQLite's JSON functions, in one statement each.
 */
#include "store/sqlite_int.h"
#include "store/store_msm_tags.h"

/* The extra JSON of the row with tag ?2 added (kept in order, once) or removed. */
#define TAGS_ADD \
	"json_set(coalesce(extra, '{}'), '$.tags', json((SELECT json_group_array(value) FROM" \
	" (SELECT value FROM json_each(coalesce(extra, '{}'), '$.tags') UNION ALL" \
	"  SELECT ?2 WHERE ?2 NOT IN (SELECT value FROM json_each(coalesce(extra, '{}'), '$.tags'))))))"
#define TAGS_REMOVE \
	"json_set(coalesce(extra, '{}'), '$.tags', json((SELECT json_group_array(value) FROM" \
	" json_each(coalesce(extra, '{}'), '$.tags') WHERE value != ?2)))"

/* See store_msm_tags.h (set). */
static int tags_set(struct store *st, int64_t msm_id, const char *tag, int remove, char *err,
		    size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR IGNORE INTO api_msm_meta(msm_id, is_public)"
				  " SELECT id, 0 FROM measurements WHERE id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	if (sq_step_done(s, q, "measurement tags", err, errlen) < 0)
		return -1;
	q = sq_prep(s, remove ? "UPDATE api_msm_meta SET extra = " TAGS_REMOVE " WHERE msm_id = ?1"
			      : "UPDATE api_msm_meta SET extra = " TAGS_ADD " WHERE msm_id = ?1",
		    err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	sqlite3_bind_text(q, 2, tag, -1, SQLITE_STATIC);
	return sq_step_done(s, q, "measurement tags", err, errlen) < 0 ? -1 : 0;
}

const struct store_msm_tags_ops sq_msm_tags_ops = {
	.set = tags_set,
};
