/*
 * sqlite_team_results: a team cycle's results page by page (store_team.h,
 * results_page), for an export that holds one page, never the cycle. Each
 * team result keeps its cycle in the column results.cycle (filled by the
 * insert, NULL for every other result), and the partial index
 * results_by_cycle (msm_id, cycle, agent_id, seq; the rowid breaks ties
 * between an agent's epochs) holds team results only, so a page walks that
 * cycle's entries from the last page's key: each page costs its own rows,
 * and other cycles' rows are never read. A store made before the column
 * gets it when opened, filled for the results of its teams.
 */
#include "store/sqlite_int.h"
#include "store/store_team.h"

/* See sqlite_int.h. */
int sq_team_results_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	sqlite3_stmt *probe = NULL;
	int has = sqlite3_prepare_v2(s->db, "SELECT cycle FROM results LIMIT 0", -1, &probe,
				     NULL) == SQLITE_OK;
	sqlite3_finalize(probe);
	if (!has && sq_exec(s, "BEGIN IMMEDIATE; ALTER TABLE results ADD COLUMN cycle INTEGER;"
			    " UPDATE results SET cycle = " SQ_RESULT_CYCLE("body")
			    " WHERE msm_id IN (SELECT msm_id FROM teams); COMMIT;", err, errlen) < 0) {
		sq_exec(s, "ROLLBACK", NULL, 0);
		return -1;
	}
	return sq_exec(s, "CREATE INDEX IF NOT EXISTS results_by_cycle ON results"
		       "(msm_id, cycle, agent_id, seq) WHERE cycle IS NOT NULL", err, errlen);
}

/* See store_team.h (results_page). */
int sq_team_results_page(struct store *st, int64_t msm_id, int64_t cycle,
			 const struct store_result_key *after, size_t limit, store_row_fn fn,
			 void *arg, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT agent_id AS agent, seq, id, body FROM results"
				  " INDEXED BY results_by_cycle WHERE msm_id = ?1 AND cycle = ?5"
				  " AND (agent_id, seq, id) > (?2, ?3, ?4)"
				  " ORDER BY agent_id, seq, id LIMIT ?6", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	sqlite3_bind_int64(q, 2, after->agent);
	sqlite3_bind_int64(q, 3, after->seq);
	sqlite3_bind_int64(q, 4, after->id);
	sqlite3_bind_int64(q, 5, cycle);
	sqlite3_bind_int64(q, 6, limit > INT32_MAX ? INT32_MAX : (int64_t)limit);
	return sq_each(s, q, fn, arg, err, errlen);
}
