/*
 * pg_team_int: what the PostgreSQL store's team files share (pg_team.c:
 * teams, cycles, members and progress; pg_team_chunks.c: handing chunks
 * out, acknowledging and giving them back; pg_team_results.c: a cycle's
 * results by pages). Several front-ends use these tables at once: a cycle
 * is opened once (its key), and a chunk is handed to one agent only (row
 * locks, FOR UPDATE SKIP LOCKED).
 */
#ifndef VANTAGE_STORE_PG_TEAM_INT_H
#define VANTAGE_STORE_PG_TEAM_INT_H

#include <stdio.h>
#include <stdlib.h>

#include "store/pg_int.h"
#include "store/store_team.h"

/* Arguments $1 team, $2 cycle. */
static inline void pg_team_args(struct pg_args *a, int64_t team_id, int64_t cycle)
{
	pg_arg_int(a, team_id);
	pg_arg_int(a, cycle);
}

/* Four columns of n integers (pg_cmd_columns) in one block: free(col[0]); 0 or -1 with err. */
static inline int pg_team_columns(int64_t *col[4], size_t n, char *err, size_t errlen)
{
	int64_t *v = calloc(4 * n + 1, sizeof *v);
	if (!v) {
		snprintf(err, errlen, "store: team: out of memory");
		return -1;
	}
	for (int j = 0; j < 4; j++)
		col[j] = v + (size_t)j * n;
	return 0;
}

int pg_team_chunk_take(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
		       int64_t now, struct store_team_chunk *ch, char *err, size_t errlen);
int pg_team_chunk_get(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
		      struct store_team_chunk *ch, char *err, size_t errlen);
int pg_team_chunk_done(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
		       int64_t agent_id, int64_t now, char *err, size_t errlen);
int pg_team_chunks_release(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
			   char *err, size_t errlen);
int pg_team_chunks_out(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
		       struct store_team_chunk *ch, size_t max, char *err, size_t errlen);
int pg_team_chunk_repeat(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
			 char *err, size_t errlen);
/* Insert the n chunks of cycle c, as arrays in one statement; 0 or -1. */
int pg_team_chunks_insert(struct store_pg *s, const struct store_team_cycle *c,
			  const struct store_team_chunk *ch, size_t n, char *err, size_t errlen);
int pg_team_results_page(struct store *st, int64_t msm_id, int64_t cycle,
			 const struct store_result_key *after, size_t limit, store_row_fn fn,
			 void *arg, char *err, size_t errlen);

#endif
