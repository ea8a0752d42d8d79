/*
 * pg_msm: measurements, their schedule and the agents they are assigned to
 * (with an agent's refusal and its reason) in the PostgreSQL store.
 */
#include "store/pg_int.h"

#include <stdio.h>
#include <stdlib.h>

/* Insert the measurement row; sets m->id. */
static int insert_msm(struct store_pg *s, struct store_msm *m, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, m->def);
	pg_arg_int(&q, m->start);
	pg_arg_int(&q, m->stop);
	pg_arg_int(&q, m->interval);
	pg_arg_int(&q, m->spread);
	return pg_scalar(s, "measurement create", "INSERT INTO measurements(def, start, stop,"
			" \"interval\", spread) VALUES ($1, $2, $3, $4, $5) RETURNING id", &q,
			&m->id, err, errlen) == 1 ? 0 : -1;
}

/* See pg_int.h. */
int pg_msm_insert_assign(struct store_pg *s, struct store_msm *m, const int64_t *agents,
			 size_t n, char *err, size_t errlen)
{
	if (insert_msm(s, m, err, errlen) < 0)
		return -1;
	if (n == 0)
		return 0;
	struct pg_args q = { 0 };
	char *ids;
	pg_arg_int(&q, m->id);
	pg_arg_ids(&q, agents, n, &ids);
	int64_t added = pg_cmd(s, "measurement assign", "INSERT INTO msm_agents(msm_id, agent_id)"
			       " SELECT $1, unnest($2::bigint[])", &q, err, errlen);
	free(ids);
	return added < 0 ? -1 : 0;
}

/* See store.h (msm_create): the row and its assignments, or nothing. */
int pg_msm_create(struct store *st, struct store_msm *m, const int64_t *agents, size_t n,
		  char *err, size_t errlen)
{
	struct pg_unit u;
	if (pg_unit_begin(pg(st), &u, "msm", err, errlen) < 0)
		return -1;
	int ok = pg_msm_insert_assign(pg(st), m, agents, n, err, errlen) == 0;
	return pg_unit_end(pg(st), &u, ok, err, errlen);
}

/* See store.h (msm_list). */
int pg_msm_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	return pg_list(pg(st), "measurement list",
		"SELECT m.id, m.def, m.start, m.stop, m.\"interval\", m.spread, m.stopped,"
		" (SELECT string_agg(agent_id::text, ',' ORDER BY agent_id) FROM msm_agents"
		"  WHERE msm_id = m.id) AS agents,"
		" (SELECT string_agg(agent_id || ': ' || refused, '; ' ORDER BY agent_id)"
		"  FROM msm_agents WHERE msm_id = m.id AND refused IS NOT NULL) AS refused,"
		" (SELECT COUNT(*) FROM results WHERE msm_id = m.id) AS results"
		" FROM measurements m ORDER BY m.id", NULL, out, err, errlen);
}

/* See store.h (msm_stop). */
int pg_msm_stop(struct store *st, int64_t id, int64_t now, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, now);
	pg_arg_int(&q, id);
	int64_t n = pg_cmd(pg(st), "measurement stop", "UPDATE measurements SET stopped = $1"
			   " WHERE id = $2 AND stopped IS NULL", &q, err, errlen);
	if (n == 0)
		snprintf(err, errlen, "no running measurement %lld", (long long)id);
	return n > 0 ? 0 : -1;
}

/* See store.h (msm_for_agent). */
int pg_msm_for_agent(struct store *st, int64_t agent_id, store_row_fn fn, void *arg,
		     char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	return pg_each(pg(st), "measurements of an agent",
		"SELECT m.id, m.def, m.start, m.stop, m.\"interval\", m.spread FROM measurements m"
		" JOIN msm_agents a ON a.msm_id = m.id WHERE a.agent_id = $1"
		" AND m.stopped IS NULL AND a.refused IS NULL ORDER BY m.id", &q, fn, arg, err, errlen);
}

/* See store.h (msm_refused). */
int pg_msm_refused(struct store *st, int64_t msm_id, int64_t agent_id, const char *reason,
		   char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_text(&q, reason);
	pg_arg_int(&q, msm_id);
	pg_arg_int(&q, agent_id);
	return pg_cmd(pg(st), "measurement refusal", "UPDATE msm_agents SET refused = $1"
		      " WHERE msm_id = $2 AND agent_id = $3", &q, err, errlen) < 0 ? -1 : 0;
}

/* See store.h (msm_assigned). */
int pg_msm_assigned(struct store *st, int64_t msm_id, int64_t agent_id, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	int64_t one;
	pg_arg_int(&q, msm_id);
	pg_arg_int(&q, agent_id);
	return pg_scalar(pg(st), "measurement assignment", "SELECT 1 FROM msm_agents"
			" WHERE msm_id = $1 AND agent_id = $2", &q, &one, err, errlen);
}
