/*
 * pg_reach: the remote half of check-host per agent in the PostgreSQL store
 * (which agent probed it, at which address, when, and its four
 * measurements), and an agent's registered address by family.
 */
#include "store/pg_int.h"

#include <stdio.h>
#include <string.h>

/* See store.h (reach_put). */
int pg_reach_put(struct store *st, const struct store_reach *r, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, r->agent_id);
	pg_arg_int(&q, r->prober);
	pg_arg_text(&q, r->address);
	pg_arg_int(&q, r->created);
	for (int i = 0; i < STORE_REACH_KINDS; i++) {
		if (r->msm[i])
			pg_arg_int(&q, r->msm[i]);
		else
			pg_arg_text(&q, NULL);
	}
	return pg_cmd(pg(st), "reach put", "INSERT INTO agent_reach(agent_id, prober, address,"
		      " created, msm_ping, msm_trace, msm_tcp, msm_udp)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (agent_id) DO UPDATE SET"
		      " prober = EXCLUDED.prober, address = EXCLUDED.address,"
		      " created = EXCLUDED.created, msm_ping = EXCLUDED.msm_ping,"
		      " msm_trace = EXCLUDED.msm_trace, msm_tcp = EXCLUDED.msm_tcp,"
		      " msm_udp = EXCLUDED.msm_udp", &q, err, errlen) < 0 ? -1 : 0;
}

/* See store.h (reach_get). */
int pg_reach_get(struct store *st, int64_t agent_id, struct store_reach *r, char *err,
		 size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	PGresult *res = pg_query(pg(st), "reach get", "SELECT prober, address, created, msm_ping,"
				 " msm_trace, msm_tcp, msm_udp FROM agent_reach WHERE agent_id = $1",
				 &q, err, errlen);
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found) {
		memset(r, 0, sizeof *r);
		r->agent_id = agent_id;
		r->prober = pg_get_int(res, 0, 0);
		snprintf(r->address, sizeof r->address, "%s", PQgetvalue(res, 0, 1));
		r->created = pg_get_int(res, 0, 2);
		for (int i = 0; i < STORE_REACH_KINDS; i++)
			r->msm[i] = pg_get_int(res, 0, 3 + i);
	}
	PQclear(res);
	return found;
}

/* See store.h (agent_address). */
int pg_agent_address(struct store *st, int64_t agent_id, int af, char *out, size_t len,
		     char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, agent_id);
	PGresult *res = pg_query(pg(st), "agent address", af == 6 ?
				 "SELECT address_v6 FROM agent_attrs WHERE agent_id = $1" :
				 "SELECT address_v4 FROM agent_attrs WHERE agent_id = $1", &q, err, errlen);
	if (!res)
		return -1;
	int found = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0);
	if (found)
		snprintf(out, len, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return found;
}
