/*
 * pg_msm_tags: a measurement's tags in the PostgreSQL store (see
 * store_msm_tags.h), edited inside the JSON text of api_msm_meta.extra with
 * jsonb operators, one statement each, as the SQLite store does with its
 * JSON functions. The other echoed fields of extra are kept (jsonb orders
 * an object's keys its own way; readers parse it, so order does not matter).
 */
#include "store/pg_int.h"
#include "store/store_msm_tags.h"

/* The row's tags as a jsonb array ([] when none). */
#define TAGS "coalesce(extra::jsonb -> 'tags', '[]'::jsonb)"

/* Tag $2 appended when not there yet, so each is kept once and in order. */
#define TAGS_ADD \
	"jsonb_set(coalesce(extra, '{}')::jsonb, '{tags}', CASE WHEN " TAGS \
	" @> jsonb_build_array($2::text) THEN " TAGS " ELSE " TAGS " || jsonb_build_array($2::text) END)::text"

/* Every element equal to the string $2 taken out. */
#define TAGS_REMOVE "jsonb_set(coalesce(extra, '{}')::jsonb, '{tags}', " TAGS " - $2::text)::text"

/* See store_msm_tags.h (set). */
static int tags_set(struct store *st, int64_t msm_id, const char *tag, int remove, char *err,
		    size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_args q = { 0 };
	pg_arg_int(&q, msm_id);
	if (pg_cmd(s, "measurement tags", "INSERT INTO api_msm_meta(msm_id, is_public)"
		   " SELECT id, 0 FROM measurements WHERE id = $1 ON CONFLICT DO NOTHING", &q,
		   err, errlen) < 0)
		return -1;
	pg_arg_text(&q, tag);
	return pg_cmd(s, "measurement tags", remove ?
		      "UPDATE api_msm_meta SET extra = " TAGS_REMOVE " WHERE msm_id = $1" :
		      "UPDATE api_msm_meta SET extra = " TAGS_ADD " WHERE msm_id = $1",
		      &q, err, errlen) < 0 ? -1 : 0;
}

/* See pg_int.h. */
const struct store_msm_tags_ops pg_msm_tags_ops = {
	.set = tags_set,
};
