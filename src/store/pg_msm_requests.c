/*
 * pg_msm_requests: a measurement's participation requests in the PostgreSQL
 * store (see store_msm_requests.h), the same table as the SQLite store's
 * (msm_requests, made with the schema in pg.c), read by (msm_id, id).
 */
#include "store/pg_int.h"
#include "store/store_msm_requests.h"

/* See store_msm_requests.h (add): all of them, or none. */
static int requests_add(struct store *st, const struct store_msm_request *r, size_t n, char *err,
			size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_unit u;
	if (pg_unit_begin(s, &u, "requests", err, errlen) < 0)
		return -1;
	int ok = 1;
	for (size_t i = 0; ok && i < n; i++) {
		struct pg_args q = { 0 };
		pg_arg_int(&q, r[i].msm_id);
		pg_arg_text(&q, r[i].action);
		pg_arg_text(&q, r[i].type);
		pg_arg_text(&q, r[i].value);
		pg_arg_int(&q, r[i].requested);
		pg_arg_text(&q, r[i].tags);
		pg_arg_int(&q, r[i].created);
		ok = pg_cmd(s, "participation request", "INSERT INTO msm_requests(msm_id, action,"
			    " type, value, requested, tags, created) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			    &q, err, errlen) >= 0;
	}
	return pg_unit_end(s, &u, ok, err, errlen);
}

/* See store_msm_requests.h (page). */
static int requests_page(struct store *st, int64_t msm_id, int64_t offset, int limit,
			 json_t **rows, int64_t *count, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, msm_id);
	if (pg_scalar(pg(st), "participation requests", "SELECT COUNT(*) FROM msm_requests"
		      " WHERE msm_id = $1", &q, count, err, errlen) != 1)
		return -1;
	pg_arg_int(&q, limit);
	pg_arg_int(&q, offset);
	return pg_list(pg(st), "participation requests", "SELECT id, msm_id, action, type, value,"
		       " requested, tags, created FROM msm_requests WHERE msm_id = $1 ORDER BY id"
		       " LIMIT $2 OFFSET $3", &q, rows, err, errlen);
}

/* See pg_int.h. */
const struct store_msm_requests_ops pg_msm_requests_ops = {
	.add = requests_add,
	.page = requests_page,
};
