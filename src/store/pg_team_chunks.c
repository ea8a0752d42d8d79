/*
 * pg_team_chunks: the chunks of a team cycle (store_team.h) in the
 * PostgreSQL store: stored as arrays in one statement, handed out,
 * acknowledged, given back. Several front-ends hand out chunks of one
 * cycle at once, each to the agents connected to it, so a take picks its
 * chunk with FOR UPDATE SKIP LOCKED (a chunk another front-end is taking is
 * passed over, not waited for) in a CTE of its own, evaluated once (as a
 * subquery in FROM it may be scanned again for every row of the join, and
 * each scan would lock and hand out one more chunk), and updates it only
 * while it is still open (state = 0 is checked again on the locked row): a
 * chunk goes to exactly one agent. Acknowledgement and release change a row only in the state
 * they expect, which PostgreSQL checks again on the row it locked.
 */
#include "store/pg_team_int.h"

#include <stdio.h>
#include <stdlib.h>

/* The chunk columns every chunk query returns, in row_chunk's order. */
#define CHUNK_COLS "chunk, first, count, owner, holder, state, repeat, handed, done"
#define CHUNK_COLS_C "c.chunk, c.first, c.count, c.owner, c.holder, c.state, c.repeat," \
	" c.handed, c.done"

/* Fill ch from row i of r (CHUNK_COLS). */
static void row_chunk(const PGresult *r, int i, struct store_team_chunk *ch)
{
	*ch = (struct store_team_chunk){ .chunk = pg_get_int(r, i, 0),
		.first = (uint64_t)pg_get_int(r, i, 1), .count = (uint32_t)pg_get_int(r, i, 2),
		.owner = pg_get_int(r, i, 3), .holder = pg_get_int(r, i, 4),
		.state = (int)pg_get_int(r, i, 5), .repeat = (int)pg_get_int(r, i, 6),
		.handed = pg_get_int(r, i, 7), .done = pg_get_int(r, i, 8) };
}

/* Fill the store_team_chunk at ch from row 0 of r (CHUNK_COLS), for pg_row. */
static void first_chunk(const PGresult *r, void *ch)
{
	row_chunk(r, 0, ch);
}

/* Run sql (at most one row of CHUNK_COLS) into ch: 1, 0 if no row, -1. */
static int one_chunk(struct store_pg *s, const char *what, const char *sql,
		     const struct pg_args *q, struct store_team_chunk *ch, char *err, size_t errlen)
{
	return pg_row(s, what, sql, q, first_chunk, ch, err, errlen);
}

/* See pg_team_int.h. */
int pg_team_chunks_insert(struct store_pg *s, const struct store_team_cycle *c,
			  const struct store_team_chunk *ch, size_t n, char *err, size_t errlen)
{
	int64_t *col[4];
	struct pg_args q = { 0 };
	if (pg_team_columns(col, n, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		col[0][i] = ch[i].chunk;
		col[1][i] = (int64_t)ch[i].first;
		col[2][i] = ch[i].count;
		col[3][i] = ch[i].owner;
	}
	pg_team_args(&q, c->team_id, c->cycle);
	int rc = pg_cmd_columns(s, "team chunks", "INSERT INTO team_chunks(team_id, cycle, chunk,"
				" first, count, owner) SELECT $1, $2, k, f, n, o FROM unnest($3::bigint[],"
				" $4::bigint[], $5::bigint[], $6::bigint[]) AS u(k, f, n, o)", &q, col, 4,
				n, err, errlen) == (int64_t)n ? 0 : -1;
	free(col[0]);
	return rc;
}

/*
 * Hand a joiner (an agent with no share in the cycle) the last open chunk
 * of the member with the most open chunks (see sqlite_team.c); the owner
 * stays. 1 and *ch, 0 when none is open, -1.
 */
static int take_from_busiest(struct store_pg *s, const struct pg_args *q,
			     struct store_team_chunk *ch, char *err, size_t errlen)
{
	return one_chunk(s, "team chunk take", "WITH p AS MATERIALIZED (SELECT chunk"
			 "  FROM team_chunks WHERE team_id = $1 AND cycle = $2 AND state = 0"
			 "  AND owner = (SELECT owner FROM team_chunks WHERE team_id = $1"
			 "   AND cycle = $2 AND state = 0 AND owner <> 0 GROUP BY owner"
			 "   ORDER BY count(*) DESC, owner LIMIT 1)"
			 "  ORDER BY chunk DESC LIMIT 1 FOR UPDATE SKIP LOCKED)"
			 " UPDATE team_chunks c SET state = 1, holder = $3, handed = $4 FROM p"
			 " WHERE c.team_id = $1 AND c.cycle = $2 AND c.chunk = p.chunk"
			 " AND c.state = 0 AND NOT EXISTS (SELECT 1 FROM team_members"
			 "  WHERE team_id = $1 AND cycle = $2 AND agent_id = $3)"
			 " RETURNING " CHUNK_COLS_C, q, ch, err, errlen);
}

/* See store_team.h (chunk_take): own share first, then chunks handed on, then a joiner's. */
int pg_team_chunk_take(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
		       int64_t now, struct store_team_chunk *ch, char *err, size_t errlen)
{
	struct store_pg *s = pg(st);
	struct pg_args q = { 0 };
	pg_team_args(&q, team_id, cycle);
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, now);
	int rc = one_chunk(s, "team chunk take", "WITH p AS MATERIALIZED (SELECT chunk"
			   "  FROM team_chunks WHERE team_id = $1 AND cycle = $2 AND state = 0"
			   "  AND owner IN ($3, 0) ORDER BY owner = 0, chunk LIMIT 1"
			   "  FOR UPDATE SKIP LOCKED)"
			   " UPDATE team_chunks c SET state = 1, holder = $3, handed = $4 FROM p"
			   " WHERE c.team_id = $1 AND c.cycle = $2 AND c.chunk = p.chunk"
			   " AND c.state = 0 RETURNING " CHUNK_COLS_C, &q, ch, err, errlen);
	return rc != 0 ? rc : take_from_busiest(s, &q, ch, err, errlen);
}

/* See store_team.h (chunk_get). */
int pg_team_chunk_get(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
		      struct store_team_chunk *ch, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_team_args(&q, team_id, cycle);
	pg_arg_int(&q, chunk);
	return one_chunk(pg(st), "team chunk", "SELECT " CHUNK_COLS " FROM team_chunks"
			 " WHERE team_id = $1 AND cycle = $2 AND chunk = $3", &q, ch, err, errlen);
}

/* See store_team.h (chunk_done). */
int pg_team_chunk_done(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
		       int64_t agent_id, int64_t now, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_team_args(&q, team_id, cycle);
	pg_arg_int(&q, chunk);
	pg_arg_int(&q, agent_id);
	pg_arg_int(&q, now);
	int64_t n = pg_cmd(pg(st), "team chunk done", "UPDATE team_chunks SET state = 2, done = $5"
			   " WHERE team_id = $1 AND cycle = $2 AND chunk = $3 AND holder = $4"
			   " AND state = 1", &q, err, errlen);
	return n < 0 ? -1 : n > 0;
}

/* See store_team.h (chunks_release). */
int pg_team_chunks_release(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
			   char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_team_args(&q, team_id, cycle);
	pg_arg_int(&q, agent_id);
	int64_t n = pg_cmd(pg(st), "team chunks release", "UPDATE team_chunks SET"
			   " repeat = CASE WHEN repeat <> 0 OR state = 1 THEN 1 ELSE 0 END,"
			   " state = 0, owner = 0, holder = 0, handed = 0, handed_on = 1"
			   " WHERE team_id = $1 AND cycle = $2 AND state <> 2 AND"
			   " (holder = $3 OR (owner = $3 AND state = 0))", &q, err, errlen);
	return n < 0 ? -1 : (int)n;
}

/* See store_team.h (chunks_out). */
int pg_team_chunks_out(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
		       struct store_team_chunk *ch, size_t max, char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_team_args(&q, team_id, cycle);
	pg_arg_int(&q, agent_id);
	PGresult *r = pg_query(pg(st), "team chunks out", "SELECT " CHUNK_COLS " FROM team_chunks"
			       " WHERE team_id = $1 AND cycle = $2 AND holder = $3 AND state = 1"
			       " ORDER BY chunk", &q, err, errlen);
	if (!r)
		return -1;
	size_t n = 0;
	for (int i = 0; i < PQntuples(r) && n < max; i++)
		row_chunk(r, i, &ch[n++]);
	PQclear(r);
	return (int)n;
}

/* See store_team.h (chunk_repeat). */
int pg_team_chunk_repeat(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
			 char *err, size_t errlen)
{
	struct pg_args q = { 0 };
	pg_team_args(&q, team_id, cycle);
	pg_arg_int(&q, chunk);
	return pg_cmd(pg(st), "team chunk repeat", "UPDATE team_chunks SET repeat = 1"
		      " WHERE team_id = $1 AND cycle = $2 AND chunk = $3", &q, err,
		      errlen) < 0 ? -1 : 0;
}
