/*
 * sqlite_int: the SQLite store's private state and the small helpers its
 * files share (sqlite.c opens and queries, sqlite_agents.c, sqlite_msm.c,
 * sqlite_results.c implement the operations).
 */
#ifndef VANTAGE_STORE_SQLITE_INT_H
#define VANTAGE_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"

struct store_sqlite {
	struct store base;
	sqlite3 *db;
	sqlite3_stmt *put_result;   /* kept prepared: the hot path */
	sqlite3_stmt *put_refused;  /* a refused result's (agent, seq) and reason */
	sqlite3_stmt *assigned;     /* was a measurement assigned to an agent? */
	sqlite3_stmt *same_body;    /* does a stored result hold this body? */
	sqlite3_stmt *put_charge;   /* a new result's charge (sqlite_credit.c) */
	int64_t timing_keep;        /* timing reports kept per agent (STORE_TIMING_KEEP) */
};

/* The SQLite store behind st. */
static inline struct store_sqlite *sq(struct store *st)
{
	return (struct store_sqlite *)st;
}

/* Bring an older database's tables up to the current schema (sqlite_migrate.c); 0 or -1. */
int sq_migrate(struct store_sqlite *s, char *err, size_t errlen);

/* Run sql (no results); returns 0 or -1 with err. */
int sq_exec(struct store_sqlite *s, const char *sql, char *err, size_t errlen);

/* Prepare sql; returns the statement or NULL with err. */
sqlite3_stmt *sq_prep(struct store_sqlite *s, const char *sql, char *err, size_t errlen);

/* Write SQLite's last error, prefixed with what, into err; returns -1. */
int sq_fail(struct store_sqlite *s, const char *what, char *err, size_t errlen);

/*
 * Step the prepared statement stmt through its rows, calling fn with each row
 * as a JSON object keyed by column name; finalizes stmt. Returns 0 or -1.
 */
int sq_each(struct store_sqlite *s, sqlite3_stmt *stmt, store_row_fn fn, void *arg,
	    char *err, size_t errlen);

/* Like sq_each, collecting the rows into a new array in *out. */
int sq_list(struct store_sqlite *s, sqlite3_stmt *stmt, json_t **out, char *err, size_t errlen);

/* Like sq_list, collecting only each row's "id" column into a new array in *ids. */
int sq_list_ids(struct store_sqlite *s, sqlite3_stmt *stmt, json_t **ids, char *err,
		size_t errlen);

/* Step a statement that returns no rows and finalize it; returns changes or -1. */
int sq_step_done(struct store_sqlite *s, sqlite3_stmt *stmt, const char *what,
		 char *err, size_t errlen);

/*
 * Step stmt to its one row, if any, and parse its column col (TEXT) as JSON
 * into *out: 1 (a row), 0 (none; *out NULL), or -1 with err (the step
 * failed, or "agent AGENT_ID: stored WHAT is not JSON"). Does not finalize:
 * the caller reads any other column, then finalizes stmt.
 */
int sq_json_row(struct store_sqlite *s, sqlite3_stmt *stmt, int col, json_t **out,
		const char *what, int64_t agent_id, char *err, size_t errlen);

/* Bind an agent key (numeric id or fingerprint) as parameters 1 (id) and 2 (fp). */
void sq_bind_agent_key(sqlite3_stmt *stmt, const char *key);

int sq_agent_add(struct store *st, struct store_agent *a, char *err, size_t errlen);
int sq_agent_approve(struct store *st, const char *key, int approved, char *err, size_t errlen);
int sq_agent_remove(struct store *st, const char *key, char *err, size_t errlen);
int sq_agent_list(struct store *st, json_t **out, char *err, size_t errlen);
int sq_agent_by_fp(struct store *st, const char *fp, struct store_agent *a, char *err, size_t errlen);
int sq_agent_status(struct store *st, int64_t agent_id, const char *status, int64_t now,
		    char *err, size_t errlen);
int sq_session_open(struct store *st, int64_t agent_id, int64_t now, const char *peer,
		    int64_t *sid, char *err, size_t errlen);
int sq_session_close(struct store *st, int64_t sid, int64_t now, const char *reason,
		     char *err, size_t errlen);
int sq_session_list(struct store *st, int64_t agent_id, json_t **out, char *err, size_t errlen);
int sq_msm_create(struct store *st, struct store_msm *m, const int64_t *agents, size_t n,
		  char *err, size_t errlen);
int sq_msm_list(struct store *st, json_t **out, char *err, size_t errlen);
int sq_msm_stop(struct store *st, int64_t id, int64_t now, char *err, size_t errlen);
int sq_msm_for_agent(struct store *st, int64_t agent_id, store_row_fn fn, void *arg,
		     char *err, size_t errlen);
int sq_msm_refused(struct store *st, int64_t msm_id, int64_t agent_id, const char *reason,
		   char *err, size_t errlen);
int sq_msm_assigned(struct store *st, int64_t msm_id, int64_t agent_id, char *err, size_t errlen);
int64_t sq_results_refused(struct store *st, int64_t agent_id);
int sq_results_put(struct store *st, struct store_result *r, size_t n, char *err, size_t errlen);
int sq_result_max_seq(struct store *st, int64_t agent_id, int64_t epoch, int64_t *seq,
		      char *err, size_t errlen);
int sq_agent_rewound(struct store *st, int64_t agent_id, const char *why, int64_t now,
		     char *err, size_t errlen);
int sq_results_each(struct store *st, int64_t msm_id, store_row_fn fn, void *arg,
		    char *err, size_t errlen);
int64_t sq_results_count(struct store *st);

/* Timing telemetry history (sqlite_timing.c). */
int sq_timing_put(struct store *st, int64_t agent_id, int64_t when, unsigned flags,
		  const char *report, char *err, size_t errlen);
int sq_timing_list(struct store *st, int64_t agent_id, int64_t since, json_t **out,
		   char *err, size_t errlen);

/* The remote half of check-host (sqlite_reach.c). */
int sq_reach_put(struct store *st, const struct store_reach *r, char *err, size_t errlen);
int sq_reach_get(struct store *st, int64_t agent_id, struct store_reach *r, char *err,
		 size_t errlen);
int sq_agent_address(struct store *st, int64_t agent_id, int af, char *out, size_t len,
		     char *err, size_t errlen);

/* The "timestamp" of the result JSON text x as an integer, 0 if none. */
#define SQ_RESULT_TS(x) \
	"(CASE WHEN json_valid(" x ") THEN coalesce(CAST(json_extract(" x \
	", '$.timestamp') AS INTEGER), 0) ELSE 0 END)"

/* A result body's team cycle: its top-level integer "cycle", NULL when it names none
   (only a body that holds "cycle" is parsed). */
#define SQ_RESULT_CYCLE(x) \
	"(CASE WHEN instr(" x ", '\"cycle\"') = 0 THEN NULL WHEN NOT json_valid(" x ")" \
	" THEN NULL WHEN json_type(" x ", '$.cycle') = 'integer' THEN json_extract(" x \
	", '$.cycle') END)"

/* The results' ts column (filled for older stores) and the indexes the API
   reads by (sqlite_index.c). */
int sq_index_schema(struct store_sqlite *s, char *err, size_t errlen);

/* The REST API's operations and schema (sqlite_api.c). */
struct store_api_ops;
extern const struct store_api_ops sq_api_ops;
int sq_api_schema(struct store_sqlite *s, char *err, size_t errlen);

/* The platform no-probe list (sqlite_noprobe.c). */
extern const struct store_noprobe_ops sq_noprobe_ops;
int sq_noprobe_schema(struct store_sqlite *s, char *err, size_t errlen);

/* Versioned prefix tables (sqlite_prefixes.c). */
struct store_prefix_ops;
extern const struct store_prefix_ops sq_prefix_ops;
int sq_prefixes_schema(struct store_sqlite *s, char *err, size_t errlen);

/* Teams, cycles and chunks (sqlite_team.c). */
struct store_team_ops;
extern const struct store_team_ops sq_team_ops;

struct store_result_key;
/* store_team_ops.results_page (sqlite_team_results.c). */
int sq_team_results_page(struct store *st, int64_t msm_id, int64_t cycle,
			 const struct store_result_key *after, size_t limit, store_row_fn fn,
			 void *arg, char *err, size_t errlen);
int sq_team_schema(struct store_sqlite *s, char *err, size_t errlen);
/* The results' cycle column (added and filled for an older store) and its index
   (sqlite_team_results.c); run by sq_team_schema. */
int sq_team_results_schema(struct store_sqlite *s, char *err, size_t errlen);
/* Accounts and who owns each agent and key (sqlite_account.c); the schema
   also moves agents and keys from before accounts into the default account. */
struct store_account_ops;
extern const struct store_account_ops sq_account_ops;
int sq_account_schema(struct store_sqlite *s, char *err, size_t errlen);

/* Connection facts for agent states, stale sessions closed (sqlite_uptime.c). */
struct store_uptime_ops;
extern const struct store_uptime_ops sq_uptime_ops;
/* A measurement's tags (sqlite_msm_tags.c). */
extern const struct store_msm_tags_ops sq_msm_tags_ops;
/* Participation requests and their table (sqlite_msm_requests.c). */
struct store_msm_requests_ops;
extern const struct store_msm_requests_ops sq_msm_requests_ops;
int sq_msm_requests_schema(struct store_sqlite *s, char *err, size_t errlen);
struct store_key_grants_ops;
extern const struct store_key_grants_ops sq_key_grants_ops;
int sq_key_grants_schema(struct store_sqlite *s, char *err, size_t errlen);

/* The credits ledger (sqlite_credit.c): its schema and kept statement, and the
   charge of one newly stored result (r->charge_account set), in the caller's savepoint. */
struct store_credit_ops;
extern const struct store_credit_ops sq_credit_ops;
int sq_credit_schema(struct store_sqlite *s, char *err, size_t errlen);
int sq_credit_charge(struct store_sqlite *s, const struct store_result *r);

/* Insert m and assign it to the n agents, inside the caller's transaction (sets m->id). */
int sq_msm_insert_assign(struct store_sqlite *s, struct store_msm *m, const int64_t *agents,
			 size_t n, char *err, size_t errlen);

/* What admission keeps (sqlite_admission.c). */
struct store_admission_ops;
extern const struct store_admission_ops sq_admission_ops;
int sq_admission_schema(struct store_sqlite *s, char *err, size_t errlen);
/* Agents' check-host reports (sqlite_hostreport.c). */
struct store_hostreport_ops;
extern const struct store_hostreport_ops sq_hostreport_ops;
int sq_hostreport_schema(struct store_sqlite *s, char *err, size_t errlen);

/* Bind ids (n of them) as a JSON array text at index i, or NULL when ids is NULL
   (sqlite_api.c). */
void sq_bind_ids(sqlite3_stmt *q, int i, const int64_t *ids, size_t n);

/* The anchoring mesh's marks (sqlite_mesh.c). */
struct store_mesh_ops;
extern const struct store_mesh_ops sq_mesh_ops;
int sq_mesh_schema(struct store_sqlite *s, char *err, size_t errlen);

#endif
