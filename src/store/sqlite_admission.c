/*
 * sqlite_admission: what admission keeps (store_admission.h) in the SQLite
 * store. Five tables beside the agents and accounts, none of which has to
 * be rebuilt: each agent's last decision, the anchors each account admitted
 * (never deleted: the per-year rule counts removed anchors too), the
 * check-host report of a registration, an account's own prefixes and ASes,
 * and the operator's location permissions.
 */
#include "store/sqlite_int.h"
#include "store/store_admission.h"

#include <stdio.h>
#include <string.h>

static const char admission_schema[] =
	"CREATE TABLE IF NOT EXISTS admission ("
	" agent_id INTEGER PRIMARY KEY, state TEXT NOT NULL, reason TEXT NOT NULL,"
	" address TEXT NOT NULL, prefix TEXT NOT NULL, asn INTEGER NOT NULL,"
	" decided INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS admission_by_address ON admission(address);"
	"CREATE INDEX IF NOT EXISTS admission_by_prefix ON admission(prefix);"
	"CREATE TABLE IF NOT EXISTS admission_anchors ("
	" agent_id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, admitted INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS admission_reports ("
	" agent_id INTEGER PRIMARY KEY, report TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS account_locations ("
	" id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, kind TEXT NOT NULL,"
	" prefix TEXT, asn INTEGER, note TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS account_locations_by_account"
	" ON account_locations(account_id);"
	"CREATE TABLE IF NOT EXISTS agent_geo ("
	" agent_id INTEGER PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL);";

/* See sqlite_int.h. */
int sq_admission_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	return sq_exec(s, admission_schema, err, errlen);
}

/* See store_admission.h (role). */
static int adm_role(struct store *st, int64_t agent_id, char *role, size_t len,
		    char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT role FROM agents WHERE id = ? AND removed = 0",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(role, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return sq_fail(s, "agent role", err, errlen);
}

/* See store_admission.h (put). */
static int adm_put(struct store *st, const struct store_admission *a, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO admission(agent_id, state, reason,"
				  " address, prefix, asn, decided) VALUES (?, ?, ?, ?, ?, ?, ?)",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, a->agent_id);
	sqlite3_bind_text(q, 2, a->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, a->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, a->prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, a->asn);
	sqlite3_bind_int64(q, 7, a->decided);
	return sq_step_done(s, q, "admission put", err, errlen) < 0 ? -1 : 0;
}

/* Copy column i of q (text) into out, bounded. */
static void col_text(sqlite3_stmt *q, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	snprintf(out, len, "%s", t ? (const char *)t : "");
}

/* See store_admission.h (get). */
static int adm_get(struct store *st, int64_t agent_id, struct store_admission *a,
		   char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT state, reason, address, prefix, asn, decided"
				  " FROM admission WHERE agent_id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memset(a, 0, sizeof *a);
		a->agent_id = agent_id;
		col_text(q, 0, a->state, sizeof a->state);
		col_text(q, 1, a->reason, sizeof a->reason);
		col_text(q, 2, a->address, sizeof a->address);
		col_text(q, 3, a->prefix, sizeof a->prefix);
		a->asn = sqlite3_column_int64(q, 4);
		a->decided = sqlite3_column_int64(q, 5);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return sq_fail(s, "admission get", err, errlen);
}

/* Step q (one integer column) into *n; finalizes q. */
static int one_int(struct store_sqlite *s, sqlite3_stmt *q, int64_t *n, const char *what,
		   char *err, size_t errlen)
{
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, what, err, errlen);
}

/* See store_admission.h (count). */
static int adm_count(struct store *st, const struct store_admission_count *c, int64_t *n,
		     char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT COUNT(*) FROM admission d"
		" JOIN agents g ON g.id = d.agent_id"
		" LEFT JOIN account_agents o ON o.agent_id = d.agent_id"
		" WHERE d.state = 'approved' AND g.approved = 1 AND g.removed = 0"
		" AND g.role = 'probe' AND d.agent_id != ?1"
		" AND (?2 IS NULL OR d.address = ?2) AND (?3 IS NULL OR d.prefix = ?3)"
		" AND (?4 = 0 OR o.account_id = ?4)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, c->except);
	if (c->address)
		sqlite3_bind_text(q, 2, c->address, -1, SQLITE_STATIC);
	if (c->prefix)
		sqlite3_bind_text(q, 3, c->prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, c->account);
	return one_int(s, q, n, "admission count", err, errlen);
}

/* See store_admission.h (anchor_admitted). */
static int adm_anchor_admitted(struct store *st, int64_t agent_id, int64_t account, int64_t now,
			       char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR IGNORE INTO admission_anchors(agent_id, account_id,"
				  " admitted) VALUES (?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_int64(q, 2, account);
	sqlite3_bind_int64(q, 3, now);
	return sq_step_done(s, q, "anchor admitted", err, errlen) < 0 ? -1 : 0;
}

/* See store_admission.h (anchors_since). */
static int adm_anchors_since(struct store *st, int64_t account, int64_t since, int64_t except,
			     int64_t *n, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT COUNT(*) FROM admission_anchors WHERE account_id = ?"
				  " AND admitted >= ? AND agent_id != ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_bind_int64(q, 3, except);
	return one_int(s, q, n, "anchors count", err, errlen);
}

/* See store_admission.h (report_put). */
static int adm_report_put(struct store *st, int64_t agent_id, const char *report,
			  char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO admission_reports(agent_id, report)"
				  " VALUES (?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_text(q, 2, report, -1, SQLITE_STATIC);
	return sq_step_done(s, q, "report put", err, errlen) < 0 ? -1 : 0;
}

/* See store_admission.h (report_get). */
static int adm_report_get(struct store *st, int64_t agent_id, json_t **out, char *err,
			  size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT report FROM admission_reports WHERE agent_id = ?",
				  err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sq_json_row(s, q, 0, out, "check-host report", agent_id, err, errlen);
	sqlite3_finalize(q);
	return rc;
}

/* Insert one account_locations row of kind. */
static int location_add(struct store *st, int64_t account, const char *kind, const char *prefix,
			int64_t asn, const char *note, int64_t now, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO account_locations(account_id, kind, prefix, asn,"
				  " note, created) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account);
	sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
	if (prefix)
		sqlite3_bind_text(q, 3, prefix, -1, SQLITE_STATIC);
	if (asn > 0)
		sqlite3_bind_int64(q, 4, asn);
	sqlite3_bind_text(q, 5, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, now);
	return sq_step_done(s, q, "location add", err, errlen) < 0 ? -1 : 0;
}

/* See store_admission.h (own_add). */
static int adm_own_add(struct store *st, int64_t account, const char *prefix, int64_t asn,
		       int64_t now, char *err, size_t errlen)
{
	return location_add(st, account, "own", prefix, asn, "", now, err, errlen);
}

/* See store_admission.h (permit). */
static int adm_permit(struct store *st, int64_t account, const char *prefix, int64_t asn,
		      const char *note, int64_t now, char *err, size_t errlen)
{
	return location_add(st, account, "permission", prefix, asn, note, now, err, errlen);
}

/* See store_admission.h (locations). */
static int adm_locations(struct store *st, int64_t account, json_t **out, char *err,
			 size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT kind, prefix, asn, note, created FROM account_locations"
				  " WHERE account_id = ? ORDER BY kind = 'permission', id", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, account);
	return sq_list(s, q, out, err, errlen);
}

/* See store_admission.h (locate). */
static int adm_locate(struct store *st, int64_t agent_id, double lat, double lon,
		      char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT OR REPLACE INTO agent_geo(agent_id, lat, lon)"
				  " VALUES (?, ?, ?)", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	sqlite3_bind_double(q, 2, lat);
	sqlite3_bind_double(q, 3, lon);
	return sq_step_done(s, q, "agent locate", err, errlen) < 0 ? -1 : 0;
}

/* See store_admission.h (location). */
static int adm_location(struct store *st, int64_t agent_id, double *lat, double *lon,
			char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT lat, lon FROM agent_geo WHERE agent_id = ?", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, agent_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*lat = sqlite3_column_double(q, 0);
		*lon = sqlite3_column_double(q, 1);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return sq_fail(s, "agent location", err, errlen);
}

const struct store_admission_ops sq_admission_ops = {
	.role = adm_role,
	.put = adm_put,
	.get = adm_get,
	.count = adm_count,
	.anchor_admitted = adm_anchor_admitted,
	.anchors_since = adm_anchors_since,
	.report_put = adm_report_put,
	.report_get = adm_report_get,
	.own_add = adm_own_add,
	.permit = adm_permit,
	.locations = adm_locations,
	.locate = adm_locate,
	.location = adm_location,
};
