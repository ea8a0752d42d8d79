/*
 * sqlite_team_results: a team cycle's results page by page (store_team.h,
 * results_page), for an export that holds one page, never the cycle. The
 * page walks the results_by_msm index (msm_id, agent_id, seq; the rowid
 * breaks ties between an agent's epochs) from the last page's key, so each
 * page costs its own rows, whatever the cycle's size; results of other
 * cycles of the team are skipped as the walk passes them.
 */
#include "store/sqlite_int.h"
#include "store/store_team.h"

/* See store_team.h (results_page). */
int sq_team_results_page(struct store *st, int64_t msm_id, int64_t cycle,
			 const struct store_result_key *after, size_t limit, store_row_fn fn,
			 void *arg, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT agent_id AS agent, seq, id, body FROM results"
				  " WHERE msm_id = ?1 AND (agent_id, seq, id) > (?2, ?3, ?4)"
				  " AND json_extract(body, '$.cycle') = ?5"
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
