/*
 * sqlite_team: teams, cycles, members and chunks (store_team.h) in four
 * tables. Chunks are rows of position ranges, about n / chunk of them a
 * cycle (5,500 for 11 million /24s in chunks of 2,000), so handing one out
 * or acknowledging it is a single indexed update. Every change of several
 * rows is one savepoint, so it also nests in an open transaction.
 */
#include "store/sqlite_int.h"
#include "store/store_team.h"

#include <stdio.h>
#include <string.h>

/* See sqlite_int.h. */
int sq_team_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, "CREATE TABLE IF NOT EXISTS teams ("
		       " id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL,"
		       " agents TEXT NOT NULL, prefixes INTEGER NOT NULL, method TEXT NOT NULL,"
		       " pps INTEGER NOT NULL, cycle_secs INTEGER NOT NULL, family INTEGER NOT NULL,"
		       " chunk INTEGER NOT NULL, gone_secs INTEGER NOT NULL, secret INTEGER NOT NULL,"
		       " created INTEGER NOT NULL, stopped INTEGER NOT NULL DEFAULT 0,"
		       " msm_id INTEGER NOT NULL DEFAULT 0);"
		       "CREATE TABLE IF NOT EXISTS team_cycles ("
		       " team_id INTEGER NOT NULL REFERENCES teams(id), cycle INTEGER NOT NULL,"
		       " version INTEGER NOT NULL, seed INTEGER NOT NULL, targets INTEGER NOT NULL,"
		       " started INTEGER NOT NULL, ended INTEGER NOT NULL DEFAULT 0,"
		       " PRIMARY KEY (team_id, cycle));"
		       "CREATE TABLE IF NOT EXISTS team_members ("
		       " team_id INTEGER NOT NULL, cycle INTEGER NOT NULL, agent_id INTEGER NOT NULL,"
		       " rate INTEGER NOT NULL, first INTEGER NOT NULL, count INTEGER NOT NULL,"
		       " PRIMARY KEY (team_id, cycle, agent_id));"
		       "CREATE TABLE IF NOT EXISTS team_chunks ("
		       " team_id INTEGER NOT NULL, cycle INTEGER NOT NULL, chunk INTEGER NOT NULL,"
		       " first INTEGER NOT NULL, count INTEGER NOT NULL, owner INTEGER NOT NULL,"
		       " holder INTEGER NOT NULL DEFAULT 0, state INTEGER NOT NULL DEFAULT 0,"
		       " repeat INTEGER NOT NULL DEFAULT 0, handed_on INTEGER NOT NULL DEFAULT 0,"
		       " handed INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,"
		       " PRIMARY KEY (team_id, cycle, chunk)) WITHOUT ROWID;"
		       "CREATE INDEX IF NOT EXISTS team_chunks_open ON team_chunks"
		       " (team_id, cycle, state, owner, chunk);", err, errlen) < 0 ? -1 :
	       sq_team_results_schema(s, err, errlen);
}

/* Undo the savepoint name after a failure; returns -1. */
static int undo(struct store_sqlite *s, const char *name)
{
	char sql[128], ignore[64];
	snprintf(sql, sizeof sql, "ROLLBACK TO %s; RELEASE %s", name, name);
	sq_exec(s, sql, ignore, sizeof ignore);
	return -1;
}

/* See store_team.h (create). */
static int sq_team_create(struct store *st, struct store_team *t, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO teams(name, agents, prefixes, method, pps,"
				  " cycle_secs, family, chunk, gone_secs, secret, created, msm_id)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, t->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, t->agents, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, t->prefixes);
	sqlite3_bind_text(q, 4, t->method, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 5, t->pps);
	sqlite3_bind_int64(q, 6, t->cycle_secs);
	sqlite3_bind_int(q, 7, t->family);
	sqlite3_bind_int64(q, 8, t->chunk);
	sqlite3_bind_int64(q, 9, t->gone_secs);
	sqlite3_bind_int64(q, 10, (int64_t)t->secret);
	sqlite3_bind_int64(q, 11, t->created);
	sqlite3_bind_int64(q, 12, t->msm_id);
	if (sq_step_done(s, q, "team create", err, errlen) < 0)
		return -1;
	t->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* See store_team.h (list). The secret stays inside. */
static int sq_team_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, name, agents, prefixes, method, pps, cycle_secs,"
				  " family, chunk, gone_secs, created, stopped, msm_id,"
				  " (SELECT max(cycle) FROM team_cycles WHERE team_id = id) AS cycle"
				  " FROM teams ORDER BY id", err, errlen);
	return q ? sq_list(s, q, out, err, errlen) : -1;
}

/* Fill t from a row of the get query. */
static void row_team(sqlite3_stmt *q, struct store_team *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(q, 0);
	snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(q, 1));
	snprintf(t->agents, sizeof t->agents, "%s", (const char *)sqlite3_column_text(q, 2));
	t->prefixes = sqlite3_column_int64(q, 3);
	snprintf(t->method, sizeof t->method, "%s", (const char *)sqlite3_column_text(q, 4));
	t->pps = (uint32_t)sqlite3_column_int64(q, 5);
	t->cycle_secs = sqlite3_column_int64(q, 6);
	t->family = sqlite3_column_int(q, 7);
	t->chunk = (uint32_t)sqlite3_column_int64(q, 8);
	t->gone_secs = sqlite3_column_int64(q, 9);
	t->secret = (uint64_t)sqlite3_column_int64(q, 10);
	t->created = sqlite3_column_int64(q, 11);
	t->stopped = sqlite3_column_int64(q, 12);
	t->msm_id = sqlite3_column_int64(q, 13);
}

/* See store_team.h (get). */
static int sq_team_get(struct store *st, const char *name, int64_t id, struct store_team *t,
		       char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, name, agents, prefixes, method, pps, cycle_secs,"
				  " family, chunk, gone_secs, secret, created, stopped, msm_id FROM teams"
				  " WHERE (?1 IS NULL AND id = ?2) OR name = ?1", err, errlen);
	if (!q)
		return -1;
	if (name)
		sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		row_team(q, t);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(s, "team", err, errlen);
	return rc == SQLITE_ROW;
}

/* Run one update of a team's rows bound to (?1 team, ?2 value); changes or -1. */
static int team_update(struct store_sqlite *s, const char *sql, int64_t team_id, int64_t v,
		       char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, team_id);
	sqlite3_bind_int64(q, 2, v);
	return sq_step_done(s, q, "team", err, errlen);
}

/* See store_team.h (stop). */
static int sq_team_stop(struct store *st, int64_t team_id, int64_t now, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT team_stop", err, errlen) < 0)
		return -1;
	int n = team_update(s, "UPDATE teams SET stopped = ?2 WHERE id = ?1 AND stopped = 0",
			    team_id, now, err, errlen);
	if (n < 0 || team_update(s, "UPDATE team_cycles SET ended = ?2 WHERE team_id = ?1"
				 " AND ended = 0", team_id, now, err, errlen) < 0 ||
	    sq_exec(s, "RELEASE team_stop", err, errlen) < 0)
		return undo(s, "team_stop");
	return n > 0;
}

/* Insert the cycle's row unless it is there (ending the previous one): 1, 0 there, -1. */
static int insert_cycle(struct store_sqlite *s, const struct store_team_cycle *c, char *err,
			size_t errlen)
{
	if (team_update(s, "UPDATE team_cycles SET ended = ?2 WHERE team_id = ?1 AND ended = 0",
			c->team_id, c->started, err, errlen) < 0)
		return -1;
	sqlite3_stmt *q = sq_prep(s, "INSERT OR IGNORE INTO team_cycles(team_id, cycle, version,"
				  " seed, targets, started) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, c->team_id);
	sqlite3_bind_int64(q, 2, c->cycle);
	sqlite3_bind_int64(q, 3, c->version);
	sqlite3_bind_int64(q, 4, (int64_t)c->seed);
	sqlite3_bind_int64(q, 5, (int64_t)c->targets);
	sqlite3_bind_int64(q, 6, c->started);
	int n = sq_step_done(s, q, "team cycle", err, errlen);
	return n < 0 ? -1 : n > 0;
}

/* Insert the cycle's members; 0 or -1. */
static int insert_members(struct store_sqlite *s, const struct store_team_cycle *c,
			  const struct store_team_member *m, size_t k, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO team_members(team_id, cycle, agent_id, rate,"
				  " first, count) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	int rc = q ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < k; i++) {
		sqlite3_bind_int64(q, 1, c->team_id);
		sqlite3_bind_int64(q, 2, c->cycle);
		sqlite3_bind_int64(q, 3, m[i].agent_id);
		sqlite3_bind_int64(q, 4, m[i].rate);
		sqlite3_bind_int64(q, 5, (int64_t)m[i].first);
		sqlite3_bind_int64(q, 6, (int64_t)m[i].count);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = sq_fail(s, "team member", err, errlen);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return rc;
}

/* Insert the cycle's chunks; 0 or -1. */
static int insert_chunks(struct store_sqlite *s, const struct store_team_cycle *c,
			 const struct store_team_chunk *ch, size_t n, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO team_chunks(team_id, cycle, chunk, first,"
				  " count, owner) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	int rc = q ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(q, 1, c->team_id);
		sqlite3_bind_int64(q, 2, c->cycle);
		sqlite3_bind_int64(q, 3, ch[i].chunk);
		sqlite3_bind_int64(q, 4, (int64_t)ch[i].first);
		sqlite3_bind_int64(q, 5, ch[i].count);
		sqlite3_bind_int64(q, 6, ch[i].owner);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = sq_fail(s, "team chunk", err, errlen);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return rc;
}

/* See store_team.h (cycle_begin). */
static int sq_team_cycle_begin(struct store *st, const struct store_team_cycle *c,
			       const struct store_team_member *m, size_t k,
			       const struct store_team_chunk *ch, size_t n, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	if (sq_exec(s, "SAVEPOINT team_cycle", err, errlen) < 0)
		return -1;
	int opened = insert_cycle(s, c, err, errlen);
	if (opened == 0) {   /* there already: keep nothing of this draw */
		undo(s, "team_cycle");
		return 1;
	}
	if (opened < 0 || insert_members(s, c, m, k, err, errlen) < 0 ||
	    insert_chunks(s, c, ch, n, err, errlen) < 0 ||
	    sq_exec(s, "RELEASE team_cycle", err, errlen) < 0)
		return undo(s, "team_cycle");
	return 0;
}

/* See store_team.h (cycle_current). */
static int sq_team_cycle_current(struct store *st, int64_t team_id, struct store_team_cycle *c,
				 char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT cycle, version, seed, targets, started, ended"
				  " FROM team_cycles WHERE team_id = ? ORDER BY cycle DESC LIMIT 1",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, team_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*c = (struct store_team_cycle){ .team_id = team_id,
			.cycle = sqlite3_column_int64(q, 0), .version = sqlite3_column_int64(q, 1),
			.seed = (uint64_t)sqlite3_column_int64(q, 2),
			.targets = (uint64_t)sqlite3_column_int64(q, 3),
			.started = sqlite3_column_int64(q, 4), .ended = sqlite3_column_int64(q, 5) };
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(s, "team cycle", err, errlen);
	return rc == SQLITE_ROW;
}

/* Prepare sql and bind (?1 team, ?2 cycle); NULL with err. */
static sqlite3_stmt *cycle_stmt(struct store_sqlite *s, const char *sql, int64_t team_id,
				int64_t cycle, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (q) {
		sqlite3_bind_int64(q, 1, team_id);
		sqlite3_bind_int64(q, 2, cycle);
	}
	return q;
}

/* See store_team.h (cycle_end). */
static int sq_team_cycle_end(struct store *st, int64_t team_id, int64_t cycle, int64_t now,
			     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "UPDATE team_cycles SET ended = ?3 WHERE team_id = ?1"
				     " AND cycle = ?2 AND ended = 0", team_id, cycle, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, now);
	return sq_step_done(s, q, "team cycle end", err, errlen) < 0 ? -1 : 0;
}

/* See store_team.h (members). */
static int sq_team_members(struct store *st, int64_t team_id, int64_t cycle, json_t **out,
			   char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "SELECT agent_id, rate, first, count FROM team_members"
				     " WHERE team_id = ?1 AND cycle = ?2"
				     " UNION ALL SELECT DISTINCT holder, 0, 0, 0 FROM team_chunks"
				     " WHERE team_id = ?1 AND cycle = ?2 AND state = 1 AND holder"
				     " NOT IN (SELECT agent_id FROM team_members WHERE team_id = ?1"
				     " AND cycle = ?2) ORDER BY 3, 1", team_id, cycle, err, errlen);
	return q ? sq_list(s, q, out, err, errlen) : -1;
}

/* The chunk columns every chunk query selects, in row_chunk's order. */
#define CHUNK_COLS "chunk, first, count, owner, holder, state, repeat, handed, done"

/* Fill ch from a row selected with CHUNK_COLS. */
static void row_chunk(sqlite3_stmt *q, struct store_team_chunk *ch)
{
	*ch = (struct store_team_chunk){ .chunk = sqlite3_column_int64(q, 0),
		.first = (uint64_t)sqlite3_column_int64(q, 1),
		.count = (uint32_t)sqlite3_column_int64(q, 2), .owner = sqlite3_column_int64(q, 3),
		.holder = sqlite3_column_int64(q, 4), .state = sqlite3_column_int(q, 5),
		.repeat = sqlite3_column_int(q, 6), .handed = sqlite3_column_int64(q, 7),
		.done = sqlite3_column_int64(q, 8) };
}

/* Step q (one row of CHUNK_COLS or none) into ch and finalize: 1, 0, -1. */
static int one_chunk(struct store_sqlite *s, sqlite3_stmt *q, struct store_team_chunk *ch,
		     char *err, size_t errlen)
{
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		row_chunk(q, ch);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(s, "team chunk", err, errlen);
	return rc == SQLITE_ROW;
}

/*
 * Hand a joiner (an agent with no share in the cycle) a fresh chunk: the
 * last open chunk of the member with the most open chunks, so the owner
 * keeps working from the front of its share and the two meet in the middle.
 * The owner stays: were the owner to go, the chunk out to the joiner is not
 * its to give back. 1 and *ch, 0 when none is open, -1.
 */
static int take_from_busiest(struct store_sqlite *s, int64_t team_id, int64_t cycle,
			     int64_t agent_id, int64_t now, struct store_team_chunk *ch,
			     char *err, size_t errlen)
{
	sqlite3_stmt *q = cycle_stmt(s, "UPDATE team_chunks SET state = 1, holder = ?3,"
				     " handed = ?4 WHERE team_id = ?1 AND cycle = ?2 AND chunk ="
				     " (SELECT max(chunk) FROM team_chunks WHERE team_id = ?1 AND"
				     " cycle = ?2 AND state = 0 AND owner ="
				     "  (SELECT owner FROM team_chunks WHERE team_id = ?1 AND"
				     "   cycle = ?2 AND state = 0 AND owner <> 0 GROUP BY owner"
				     "   ORDER BY count(*) DESC, owner LIMIT 1))"
				     " AND NOT EXISTS (SELECT 1 FROM team_members WHERE team_id = ?1"
				     " AND cycle = ?2 AND agent_id = ?3) RETURNING " CHUNK_COLS,
				     team_id, cycle, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, agent_id);
	sqlite3_bind_int64(q, 4, now);
	return one_chunk(s, q, ch, err, errlen);
}

/*
 * See store_team.h (chunk_take): its own share first, then chunks handed
 * on, then (for a joiner only) a fresh chunk of the busiest member's share.
 */
static int sq_team_chunk_take(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
			      int64_t now, struct store_team_chunk *ch, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "UPDATE team_chunks SET state = 1, holder = ?3,"
				     " handed = ?4 WHERE team_id = ?1 AND cycle = ?2 AND chunk ="
				     " (SELECT chunk FROM team_chunks WHERE team_id = ?1 AND"
				     " cycle = ?2 AND state = 0 AND owner IN (?3, 0)"
				     " ORDER BY owner = 0, chunk LIMIT 1) RETURNING " CHUNK_COLS,
				     team_id, cycle, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, agent_id);
	sqlite3_bind_int64(q, 4, now);
	int rc = one_chunk(s, q, ch, err, errlen);
	return rc != 0 ? rc : take_from_busiest(s, team_id, cycle, agent_id, now, ch, err, errlen);
}

/* See store_team.h (chunk_get). */
static int sq_team_chunk_get(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
			     struct store_team_chunk *ch, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "SELECT " CHUNK_COLS " FROM team_chunks WHERE"
				     " team_id = ?1 AND cycle = ?2 AND chunk = ?3", team_id, cycle,
				     err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, chunk);
	return one_chunk(s, q, ch, err, errlen);
}

/* See store_team.h (chunk_done). */
static int sq_team_chunk_done(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
			      int64_t agent_id, int64_t now, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "UPDATE team_chunks SET state = 2, done = ?5"
				     " WHERE team_id = ?1 AND cycle = ?2 AND chunk = ?3"
				     " AND holder = ?4 AND state = 1", team_id, cycle, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, chunk);
	sqlite3_bind_int64(q, 4, agent_id);
	sqlite3_bind_int64(q, 5, now);
	int n = sq_step_done(s, q, "team chunk done", err, errlen);
	return n < 0 ? -1 : n > 0;
}

/* See store_team.h (chunks_release). */
static int sq_team_chunks_release(struct store *st, int64_t team_id, int64_t cycle,
				  int64_t agent_id, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "UPDATE team_chunks SET repeat = (repeat OR state = 1),"
				     " state = 0, owner = 0, holder = 0, handed = 0, handed_on = 1"
				     " WHERE team_id = ?1 AND cycle = ?2 AND state <> 2 AND"
				     " (holder = ?3 OR (owner = ?3 AND state = 0))",
				     team_id, cycle, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, agent_id);
	return sq_step_done(s, q, "team chunks release", err, errlen);
}

/* See store_team.h (progress). */
static int sq_team_progress(struct store *st, int64_t team_id, int64_t cycle, json_t **total,
			    json_t **members, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	json_t *t = NULL;
	sqlite3_stmt *q = cycle_stmt(s, "SELECT count(*) AS chunks, coalesce(sum(state = 2), 0)"
				     " AS done_chunks, coalesce(sum(count), 0) AS targets,"
				     " coalesce(sum(CASE WHEN state = 2 THEN count END), 0)"
				     " AS done_targets, coalesce(sum(handed_on), 0) AS reassigned"
				     " FROM team_chunks WHERE team_id = ?1 AND cycle = ?2",
				     team_id, cycle, err, errlen);
	if (!q || sq_list(s, q, &t, err, errlen) < 0)
		return -1;
	q = cycle_stmt(s, "SELECT m.agent_id, m.rate, m.count AS share,"
		       " (SELECT count(*) FROM team_chunks c WHERE c.team_id = ?1 AND c.cycle = ?2"
		       "  AND c.holder = m.agent_id AND c.state = 2) AS done_chunks,"
		       " (SELECT coalesce(sum(count), 0) FROM team_chunks c WHERE c.team_id = ?1"
		       "  AND c.cycle = ?2 AND c.holder = m.agent_id AND c.state = 2) AS done_targets,"
		       " (SELECT count(*) FROM team_chunks c WHERE c.team_id = ?1 AND c.cycle = ?2"
		       "  AND c.holder = m.agent_id AND c.state = 1) AS out_chunks,"
		       " (SELECT count(*) FROM team_chunks c WHERE c.team_id = ?1 AND c.cycle = ?2"
		       "  AND c.holder = m.agent_id AND c.repeat) AS repeats"
		       " FROM team_members m WHERE m.team_id = ?1 AND m.cycle = ?2 ORDER BY m.first",
		       team_id, cycle, err, errlen);
	if (!q || sq_list(s, q, members, err, errlen) < 0) {
		json_decref(t);
		return -1;
	}
	*total = json_incref(json_array_get(t, 0));
	json_decref(t);
	return 0;
}

/* See store_team.h (member_assign). */
static int sq_team_member_assign(struct store *st, int64_t msm_id, int64_t agent_id, char *err,
				 size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR IGNORE INTO msm_agents(msm_id, agent_id)"
				  " VALUES (?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	sqlite3_bind_int64(q, 2, agent_id);
	return sq_step_done(s, q, "team member", err, errlen) < 0 ? -1 : 0;
}

/* See store_team.h (chunks_out). */
static int sq_team_chunks_out(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
			      struct store_team_chunk *ch, size_t max, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "SELECT " CHUNK_COLS " FROM team_chunks WHERE"
				     " team_id = ?1 AND cycle = ?2 AND holder = ?3 AND state = 1"
				     " ORDER BY chunk", team_id, cycle, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, agent_id);
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < max)
		row_chunk(q, &ch[n++]);
	int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
	if (bad)
		sq_fail(s, "team chunks out", err, errlen);
	sqlite3_finalize(q);
	return bad ? -1 : (int)n;
}

/* See store_team.h (chunk_repeat). */
static int sq_team_chunk_repeat(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
				char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = cycle_stmt(s, "UPDATE team_chunks SET repeat = 1 WHERE team_id = ?1"
				     " AND cycle = ?2 AND chunk = ?3", team_id, cycle, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, chunk);
	return sq_step_done(s, q, "team chunk repeat", err, errlen) < 0 ? -1 : 0;
}

const struct store_team_ops sq_team_ops = {
	.create = sq_team_create,
	.list = sq_team_list,
	.get = sq_team_get,
	.stop = sq_team_stop,
	.cycle_begin = sq_team_cycle_begin,
	.cycle_current = sq_team_cycle_current,
	.cycle_end = sq_team_cycle_end,
	.members = sq_team_members,
	.chunk_take = sq_team_chunk_take,
	.chunk_get = sq_team_chunk_get,
	.chunk_done = sq_team_chunk_done,
	.chunks_release = sq_team_chunks_release,
	.progress = sq_team_progress,
	.member_assign = sq_team_member_assign,
	.chunks_out = sq_team_chunks_out,
	.chunk_repeat = sq_team_chunk_repeat,
	.results_page = sq_team_results_page,
};
