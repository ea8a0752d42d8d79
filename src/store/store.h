/*
 * store: the controller's one storage interface. A table of operations
 * (struct store_ops) over agents and their keys, measurements and their
 * assignment to agents, results and agent sessions; sqlite.c implements it
 * with SQLite in WAL mode, pg.c with PostgreSQL (store_open chooses by the
 * name it is given). Every operation returns 0 (or a documented count) on success and -1
 * with a reason in err on failure. Listings come back as jansson arrays of
 * objects so the admin interface can pass them on as they are.
 */
#ifndef VANTAGE_STORE_STORE_H
#define VANTAGE_STORE_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_api_ops;
struct store_noprobe_ops;
struct store_msm_tags_ops;
struct store_msm_requests_ops;
struct store_archive_ops;
struct store_prefix_ops;
struct store_team_ops;

/* Team probing keeps its prefix tables, teams and chunks in the store (both
 * engines have them; a store without them leaves team or prefixes NULL). */
#define store_has_teams(st) ((st)->ops->team != NULL && (st)->ops->prefixes != NULL)
struct store_account_ops;
struct store_uptime_ops;
struct store_frontend_ops;
struct store_credit_ops;
struct store_admission_ops;
struct store_mesh_ops;
struct store_hostreport_ops;

/* An agent as registered by an operator. */
struct store_agent {
	int64_t id;
	char fp[65];        /* SHA-256 of its Ed25519 public key, lower-case hex */
	char org[128];      /* hosting organisation */
	char role[16];      /* "probe" or "anchor" */
	char tags[256];     /* comma-separated */
	int approved;
};

/* A measurement: its RIPE Atlas-shaped definition and its schedule. */
struct store_msm {
	int64_t id;
	const char *def;    /* JSON object text */
	int64_t start, stop, interval, spread;   /* Unix seconds; 0 = unset */
};

/* What results_put did with one result. */
enum store_outcome {
	STORE_NEW = 0,      /* stored */
	STORE_DUPLICATE,    /* the same result was stored before */
	STORE_REFUSED,      /* recorded as refused (refused was set) */
	STORE_CONFLICT,     /* another result is stored under its (agent, epoch, seq) */
	STORE_SKIPPED,      /* after a conflict of its stream in the same call: not stored */
};

/* One result to ingest: (agent, epoch, seq) names it. */
struct store_result {
	int64_t agent_id;
	int64_t seq;
	int64_t msm_id;
	const char *body;   /* JSON text */
	size_t len;
	const char *refused;  /* not NULL: not stored, but (agent, seq) is kept as refused
				 with this reason, so a re-upload is answered the same */
	int64_t epoch;      /* the agent's sequence epoch (0: before epochs) */
	uint64_t stream;    /* results of one stream after a conflict are skipped (0: none) */
	enum store_outcome outcome;   /* set by results_put */
	int64_t charge_account; /* not 0: charge this account charge credits when the result
				   is newly stored, in the same transaction (store_credit.h) */
	int64_t charge;
};

/* The remote half of check-host for one agent: who probed it, where, with what. */
enum { STORE_REACH_PING, STORE_REACH_TRACE, STORE_REACH_TCP, STORE_REACH_UDP,
       STORE_REACH_KINDS };
struct store_reach {
	int64_t agent_id;
	int64_t prober;         /* the agent that measured it (0: none) */
	char address[64];       /* the address probed */
	int64_t created;        /* Unix seconds */
	int64_t msm[STORE_REACH_KINDS];  /* the measurements (0: none) */
};

/* Called once per row by the iterating operations; return non-zero to stop. */
typedef int (*store_row_fn)(void *arg, json_t *row);

/* Timing reports kept per agent: 30 days at the agent's default 5-minute interval. */
#define STORE_TIMING_KEEP 8640

struct store_ops {
	const char *name;
	void (*close)(struct store *st);
	int (*agent_add)(struct store *st, struct store_agent *a, char *err, size_t errlen);
	/*
	 * Register the n agents of a as agent_add does, each owned by account
	 * (0: by none) as store_account's own_agent makes it, in one step (one
	 * statement, not 2n round trips), setting each a[i].id; inside the
	 * caller's transaction. -1 with err when any of them fails (a key
	 * registered already, or twice in a: store_agents_unique): the caller
	 * rolls the whole batch back. NULL:
	 * the caller calls agent_add and own_agent for each (SQLite, where a
	 * call is not a round trip).
	 */
	int (*agent_add_many)(struct store *st, struct store_agent *a, size_t n, int64_t account,
			      char *err, size_t errlen);
	/* Set approved on the agent with this id or fingerprint; 0 if none matched is an error. */
	int (*agent_approve)(struct store *st, const char *key, int approved, char *err, size_t errlen);
	int (*agent_remove)(struct store *st, const char *key, char *err, size_t errlen);
	int (*agent_list)(struct store *st, json_t **out, char *err, size_t errlen);
	/* Returns 1 and fills *a if found, 0 if not, -1 on error. */
	int (*agent_by_fp)(struct store *st, const char *fp, struct store_agent *a,
			   char *err, size_t errlen);
	int (*agent_status)(struct store *st, int64_t agent_id, const char *status_json,
			    int64_t now, char *err, size_t errlen);
	/* Create m (m->id gets its id) assigned to the n agents given. */
	int (*msm_create)(struct store *st, struct store_msm *m, const int64_t *agents,
			  size_t n, char *err, size_t errlen);
	int (*msm_list)(struct store *st, json_t **out, char *err, size_t errlen);
	int (*msm_stop)(struct store *st, int64_t id, int64_t now, char *err, size_t errlen);
	/* The running measurements assigned to an agent: rows {id, def, start, stop, interval, spread}. */
	int (*msm_for_agent)(struct store *st, int64_t agent_id, store_row_fn fn, void *arg,
			     char *err, size_t errlen);
	int (*msm_refused)(struct store *st, int64_t msm_id, int64_t agent_id, const char *reason,
			   char *err, size_t errlen);
	/*
	 * Was measurement msm_id ever assigned to the agent (whether it runs, was
	 * stopped, refused or taken away since)? 1 yes, 0 no, -1 on error.
	 */
	int (*msm_assigned)(struct store *st, int64_t msm_id, int64_t agent_id,
			    char *err, size_t errlen);
	/*
	 * Store n results in one transaction (or savepoint of the open
	 * transaction) and set each one's outcome: a result whose (agent, epoch,
	 * seq) holds the same body already is a duplicate, one that holds another
	 * body a conflict (nothing stored; the stream's later results in this
	 * call are skipped); a refused one is recorded as refused (table
	 * results_refused). Returns the number newly stored, or -1 (then nothing
	 * of the batch is stored).
	 */
	int (*results_put)(struct store *st, struct store_result *r, size_t n,
			   char *err, size_t errlen);
	/* Highest sequence stored for the agent in the epoch (0 if none). */
	int (*result_max_seq)(struct store *st, int64_t agent_id, int64_t epoch, int64_t *seq,
			      char *err, size_t errlen);
	/* Keep why the agent was found rewound (shown with the agent). */
	int (*agent_rewound)(struct store *st, int64_t agent_id, const char *why, int64_t now,
			     char *err, size_t errlen);
	/* Results refused for the agent (0: for every agent), as recorded by results_put; -1 on error. */
	int64_t (*results_refused)(struct store *st, int64_t agent_id);
	/* Every result (of msm_id, or all if 0) in (agent, seq) order: rows {agent, seq, msm_id, body}. */
	int (*results_each)(struct store *st, int64_t msm_id, store_row_fn fn, void *arg,
			    char *err, size_t errlen);
	int64_t (*results_count)(struct store *st);
	/* Record a connect (returns its id in *sid) and the matching disconnect. */
	int (*session_open)(struct store *st, int64_t agent_id, int64_t now, const char *peer,
			    int64_t *sid, char *err, size_t errlen);
	int (*session_close)(struct store *st, int64_t sid, int64_t now, const char *reason,
			     char *err, size_t errlen);
	int (*session_list)(struct store *st, int64_t agent_id, json_t **out, char *err, size_t errlen);
	/*
	 * Keep one timing report of an agent (time: when it was sampled, Unix
	 * seconds; flags: host/timing_flags.h); a second report with the same
	 * time is ignored. Only the newest STORE_TIMING_KEEP reports of an
	 * agent are kept, so an agent cannot grow its history without bound.
	 * Returns 1 if stored, 0 if it was already there.
	 */
	int (*timing_put)(struct store *st, int64_t agent_id, int64_t time, unsigned flags,
			  const char *report, char *err, size_t errlen);
	/* The agent's reports since a time, oldest first: rows {time, flags, report (text)}. */
	int (*timing_list)(struct store *st, int64_t agent_id, int64_t since, json_t **out,
			   char *err, size_t errlen);
	/* Keep (replace) the reach check of r->agent_id. */
	int (*reach_put)(struct store *st, const struct store_reach *r, char *err, size_t errlen);
	/* Returns 1 and fills *r if the agent has a reach check, 0 if not, -1 on error. */
	int (*reach_get)(struct store *st, int64_t agent_id, struct store_reach *r,
			 char *err, size_t errlen);
	/* The address (af 4 or 6) registered for the agent: 1 and out filled, 0 if none, -1. */
	int (*agent_address)(struct store *st, int64_t agent_id, int af, char *out, size_t len,
			     char *err, size_t errlen);
	/* Group the following operations in one transaction: "begin", "commit" or "rollback". */
	int (*txn)(struct store *st, const char *what, char *err, size_t errlen);
	/* The REST API's operations (store_api.h). */
	const struct store_api_ops *api;
	/* The platform no-probe list (store_noprobe.h). */
	const struct store_noprobe_ops *noprobe;
	/* A measurement's tags (store_msm_tags.h). */
	const struct store_msm_tags_ops *msm_tags;
	/* Results by day, to archive and drop (store_archive.h); NULL: no days. */
	const struct store_archive_ops *archive;
	/* Versioned prefix-to-AS tables (store_prefixes.h). */
	const struct store_prefix_ops *prefixes;
	/* Teams, their cycles and chunks (store_team.h). */
	const struct store_team_ops *team;
	/* Accounts: who owns which keys and agents (store_account.h). */
	const struct store_account_ops *account;
	/* Connection facts for agent states (store_uptime.h). */
	const struct store_uptime_ops *uptime;
	/* A measurement's participation requests (store_msm_requests.h). */
	const struct store_msm_requests_ops *msm_requests;
	/* Several controllers (front-ends) sharing the store (store_frontend.h); NULL: one. */
	const struct store_frontend_ops *frontend;
	/* The credits ledger (store_credit.h); NULL: no credits. */
	const struct store_credit_ops *credit;
	/* What admission keeps (store_admission.h); NULL: no admission rules. */
	const struct store_admission_ops *admission;
	/* The anchoring mesh's measurements (store_mesh.h); NULL: no mesh. */
	const struct store_mesh_ops *mesh;
	/* API keys' labels, validity and grants (store_key_grants.h); NULL: none kept. */
	const struct store_key_grants_ops *key_grants;
	/* Each agent's newest check-host report (store_hostreport.h); NULL: none kept. */
	const struct store_hostreport_ops *hostreport;
};

struct store {
	const struct store_ops *ops;
};

/* Open the SQLite store at path (created if missing). NULL with err on failure. */
struct store *store_sqlite_open(const char *path, char *err, size_t errlen);

/* Open the PostgreSQL store through a libpq connection string (its schema is
   created if missing). NULL with err on failure. */
struct store *store_pg_open(const char *conninfo, char *err, size_t errlen);

/* Does spec name a PostgreSQL database (postgresql://, postgres:// or
   libpq's "key=value" form) rather than a SQLite file? (store_open.c) */
int store_spec_is_pg(const char *spec);

/* Open the store spec names: PostgreSQL (see store_spec_is_pg) or SQLite. */
struct store *store_open(const char *spec, char *err, size_t errlen);

/* 0 when no fingerprint is twice among a[0, n), else -1 with err naming it and
   its two places (from 0) in a (store_agents.c). */
int store_agents_unique(const struct store_agent *a, size_t n, char *err, size_t errlen);

/* Store r[0, n) with results_put in a transaction of their own, rolled back
   on any failure: the number newly stored, or -1 with err (store_put.c). */
int store_results_put_txn(struct store *st, struct store_result *r, size_t n,
			  char *err, size_t errlen);

#endif
