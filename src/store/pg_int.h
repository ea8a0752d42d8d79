/*
 * pg_int: the PostgreSQL store's private state and the helpers its files
 * share (pg.c opens, defines the schema and runs queries; pg_agents.c,
 * pg_msm.c, pg_results.c, pg_partition.c, pg_api.c, pg_timing.c,
 * pg_reach.c and pg_noprobe.c implement the operations of store.h,
 * store_api.h and store_noprobe.h). Queries go through libpq with text
 * parameters, one blocking round trip each, as SQLite's calls block.
 */
#ifndef VANTAGE_STORE_PG_INT_H
#define VANTAGE_STORE_PG_INT_H

#include <libpq-fe.h>

#include "store/store.h"
#include "store/store_frontend.h"

/*
 * The version of the schema the code makes (pg.c's schema and every
 * pg_*_schema): bump it with any change to one of them, or a database made
 * by an older build will not get the change. A store open runs the schema's
 * statements only when the database records an older version
 * (vantage_schema), so opening an up-to-date database locks no table.
 */
#define PG_SCHEMA_VERSION 1

/* A digest of the schema's text, which test_store_pg pins beside
   PG_SCHEMA_VERSION: a schema changed without a new version fails it. */
uint64_t pg_schema_digest(void);

/*
 * Schema statements an upgrade runs, which must take no lock on a table that
 * is there already (an upgrade may run beside older front-ends at work). CREATE INDEX (even IF NOT EXISTS) takes a
 * SHARE lock on its table before it looks for the index: it waits for every
 * writer's transaction and blocks writers meanwhile. ALTER TABLE ... ADD
 * COLUMN IF NOT EXISTS locks the table whole. So the catalog is asked first
 * (to_regclass and pg_attribute take no lock) and the statement runs only
 * when what it makes is missing; the open's advisory lock keeps two openers
 * from both finding it missing.
 */
#define PG_CREATE_INDEX(name, on) \
	"DO $$ BEGIN IF to_regclass('" name "') IS NULL THEN" \
	" CREATE INDEX IF NOT EXISTS " name " ON " on "; END IF; END $$;"
#define PG_ADD_COLUMN(table, column, type) \
	"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '" table \
	"'::regclass AND attname = '" column "' AND NOT attisdropped) THEN" \
	" ALTER TABLE " table " ADD COLUMN IF NOT EXISTS " column " " type "; END IF; END $$;"

/* Days whose result partition this connection knows exists (a small cache). */
#define PG_DAYS_KNOWN 8

struct store_pg {
	struct store base;
	PGconn *conn;
	char *conninfo;             /* to open ddl */
	PGconn *ddl;                /* makes partitions beside conn's transaction (pg_partition.c) */
	PGconn *listen;             /* LISTENs for measurement changes, or NULL (pg_changes.c) */
	int64_t timing_keep;        /* timing reports kept per agent (STORE_TIMING_KEEP) */
	int in_txn;                 /* between txn("begin") and its commit or rollback */
	int txn_lost;               /* the connection was reset inside that transaction */
	int64_t days[PG_DAYS_KNOWN];   /* see PG_DAYS_KNOWN; -1 = empty slot */
	unsigned days_next;
};

/* The PostgreSQL store behind st. */
static inline struct store_pg *pg(struct store *st)
{
	return (struct store_pg *)st;
}

/*
 * Connect with conninfo (a URI or "key=value" string); a server that does not
 * answer is given up after 5 s unless conninfo says connect_timeout itself,
 * so a dead database never holds the controller's loop for long.
 */
PGconn *pg_connect(const char *conninfo);

/* Text parameters of one query, built in place (values are copied). */
#define PG_MAX_ARGS 32
struct pg_args {
	int n;
	const char *v[PG_MAX_ARGS];
	char buf[PG_MAX_ARGS][24];
};

void pg_arg_int(struct pg_args *a, int64_t x);
/* NULL binds SQL NULL; the text must outlive the query. */
void pg_arg_text(struct pg_args *a, const char *text);
/* n ids as a PostgreSQL array literal ("{1,2}") in *owned (free it), or NULL for no ids. */
void pg_arg_ids(struct pg_args *a, const int64_t *ids, size_t n, char **owned);

/*
 * Run sql with the arguments a (NULL: none). Returns the result (PQclear
 * it) when the command succeeded, else NULL with err ("store: what: ...").
 * A connection found broken is reset for the next call.
 */
PGresult *pg_query(struct store_pg *s, const char *what, const char *sql,
		   const struct pg_args *a, char *err, size_t errlen);

/* pg_query for a command without rows: the rows it changed, or -1. */
int64_t pg_cmd(struct store_pg *s, const char *what, const char *sql, const struct pg_args *a,
	       char *err, size_t errlen);

/* Run one or more statements without arguments; 0 or -1. */
int pg_exec(struct store_pg *s, const char *sql, char *err, size_t errlen);

/* Each row of res as a JSON object keyed by column name (integers as integers); 0 or non-zero if fn stopped. Clears res. */
int pg_each_row(PGresult *res, store_row_fn fn, void *arg);

/* Query, then pg_each_row; 0 or -1. */
int pg_each(struct store_pg *s, const char *what, const char *sql, const struct pg_args *a,
	    store_row_fn fn, void *arg, char *err, size_t errlen);

/* Query, collecting the rows into a new array in *out; 0 or -1. */
int pg_list(struct store_pg *s, const char *what, const char *sql, const struct pg_args *a,
	    json_t **out, char *err, size_t errlen);

/* Query for at most one row: fill(res, arg) reads row 0 when there is one; 1, 0 if no row, -1. */
int pg_row(struct store_pg *s, const char *what, const char *sql, const struct pg_args *a,
	   void (*fill)(const PGresult *res, void *arg), void *arg, char *err, size_t errlen);

/* Query for one bigint (first row, first column) into *v: 1, 0 if no row, -1. */
int pg_scalar(struct store_pg *s, const char *what, const char *sql, const struct pg_args *a,
	     int64_t *v, char *err, size_t errlen);

/*
 * Bind ncol columns of n integers each (col[j][0..n-1]) as arrays after a's
 * arguments and run sql, an INSERT ... SELECT ... FROM unnest($k::bigint[], ...)
 * storing n rows in one statement: the rows it changed, or -1 with err.
 */
int64_t pg_cmd_columns(struct store_pg *s, const char *what, const char *sql, struct pg_args *a,
		       int64_t *const *col, int ncol, size_t n, char *err, size_t errlen);

/*
 * The n rows row(arg, i) makes (i from 0), as the text of one JSON array
 * (free it), for a statement that reads a batch from one parameter
 * (json_to_recordset, json_array_elements): one round trip for n rows.
 * NULL with err ("store: WHAT: out of memory for N rows") when out of memory.
 */
char *pg_json_text(size_t n, json_t *(*row)(const void *arg, size_t i), const void *arg,
		   const char *what, char *err, size_t errlen);

/* Column i of row r as an integer (0 when NULL). */
int64_t pg_get_int(const PGresult *res, int r, int i);

/*
 * A unit of work that commits as a whole: BEGIN when no transaction is
 * open, else a savepoint of the caller's transaction (the controller's
 * group commit). pg_unit_end commits or releases it when ok, else rolls it
 * back; returns 0 or -1.
 */
struct pg_unit {
	const char *name;
	int own;
};
int pg_unit_begin(struct store_pg *s, struct pg_unit *u, const char *name, char *err, size_t errlen);
int pg_unit_end(struct store_pg *s, struct pg_unit *u, int ok, char *err, size_t errlen);

/* Make sure the result partition holding time ts exists (pg_partition.c); 0 or -1. */
int pg_partition_for(struct store_pg *s, int64_t ts, char *err, size_t errlen);

int pg_agent_add(struct store *st, struct store_agent *a, char *err, size_t errlen);
int pg_agent_add_many(struct store *st, struct store_agent *a, size_t n, int64_t account,
		      char *err, size_t errlen);
int pg_agent_approve(struct store *st, const char *key, int approved, char *err, size_t errlen);
int pg_agent_remove(struct store *st, const char *key, char *err, size_t errlen);
int pg_agent_list(struct store *st, json_t **out, char *err, size_t errlen);
int pg_agent_by_fp(struct store *st, const char *fp, struct store_agent *a, char *err, size_t errlen);
int pg_agent_status(struct store *st, int64_t agent_id, const char *status, int64_t now,
		    char *err, size_t errlen);
int pg_agent_rewound(struct store *st, int64_t agent_id, const char *why, int64_t now,
		     char *err, size_t errlen);
int pg_session_open(struct store *st, int64_t agent_id, int64_t now, const char *peer,
		    int64_t *sid, char *err, size_t errlen);
int pg_session_close(struct store *st, int64_t sid, int64_t now, const char *reason,
		     char *err, size_t errlen);
int pg_session_list(struct store *st, int64_t agent_id, json_t **out, char *err, size_t errlen);
int pg_msm_create(struct store *st, struct store_msm *m, const int64_t *agents, size_t n,
		  char *err, size_t errlen);
int pg_msm_list(struct store *st, json_t **out, char *err, size_t errlen);
int pg_msm_stop(struct store *st, int64_t id, int64_t now, char *err, size_t errlen);
int pg_msm_for_agent(struct store *st, int64_t agent_id, store_row_fn fn, void *arg,
		     char *err, size_t errlen);
int pg_msm_refused(struct store *st, int64_t msm_id, int64_t agent_id, const char *reason,
		   char *err, size_t errlen);
int pg_msm_assigned(struct store *st, int64_t msm_id, int64_t agent_id, char *err, size_t errlen);
/* Insert m and assign it to the n agents, inside the caller's unit (sets m->id). */
int pg_msm_insert_assign(struct store_pg *s, struct store_msm *m, const int64_t *agents,
			 size_t n, char *err, size_t errlen);
/* The result's "timestamp" (0 if none or not a number), as the SQLite store reads it. */
int64_t pg_result_ts(const struct store_result *r);
/* The result's team cycle ("cycle", a positive integer), or 0 when it has none (pg_results.c). */
int64_t pg_result_cycle(const struct store_result *r);
/* Record a refused result's (agent, epoch, seq) and reason; 0 or -1. */
int pg_put_refused(struct store_pg *s, const struct store_result *r, char *err, size_t errlen);
/* True if an earlier result of r[i]'s stream in r conflicted. */
int pg_stream_broken(const struct store_result *r, size_t i);

/*
 * Store the n results of a batch in two statements, inside the caller's
 * unit (pg_bulk.c): returns how many were newly stored, -1 on error, or -2
 * when the batch is not for the bulk path (nothing done: store it one by
 * one). Worth it from PG_BULK_MIN results.
 */
#define PG_BULK_MIN 8
int pg_results_bulk(struct store_pg *s, struct store_result *r, size_t n, char *err,
		    size_t errlen);

int pg_results_put(struct store *st, struct store_result *r, size_t n, char *err, size_t errlen);
int pg_result_max_seq(struct store *st, int64_t agent_id, int64_t epoch, int64_t *seq,
		      char *err, size_t errlen);
int pg_results_each(struct store *st, int64_t msm_id, store_row_fn fn, void *arg,
		    char *err, size_t errlen);
int64_t pg_results_refused(struct store *st, int64_t agent_id);
int64_t pg_results_count(struct store *st);
int pg_timing_put(struct store *st, int64_t agent_id, int64_t when, unsigned flags,
		  const char *report, char *err, size_t errlen);
int pg_timing_list(struct store *st, int64_t agent_id, int64_t since, json_t **out,
		   char *err, size_t errlen);
int pg_reach_put(struct store *st, const struct store_reach *r, char *err, size_t errlen);
int pg_reach_get(struct store *st, int64_t agent_id, struct store_reach *r, char *err,
		 size_t errlen);
int pg_agent_address(struct store *st, int64_t agent_id, int af, char *out, size_t len,
		     char *err, size_t errlen);

struct store_api_ops;
struct store_noprobe_ops;
extern const struct store_api_ops pg_api_ops;
extern const struct store_noprobe_ops pg_noprobe_ops;
struct store_msm_tags_ops;
/* A measurement's tags (pg_msm_tags.c). */
extern const struct store_msm_tags_ops pg_msm_tags_ops;
/* Participation requests (pg_msm_requests.c). */
struct store_msm_requests_ops;
extern const struct store_msm_requests_ops pg_msm_requests_ops;
struct store_archive_ops;
extern const struct store_archive_ops pg_archive_ops;

/* Several front-ends on one database, and agents' uptime facts (pg_frontend.c). */
struct store_frontend_ops;
struct store_uptime_ops;
extern const struct store_frontend_ops pg_frontend_ops;
extern const struct store_uptime_ops pg_uptime_ops;
extern const char pg_frontend_schema[];

/* Accounts and who owns each agent and key (pg_account.c); its schema also
   moves agents and keys without an owner into the default account. */
struct store_account_ops;
extern const struct store_account_ops pg_account_ops;
extern const char pg_account_schema[];
/* The credits ledger (pg_credit.c), after the accounts in the schema. */
struct store_credit_ops;
extern const struct store_credit_ops pg_credit_ops;
extern const char pg_credit_schema[];
/* What admission keeps (pg_admission.c). */
struct store_admission_ops;
extern const struct store_admission_ops pg_admission_ops;
extern const char pg_admission_schema[];
/* Charge the results of r that this unit newly stored and that have a payer
   (charge_account), in one statement, inside the caller's unit; 0 or -1. */
int pg_credit_charge(struct store_pg *s, const struct store_result *r, size_t n, char *err,
		     size_t errlen);
/* pg_changes.c: the triggers that notify changes, and store_frontend.h's change operations. */
extern const char pg_changes_schema[];
/* The channel front-ends LISTEN on: "AGENT MSM", or "noprobe VERSION" (pg_noprobe.c). */
#define PG_CHANGES_CHANNEL "vantage_msm"
/* pg_noprobe.c: the trigger that notifies a no-probe list change on that channel. */
extern const char pg_noprobe_schema[];
/* API keys' labels, validity and grants (pg_key_grants.c). */
struct store_key_grants_ops;
extern const struct store_key_grants_ops pg_key_grants_ops;
extern const char pg_key_grants_schema[];
/* Each agent's newest check-host report (pg_hostreport.c). */
struct store_hostreport_ops;
extern const struct store_hostreport_ops pg_hostreport_ops;
extern const char pg_hostreport_schema[];
/* The anchoring mesh's marks (pg_mesh.c). */
struct store_mesh_ops;
extern const struct store_mesh_ops pg_mesh_ops;
extern const char pg_mesh_schema[];
/* Versioned prefix-to-AS tables (pg_prefixes.c). */
struct store_prefix_ops;
extern const struct store_prefix_ops pg_prefix_ops;
extern const char pg_prefixes_schema[];
/* Teams, cycles and chunks (pg_team.c, pg_team_chunks.c, pg_team_results.c); its schema
   also adds the results' cycle column and index. */
struct store_team_ops;
extern const struct store_team_ops pg_team_ops;
extern const char pg_team_schema[];
void pg_changes_close(struct store_pg *s);
int pg_changes_listen(struct store *st, char *err, size_t errlen);
int pg_changes_read(struct store *st, store_change_fn fn, void *arg, char *err, size_t errlen);
int pg_msm_of_agent(struct store *st, int64_t agent_id, int64_t msm_id, store_row_fn fn,
		    void *arg, char *err, size_t errlen);

#endif
