/*
 * sqlite_msm: measurements, their schedule and the agents they are assigned
 * to (with an agent's refusal and its reason) in the SQLite store.
 */
#include "store/sqlite_int.h"

#include <stdio.h>

/* Insert the measurement row; sets m->id. */
static int insert_msm(struct store_sqlite *s, struct store_msm *m, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO measurements(def, start, stop, interval, spread)"
				  " VALUES (?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, m->def, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, m->start);
	sqlite3_bind_int64(q, 3, m->stop);
	sqlite3_bind_int64(q, 4, m->interval);
	sqlite3_bind_int64(q, 5, m->spread);
	if (sq_step_done(s, q, "measurement create", err, errlen) < 0)
		return -1;
	m->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Assign measurement id to each of the n agents. */
static int assign(struct store_sqlite *s, int64_t id, const int64_t *agents, size_t n,
		  char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *q = sq_prep(s, "INSERT INTO msm_agents(msm_id, agent_id)"
					  " VALUES (?, ?)", err, errlen);
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, agents[i]);
		if (sq_step_done(s, q, "measurement assign", err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* See store.h (msm_create): one savepoint for the row and its assignments. */
int sq_msm_create(struct store *st, struct store_msm *m, const int64_t *agents, size_t n,
		  char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT msm", err, errlen) < 0)
		return -1;
	if (insert_msm(s, m, err, errlen) < 0 || assign(s, m->id, agents, n, err, errlen) < 0) {
		sq_exec(s, "ROLLBACK TO msm; RELEASE msm", NULL, 0);
		return -1;
	}
	return sq_exec(s, "RELEASE msm", err, errlen);
}

/* See store.h (msm_list). */
int sq_msm_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"SELECT m.id, m.def, m.start, m.stop, m.interval, m.spread, m.stopped,"
		" (SELECT group_concat(agent_id) FROM msm_agents WHERE msm_id = m.id) AS agents,"
		" (SELECT group_concat(agent_id || ': ' || refused, '; ') FROM msm_agents"
		"  WHERE msm_id = m.id AND refused IS NOT NULL) AS refused,"
		" (SELECT COUNT(*) FROM results WHERE msm_id = m.id) AS results"
		" FROM measurements m ORDER BY m.id", err, errlen);
	return q ? sq_list(s, q, out, err, errlen) : -1;
}

/* See store.h (msm_stop). */
int sq_msm_stop(struct store *st, int64_t id, int64_t now, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE measurements SET stopped = ? WHERE id = ?"
				  " AND stopped IS NULL", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, id);
	int n = sq_step_done(s, q, "measurement stop", err, errlen);
	if (n == 0)
		snprintf(err, errlen, "no running measurement %lld", (long long)id);
	return n > 0 ? 0 : -1;
}

/* See store.h (msm_for_agent). */
int sq_msm_for_agent(struct store *st, int64_t agent_id, store_row_fn fn, void *arg,
		     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"SELECT m.id, m.def, m.start, m.stop, m.interval, m.spread FROM measurements m"
		" JOIN msm_agents a ON a.msm_id = m.id WHERE a.agent_id = ?"
		" AND m.stopped IS NULL AND a.refused IS NULL ORDER BY m.id", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	return sq_each(s, q, fn, arg, err, errlen);
}

/* See store.h (msm_refused). */
int sq_msm_refused(struct store *st, int64_t msm_id, int64_t agent_id, const char *reason,
		   char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE msm_agents SET refused = ? WHERE msm_id = ?"
				  " AND agent_id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, msm_id);
	sqlite3_bind_int64(q, 3, agent_id);
	return sq_step_done(s, q, "measurement refusal", err, errlen) < 0 ? -1 : 0;
}

/* See store.h (msm_assigned). The kept statement: one lookup per result ingested. */
int sq_msm_assigned(struct store *st, int64_t msm_id, int64_t agent_id, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->assigned;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, msm_id);
	sqlite3_bind_int64(q, 2, agent_id);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(s, "measurement assignment", err, errlen);
	return rc == SQLITE_ROW;
}

/* See sqlite_int.h (the body of msm_create, for a caller's transaction). */
int sq_msm_insert_assign(struct store_sqlite *s, struct store_msm *m, const int64_t *agents,
			 size_t n, char *err, size_t errlen)
{
	if (insert_msm(s, m, err, errlen) < 0)
		return -1;
	return assign(s, m->id, agents, n, err, errlen);
}
