/*
 * pg_team_results: a team cycle's results page by page (store_team.h,
 * results_page) in the PostgreSQL store. Each team result keeps its cycle
 * in the column results.cycle (filled when it is stored, pg_results.c and
 * pg_bulk.c), and the partial index results_by_cycle (msm_id, cycle,
 * agent_id, seq, epoch) holds team results only, so a page walks that
 * cycle's entries from the last page's key in each day's partition and
 * merges them: other cycles' rows are never read. The key's id is the
 * epoch here (an agent's (seq, epoch) is unique, as (seq, rowid) is in
 * SQLite).
 */
#include "store/pg_team_int.h"

/* See store_team.h (results_page). */
int pg_team_results_page(struct store *st, int64_t msm_id, int64_t cycle,
			 const struct store_result_key *after, size_t limit, store_row_fn fn,
			 void *arg, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_arg_int(&q, msm_id);
	pg_arg_int(&q, cycle);
	pg_arg_int(&q, after->agent);
	pg_arg_int(&q, after->seq);
	pg_arg_int(&q, after->id);
	pg_arg_int(&q, limit > INT32_MAX ? INT32_MAX : (int64_t)limit);
	return pg_each(pg(st), "team results", "SELECT agent_id AS agent, seq, epoch AS id, body"
		       " FROM results WHERE msm_id = $1 AND cycle = $2"
		       " AND (agent_id, seq, epoch) > ($3, $4, $5)"
		       " ORDER BY agent_id, seq, epoch LIMIT $6", &q, fn, arg, err, errlen);
}
