/*
 * sqlite_mesh: the anchoring mesh's marks (store_mesh.h) in the SQLite
 * store: one table, mesh_msms, naming each mesh measurement's anchor,
 * family and type; the measurement and its participants are the ordinary
 * measurements and msm_agents rows.
 */
#include "store/sqlite_int.h"
#include "store/store_mesh.h"

static const char mesh_schema[] =
	"CREATE TABLE IF NOT EXISTS mesh_msms ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT, msm_id INTEGER NOT NULL UNIQUE,"
	" target_agent INTEGER NOT NULL, af INTEGER NOT NULL, type TEXT NOT NULL,"
	" created INTEGER NOT NULL);";

/* See sqlite_int.h. */
int sq_mesh_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, mesh_schema, err, errlen);
}

/* See store_mesh.h (mark). */
static int mesh_mark(struct store *st, int64_t msm_id, int64_t target, int af, const char *type,
		     int64_t now, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO mesh_msms(msm_id, target_agent, af, type, created)"
				  " VALUES (?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	sqlite3_bind_int64(q, 2, target);
	sqlite3_bind_int(q, 3, af);
	sqlite3_bind_text(q, 4, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 5, now);
	return sq_step_done(s, q, "mesh mark", err, errlen) < 0 ? -1 : 0;
}

/* See store_mesh.h (running). */
static int mesh_running(struct store *st, json_t **rows, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"SELECT m.msm_id AS id, m.target_agent AS target, m.af, m.type,"
		" json_extract(ms.def, '$.target') AS address,"
		" (SELECT json_group_array(agent_id) FROM msm_agents"
		"  WHERE msm_id = m.msm_id AND refused IS NULL) AS sources"
		" FROM mesh_msms m JOIN measurements ms ON ms.id = m.msm_id"
		" WHERE ms.stopped IS NULL ORDER BY m.id", err, errlen);
	return q ? sq_list(s, q, rows, err, errlen) : -1;
}

/* See store_mesh.h (agents). The sessions are summed as sqlite_uptime.c's facts. */
static int mesh_agents(struct store *st, json_t **rows, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"SELECT a.id, a.role, t.address_v4, t.address_v6, d.address AS adm_address,"
		" d.prefix AS adm_prefix, d.asn AS adm_asn,"
		" coalesce(u.first_connected, 0) AS first_connected,"
		" coalesce(u.last_connected, 0) AS last_connected,"
		" coalesce(u.last_disconnected, 0) AS last_disconnected,"
		" coalesce(u.open_sessions, 0) AS open_sessions,"
		" coalesce(u.closed_seconds, 0) AS closed_seconds"
		" FROM agents a LEFT JOIN agent_attrs t ON t.agent_id = a.id"
		" LEFT JOIN admission d ON d.agent_id = a.id"
		" LEFT JOIN (SELECT agent_id, MIN(connected) AS first_connected,"
		"  MAX(connected) AS last_connected, MAX(disconnected) AS last_disconnected,"
		"  COUNT(*) - COUNT(disconnected) AS open_sessions,"
		"  SUM(disconnected - connected) AS closed_seconds"
		"  FROM sessions GROUP BY agent_id) u ON u.agent_id = a.id"
		" WHERE a.removed = 0 AND a.approved != 0 ORDER BY a.id", err, errlen);
	return q ? sq_list(s, q, rows, err, errlen) : -1;
}

/* See store_mesh.h (join). */
static int mesh_join(struct store *st, int64_t msm_id, const int64_t *agents, size_t n,
		     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"INSERT INTO msm_agents(msm_id, agent_id) SELECT ?1, value FROM json_each(?2)"
		" WHERE true ON CONFLICT (msm_id, agent_id) DO UPDATE SET refused = NULL"
		" WHERE refused = '" STORE_MESH_LEFT "'", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	sq_bind_ids(q, 2, agents, n);
	return sq_step_done(s, q, "mesh join", err, errlen);
}

/* See store_mesh.h (leave). */
static int mesh_leave(struct store *st, int64_t msm_id, const int64_t *agents, size_t n,
		      char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s,
		"UPDATE msm_agents SET refused = '" STORE_MESH_LEFT "' WHERE msm_id = ?1"
		" AND refused IS NULL AND agent_id IN (SELECT value FROM json_each(?2))", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, msm_id);
	sq_bind_ids(q, 2, agents, n);
	return sq_step_done(s, q, "mesh leave", err, errlen);
}

/* See store_mesh.h (page). */
static int mesh_page(struct store *st, int64_t id, int64_t offset, int limit, json_t **rows,
		     int64_t *count, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT COUNT(*) FROM mesh_msms m JOIN measurements ms"
				  " ON ms.id = m.msm_id WHERE ms.stopped IS NULL AND ?1 IN (0, m.id)",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return sq_fail(s, "mesh count", err, errlen);
	q = sq_prep(s, "SELECT m.id, m.msm_id, m.target_agent AS target, m.af, m.type"
		    " FROM mesh_msms m JOIN measurements ms ON ms.id = m.msm_id"
		    " WHERE ms.stopped IS NULL AND ?3 IN (0, m.id) ORDER BY m.id LIMIT ?1 OFFSET ?2",
		    err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 3, id);
	sqlite3_bind_int(q, 1, limit);
	sqlite3_bind_int64(q, 2, offset);
	return sq_list(s, q, rows, err, errlen);
}

const struct store_mesh_ops sq_mesh_ops = {
	.mark = mesh_mark,
	.running = mesh_running,
	.agents = mesh_agents,
	.join = mesh_join,
	.leave = mesh_leave,
	.page = mesh_page,
};
