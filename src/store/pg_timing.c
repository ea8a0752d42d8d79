/*
 * pg_timing: the history of each agent's timing telemetry in the PostgreSQL
 * store, one row per report; a report sent again after a reconnect has the
 * same (agent, time) and is kept once; only the newest timing_keep of an
 * agent are kept.
 */
#include "store/pg_int.h"

/* See store.h (timing_put). */
int pg_timing_put(struct store *st, int64_t agent_id, int64_t when, unsigned flags,
		  const char *report, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, when);
	pg_arg_int(&q, flags);
	pg_arg_text(&q, report);
	int64_t stored = pg_cmd(s, "timing put", "INSERT INTO agent_timing(agent_id, \"time\", flags,"
				" report) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", &q, err, errlen);
	if (stored != 1)
		return (int)stored;
	struct pg_args p = { 0 };
	pg_arg_int(&p, agent_id);
	pg_arg_int(&p, s->timing_keep);
	return pg_cmd(s, "timing prune", "DELETE FROM agent_timing WHERE agent_id = $1 AND \"time\" <="
		      " (SELECT \"time\" FROM agent_timing WHERE agent_id = $1"
		      "  ORDER BY \"time\" DESC LIMIT 1 OFFSET $2)", &p, err, errlen) < 0 ? -1 : 1;
}

/* See store.h (timing_list). */
int pg_timing_list(struct store *st, int64_t agent_id, int64_t since, json_t **out,
		   char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, since);
	return pg_list(pg(st), "timing list", "SELECT \"time\", flags, report FROM agent_timing"
		       " WHERE agent_id = $1 AND \"time\" >= $2 ORDER BY \"time\"", &q, out, err, errlen);
}
