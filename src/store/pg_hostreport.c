/*
 * pg_hostreport: the newest check-host report of each agent
 * (store_hostreport.h) in the PostgreSQL store, one row per agent, as
 * sqlite_hostreport.c keeps it in SQLite.
 */
#include "store/pg_int.h"
#include "store/store_hostreport.h"

#include <stdio.h>

/* The schema this file needs, run by pg.c after the main schema in its transaction. */
const char pg_hostreport_schema[] =
	"CREATE TABLE IF NOT EXISTS agent_host_reports ("
	" agent_id bigint PRIMARY KEY, received bigint NOT NULL,"
	" virtualised int NOT NULL, report text NOT NULL);";

/* See store_hostreport.h (put). */
static int hr_put(struct store *st, int64_t agent_id, int64_t received, int virtualised,
		  const char *report, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, received);
	pg_arg_int(&q, virtualised != 0);
	pg_arg_text(&q, report);
	return pg_cmd(pg(st), "host report put", "INSERT INTO agent_host_reports(agent_id,"
		      " received, virtualised, report) VALUES ($1, $2, $3, $4)"
		      " ON CONFLICT (agent_id) DO UPDATE SET received = EXCLUDED.received,"
		      " virtualised = EXCLUDED.virtualised, report = EXCLUDED.report", &q, err,
		      errlen) < 0 ? -1 : 0;
}

/* See store_hostreport.h (get). */
static int hr_get(struct store *st, int64_t agent_id, json_t **report, int64_t *received,
		  char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	*report = NULL;
	PGresult *res = pg_query(pg(st), "host report get", "SELECT received, report FROM"
				 " agent_host_reports WHERE agent_id = $1", &q, err, errlen);
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found) {
		*received = pg_get_int(res, 0, 0);
		*report = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	}
	PQclear(res);
	if (found && !*report) {
		snprintf(err, errlen, "agent %lld: stored host report is not JSON",
			 (long long)agent_id);
		return -1;
	}
	return found;
}

const struct store_hostreport_ops pg_hostreport_ops = {
	.put = hr_put,
	.get = hr_get,
};
