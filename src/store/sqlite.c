/*
 * sqlite: open the SQLite store (WAL, full fsync on commit so an ack always
 * follows a durable commit), create its schema, and the query helpers the
 * other sqlite_*.c files share.
 */
#include "store/sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;"
	"CREATE TABLE IF NOT EXISTS agents ("
	" id INTEGER PRIMARY KEY, fp TEXT UNIQUE NOT NULL, org TEXT NOT NULL,"
	" role TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '', approved INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0, status TEXT, last_seen INTEGER, rewound TEXT);"
	/* AUTOINCREMENT: an id once given is never given again (sqlite_migrate.c). */
	"CREATE TABLE IF NOT EXISTS measurements ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT, def TEXT NOT NULL, start INTEGER, stop INTEGER,"
	" interval INTEGER, spread INTEGER, stopped INTEGER);"
	"CREATE TABLE IF NOT EXISTS msm_agents ("
	" msm_id INTEGER NOT NULL REFERENCES measurements(id),"
	" agent_id INTEGER NOT NULL REFERENCES agents(id),"
	" refused TEXT, PRIMARY KEY (msm_id, agent_id));"
	/* Rows are appended in arrival order (a rowid table: each commit writes
	   few pages); the unique key on (agent_id, epoch, seq) makes ingest exactly
	   once. An agent's epoch changes when it is found rewound (issue 11). */
	"CREATE TABLE IF NOT EXISTS results ("
	" id INTEGER PRIMARY KEY, agent_id INTEGER NOT NULL, epoch INTEGER NOT NULL DEFAULT 0,"
	" seq INTEGER NOT NULL, msm_id INTEGER NOT NULL, body TEXT NOT NULL,"
	" UNIQUE (agent_id, epoch, seq));"
	/* Results an agent sent that were refused (e.g. of a measurement it was
	   never given): kept by (agent, epoch, seq) so they are acked, and counted. */
	"CREATE TABLE IF NOT EXISTS results_refused ("
	" agent_id INTEGER NOT NULL, epoch INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL,"
	" msm_id INTEGER NOT NULL, reason TEXT NOT NULL, time INTEGER NOT NULL,"
	" PRIMARY KEY (agent_id, epoch, seq));"
	"CREATE TABLE IF NOT EXISTS sessions ("
	" id INTEGER PRIMARY KEY, agent_id INTEGER NOT NULL, connected INTEGER NOT NULL,"
	" disconnected INTEGER, peer TEXT, reason TEXT);"
	/* Each agent's timing telemetry (sqlite_timing.c). */
	"CREATE TABLE IF NOT EXISTS agent_timing ("
	" agent_id INTEGER NOT NULL, time INTEGER NOT NULL, flags INTEGER NOT NULL,"
	" report TEXT NOT NULL, PRIMARY KEY (agent_id, time));"
	/* Each agent's remote check (sqlite_reach.c). */
	"CREATE TABLE IF NOT EXISTS agent_reach ("
	" agent_id INTEGER PRIMARY KEY, prober INTEGER NOT NULL, address TEXT NOT NULL,"
	" created INTEGER NOT NULL, msm_ping INTEGER, msm_trace INTEGER,"
	" msm_tcp INTEGER, msm_udp INTEGER);";

static const struct store_ops sqlite_ops;

/* See sqlite_int.h. */
int sq_fail(struct store_sqlite *s, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "store: %s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/* See sqlite_int.h. */
int sq_exec(struct store_sqlite *s, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "store: %s", msg ? msg : "error");
	sqlite3_free(msg);
	return -1;
}

/* See sqlite_int.h. */
sqlite3_stmt *sq_prep(struct store_sqlite *s, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		sq_fail(s, "prepare", err, errlen);
		return NULL;
	}
	return stmt;
}

/* The current row of stmt as a JSON object keyed by column name. */
static json_t *row_json(sqlite3_stmt *stmt)
{
	json_t *o = json_object();
	for (int i = 0; i < sqlite3_column_count(stmt); i++) {
		json_t *v;
		switch (sqlite3_column_type(stmt, i)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(stmt, i)); break;
		case SQLITE_NULL: v = json_null(); break;
		default: v = json_string((const char *)sqlite3_column_text(stmt, i)); break;
		}
		json_object_set_new(o, sqlite3_column_name(stmt, i), v ? v : json_null());
	}
	return o;
}

/* See sqlite_int.h. */
int sq_each(struct store_sqlite *s, sqlite3_stmt *stmt, store_row_fn fn, void *arg,
	    char *err, size_t errlen)
{
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *row = row_json(stmt);
		int stop = fn(arg, row);
		json_decref(row);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "query", err, errlen);
}

/* Append row to the array arg. */
static int collect(void *arg, json_t *row)
{
	json_array_append(arg, row);
	return 0;
}

/* See sqlite_int.h. */
int sq_list(struct store_sqlite *s, sqlite3_stmt *stmt, json_t **out, char *err, size_t errlen)
{
	*out = json_array();
	if (sq_each(s, stmt, collect, *out, err, errlen) == 0)
		return 0;
	json_decref(*out);
	*out = NULL;
	return -1;
}

static int collect_id(void *arg, json_t *row)
{
	json_array_append(arg, json_object_get(row, "id"));
	return 0;
}

/* See sqlite_int.h. */
int sq_list_ids(struct store_sqlite *s, sqlite3_stmt *stmt, json_t **ids, char *err,
		size_t errlen)
{
	*ids = json_array();
	if (sq_each(s, stmt, collect_id, *ids, err, errlen) == 0)
		return 0;
	json_decref(*ids);
	*ids = NULL;
	return -1;
}

/* See sqlite_int.h. */
int sq_step_done(struct store_sqlite *s, sqlite3_stmt *stmt, const char *what,
		 char *err, size_t errlen)
{
	int rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sq_fail(s, what, err, errlen);
	return sqlite3_changes(s->db);
}

/* See sqlite_int.h. */
int sq_json_row(struct store_sqlite *s, sqlite3_stmt *stmt, int col, json_t **out,
		const char *what, int64_t agent_id, char *err, size_t errlen)
{
	int rc = sqlite3_step(stmt);
	*out = NULL;
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(s, what, err, errlen);
	*out = json_loads((const char *)sqlite3_column_text(stmt, col), 0, NULL);
	if (!*out) {
		snprintf(err, errlen, "agent %lld: stored %s is not JSON", (long long)agent_id,
			 what);
		return -1;
	}
	return 1;
}

/* See sqlite_int.h. */
void sq_bind_agent_key(sqlite3_stmt *stmt, const char *key)
{
	char *end;
	long long id = strtoll(key, &end, 10);
	sqlite3_bind_int64(stmt, 1, *key && !*end ? id : -1);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_TRANSIENT);
}

/* See store.h (txn). */
static int sq_txn(struct store *st, const char *what, char *err, size_t errlen)
{
	const char *sql = strcmp(what, "begin") == 0 ? "BEGIN" :
		strcmp(what, "commit") == 0 ? "COMMIT" : "ROLLBACK";
	return sq_exec(sq(st), sql, err, errlen);
}

/* Close the store and free it. */
static void sq_close(struct store *st)
{
	struct store_sqlite *s = sq(st);
	sqlite3_finalize(s->put_result);
	sqlite3_finalize(s->put_refused);
	sqlite3_finalize(s->assigned);
	sqlite3_finalize(s->same_body);
	sqlite3_finalize(s->put_charge);
	sqlite3_close(s->db);
	free(s);
}

/* See store.h. */
struct store *store_sqlite_open(const char *path, char *err, size_t errlen)
{
	struct store_sqlite *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	s->base.ops = &sqlite_ops;
	s->timing_keep = STORE_TIMING_KEEP;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		sq_close(&s->base);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 5000);
	char why[256];
	if (sq_exec(s, schema, why, sizeof why) < 0 || sq_migrate(s, why, sizeof why) < 0 ||
	    sq_index_schema(s, why, sizeof why) < 0 || sq_api_schema(s, why, sizeof why) < 0 ||
	    sq_noprobe_schema(s, why, sizeof why) < 0 ||
	    sq_prefixes_schema(s, why, sizeof why) < 0 || sq_team_schema(s, why, sizeof why) < 0 ||
	    sq_account_schema(s, why, sizeof why) < 0 || sq_credit_schema(s, why, sizeof why) < 0 ||
	    sq_msm_requests_schema(s, why, sizeof why) < 0 ||
	    sq_key_grants_schema(s, why, sizeof why) < 0 ||
	    sq_admission_schema(s, why, sizeof why) < 0 || sq_mesh_schema(s, why, sizeof why) < 0 ||
	    sq_hostreport_schema(s, why, sizeof why) < 0 ||
	    !(s->put_result = sq_prep(s, "INSERT OR IGNORE INTO results(agent_id, seq, msm_id, body,"
				      " epoch, ts, cycle) VALUES (?1, ?2, ?3, ?4, ?5, " SQ_RESULT_TS("?4")
				      ", " SQ_RESULT_CYCLE("?4") ")",
				      why, sizeof why)) ||
	    !(s->same_body = sq_prep(s, "SELECT body = ?4 FROM results WHERE agent_id = ?1"
				     " AND epoch = ?2 AND seq = ?3", why, sizeof why)) ||
	    !(s->put_refused = sq_prep(s, "INSERT OR IGNORE INTO results_refused(agent_id, seq,"
				       " msm_id, reason, time, epoch) VALUES (?, ?, ?, ?, unixepoch(), ?)",
				       why, sizeof why)) ||
	    !(s->assigned = sq_prep(s, "SELECT 1 FROM msm_agents WHERE msm_id = ? AND agent_id = ?",
				    why, sizeof why))) {
		snprintf(err, errlen, "%s: %s", path, why);
		sq_close(&s->base);
		return NULL;
	}
	return &s->base;
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.agent_add = sq_agent_add,
	.agent_approve = sq_agent_approve,
	.agent_remove = sq_agent_remove,
	.agent_list = sq_agent_list,
	.agent_by_fp = sq_agent_by_fp,
	.agent_status = sq_agent_status,
	.msm_create = sq_msm_create,
	.msm_list = sq_msm_list,
	.msm_stop = sq_msm_stop,
	.msm_for_agent = sq_msm_for_agent,
	.msm_refused = sq_msm_refused,
	.msm_assigned = sq_msm_assigned,
	.results_refused = sq_results_refused,
	.results_put = sq_results_put,
	.agent_rewound = sq_agent_rewound,
	.result_max_seq = sq_result_max_seq,
	.results_each = sq_results_each,
	.results_count = sq_results_count,
	.session_open = sq_session_open,
	.session_close = sq_session_close,
	.session_list = sq_session_list,
	.timing_put = sq_timing_put,
	.timing_list = sq_timing_list,
	.reach_put = sq_reach_put,
	.reach_get = sq_reach_get,
	.agent_address = sq_agent_address,
	.txn = sq_txn,
	.api = &sq_api_ops,
	.noprobe = &sq_noprobe_ops,
	.prefixes = &sq_prefix_ops,
	.team = &sq_team_ops,
	.account = &sq_account_ops,
	.uptime = &sq_uptime_ops,
	.admission = &sq_admission_ops,
	.hostreport = &sq_hostreport_ops,
	.msm_tags = &sq_msm_tags_ops,
	.msm_requests = &sq_msm_requests_ops,
	.key_grants = &sq_key_grants_ops,
	.credit = &sq_credit_ops,
	.mesh = &sq_mesh_ops,
};
