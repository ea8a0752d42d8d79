/*
 * sqlite_reach: the remote half of check-host, per agent: which agent probed
 * it, at which address, when, and the four measurements (ping, traceroute,
 * TCP and UDP probes) whose results say whether it is reachable, filtered and
 * how many hops away. One row per agent: it is checked once.
 */
#include "store/sqlite_int.h"

#include <stdio.h>
#include <string.h>

/* See store.h (reach_put). */
int sq_reach_put(struct store *st, const struct store_reach *r, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO agent_reach(agent_id, prober, address,"
				  " created, msm_ping, msm_trace, msm_tcp, msm_udp)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, r->agent_id);
	sqlite3_bind_int64(q, 2, r->prober);
	sqlite3_bind_text(q, 3, r->address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, r->created);
	for (int i = 0; i < STORE_REACH_KINDS; i++)
		if (r->msm[i])
			sqlite3_bind_int64(q, 5 + i, r->msm[i]);
	return sq_step_done(s, q, "reach put", err, errlen) < 0 ? -1 : 0;
}

/* Copy the text of column i into out (empty when NULL). */
static void column_text(sqlite3_stmt *q, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	snprintf(out, len, "%s", t ? (const char *)t : "");
}

/* See store.h (reach_get). */
int sq_reach_get(struct store *st, int64_t agent_id, struct store_reach *r, char *err,
		 size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT prober, address, created, msm_ping, msm_trace,"
				  " msm_tcp, msm_udp FROM agent_reach WHERE agent_id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memset(r, 0, sizeof *r);
		r->agent_id = agent_id;
		r->prober = sqlite3_column_int64(q, 0);
		column_text(q, 1, r->address, sizeof r->address);
		r->created = sqlite3_column_int64(q, 2);
		for (int i = 0; i < STORE_REACH_KINDS; i++)
			r->msm[i] = sqlite3_column_int64(q, 3 + i);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "reach get", err, errlen);
}

/* See store.h (agent_address). */
int sq_agent_address(struct store *st, int64_t agent_id, int af, char *out, size_t len,
		     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, af == 6 ? "SELECT address_v6 FROM agent_attrs WHERE agent_id = ?"
				  : "SELECT address_v4 FROM agent_attrs WHERE agent_id = ?",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sqlite3_step(q);
	int found = rc == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_TEXT;
	if (found)
		column_text(q, 0, out, len);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(s, "agent address", err, errlen);
	return found;
}
