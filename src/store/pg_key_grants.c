/*
 * pg_key_grants: an API key's label, state, validity and grants in the
 * PostgreSQL store (store_key_grants.h), as sqlite_key_grants.c keeps them
 * in SQLite: a table of its own beside api_keys; a key without a row holds
 * every permission.
 */
#include "store/pg_int.h"
#include "store/store_key_grants.h"

#include <stdio.h>

/* The schema this file needs, run by pg.c after the main schema in its transaction. */
const char pg_key_grants_schema[] =
	"CREATE TABLE IF NOT EXISTS api_key_grants ("
	" key_id bigint PRIMARY KEY REFERENCES api_keys(id), label text NOT NULL,"
	" enabled int NOT NULL, valid_from bigint NOT NULL, valid_to bigint NOT NULL,"
	" grants text NOT NULL, prefix text NOT NULL);";

/* See store_key_grants.h (get). */
static int grants_get(struct store *st, int64_t key_id, struct store_key_grants *g,
		      char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, key_id);
	PGresult *res = pg_query(pg(st), "key grants", "SELECT label, enabled, valid_from,"
				 " valid_to, grants, prefix FROM api_key_grants WHERE key_id = $1",
				 &q, err, errlen);
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found) {
		snprintf(g->label, sizeof g->label, "%s", PQgetvalue(res, 0, 0));
		g->enabled = pg_get_int(res, 0, 1) != 0;
		g->valid_from = pg_get_int(res, 0, 2);
		g->valid_to = pg_get_int(res, 0, 3);
		snprintf(g->grants, sizeof g->grants, "%s", PQgetvalue(res, 0, 4));
		snprintf(g->prefix, sizeof g->prefix, "%s", PQgetvalue(res, 0, 5));
	}
	PQclear(res);
	return found;
}

/* See store_key_grants.h (put). */
static int grants_put(struct store *st, int64_t key_id, const struct store_key_grants *g,
		      char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, key_id);
	pg_arg_text(&q, g->label);
	pg_arg_int(&q, g->enabled != 0);
	pg_arg_int(&q, g->valid_from);
	pg_arg_int(&q, g->valid_to);
	pg_arg_text(&q, g->grants);
	pg_arg_text(&q, g->prefix);
	return pg_cmd(pg(st), "key grants", "INSERT INTO api_key_grants(key_id, label, enabled,"
		      " valid_from, valid_to, grants, prefix) VALUES ($1, $2, $3, $4, $5, $6, $7)"
		      " ON CONFLICT (key_id) DO UPDATE SET label = EXCLUDED.label,"
		      " enabled = EXCLUDED.enabled, valid_from = EXCLUDED.valid_from,"
		      " valid_to = EXCLUDED.valid_to, grants = EXCLUDED.grants,"
		      " prefix = EXCLUDED.prefix", &q, err, errlen) < 0 ? -1 : 0;
}

const struct store_key_grants_ops pg_key_grants_ops = {
	.get = grants_get,
	.put = grants_put,
};
