/*
 * controller_int: the controller's internal structures, shared by its files:
 * controller.c (setup, listener, logging), session.c (one agent connection),
 * ingest.c (batched exactly-once commits), admin.c (the operators' socket),
 * assign.c (choosing agents for a measurement and sending definitions),
 * preauth.c (limits and deadlines for connections not yet admitted),
 * quota.c (what one agent may cost, and the disk-space floor).
 */
#ifndef VANTAGE_CONTROLLER_CONTROLLER_INT_H
#define VANTAGE_CONTROLLER_CONTROLLER_INT_H

#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <sys/queue.h>

#include "controller/controller.h"
#include "controller/platform_policy.h"
#include "proto/conn.h"
#include "proto/identity.h"
#include "policy/noprobe_list.h"
#include "store/store.h"

struct ingest_item;
struct api;

/* One agent connection. */
struct session {
	TAILQ_ENTRY(session) link;
	TAILQ_ENTRY(session) pre_link;  /* in controller.preauth until admitted */
	int in_preauth;
	struct event *deadline;         /* for an accepted HELLO (preauth.c) */
	struct controller *ctl;
	struct conn *conn;
	char peer[64];
	char host[48];                  /* peer without the port */
	struct event *resume;           /* takes reading up after a quota pause */
	char fp[IDENTITY_FP_LEN];
	struct store_agent agent;
	int admitted;           /* key checked and HELLO accepted */
	int64_t sid;            /* store session id, 0 before admission */
	int64_t last_heard;     /* monotonic seconds */
	int64_t queued_seq;     /* highest result seq of this batch to ack */
	int ack_blocked;        /* a result of this batch was not stored: ack nothing past it */
	int64_t epoch;          /* the epoch its HELLO named (its next results'; a RESULT
				   names its own, older ones may be of an older epoch) */
	int64_t last_seq;       /* sequence of the last result received (0: none yet) */
	uint64_t stream;        /* names this session's results in a batch (ingest.c) */
	uint64_t results;       /* results received in this session */
	uint64_t refused;       /* of them refused (ingest.c) */
	int reach_wait;         /* its reach check waits for another agent */
	int64_t connected_wall; /* Unix seconds of its admission (credits_ctl.c) */
	int64_t earned_to;      /* last Unix minute its account was credited for (-1: none) */
	int64_t host_report_at; /* monotonic seconds of its last HOST_REPORT kept (0: none) */
	uint32_t pps_max;       /* the site's pps ceiling its last STATUS said (0: none yet) */
};

TAILQ_HEAD(session_list, session);

/* A team member seen with no admitted session, since when (monotonic s). */
struct team_targets;

struct team_away {
	int64_t agent_id;
	int64_t since;
};

struct controller {
	struct controller_opts opts;
	struct event_base *base;
	struct store *store;
	struct identity id;
	SSL_CTX *tls;
	struct evconnlistener *listener;
	struct evconnlistener *admin;
	struct session_list sessions;
	struct session_list preauth;  /* sessions not yet admitted (preauth.c) */
	size_t npreauth;
	uint64_t preauth_refused, accept_errors;
	int64_t preauth_logged, accept_error_logged;  /* when last logged (monotonic s) */
	unsigned accept_burst;        /* accepts since the listener last yielded */
	struct event *relisten;       /* enables the paused listener again */
	struct quota *quota;          /* per agent id (quota.c) */
	size_t nquota;
	int64_t disk_checked;         /* when free space was last read (monotonic s) */
	uint64_t disk_free, disk_floor;
	struct session **by_agent;  /* admitted session of each agent id */
	size_t nby_agent;
	struct event *tick;         /* heartbeats and idle checks */
	struct event *flush;        /* commits the pending batch */
	struct store_result *batch; /* results waiting for commit */
	struct session **batch_from;
	size_t nbatch;
	int in_txn;                 /* a group-commit transaction is open */
	struct ingest_js *ingest_js; /* results go through JetStream (ingest_nats.c), or NULL */
	uint64_t stored, duplicates, refused_conns;
	uint64_t results_refused;   /* results refused since start (ingest.c) */
	uint64_t rewinds;           /* agents found rewound since start */
	uint64_t streams;           /* sessions admitted since start (names their results) */
	uint64_t commits;
	uint64_t ingest_holds;      /* times reading paused at the JetStream in-flight bound */
	uint64_t ingest_in_flight_peak; /* most results taken and not yet acked at once (NATS) */
	uint64_t publish_retries;   /* JetStream publishes sent again (not acked in time) */
	double commit_seconds;      /* time spent in commits (the loop waits on them) */
	struct api *api;            /* the REST API (src/api), or NULL */
	struct js_live *live;       /* the live stream through NATS (stream_feed.c), or NULL */
	struct noprobe_list noprobe; /* the platform no-probe list (noprobe_ctl.c) */
	struct team_away *away;     /* team members seen without a session (team_cycle.c) */
	size_t naway, away_cap;
	struct team_targets *team_targets;  /* each team's cycle, expanded (team_handout.c) */
	size_t nteam_targets;
	int64_t archived_day;       /* UTC day (Unix days) of the last daily archive (archive_ctl.c) */
	struct platform_policy policy; /* the platform's rules (platform_policy.h) */
	char frontend_name[160];    /* on a shared store: this front-end's name (frontend.c) */
	int64_t msm_version;        /* the store's measurement change counter, last read */
	struct event *sync;         /* looks for measurement changes made elsewhere */
	int64_t sync_polled;        /* monotonic second the change counter was last polled */
	struct event *changes;      /* hears measurement changes as they commit, or NULL */
	struct credit_price *prices;   /* payer and price per measurement, cached (credits_ctl.c) */
	struct credit_due *credit_due; /* accounts charged through JetStream, to look at (credits_ctl.c) */
	int64_t mesh_synced;        /* when the anchoring mesh was last kept (monotonic s, mesh_ctl.c) */
	int mesh_dirty;             /* something changed: keep the mesh at the next tick */
};

/* Log one line to stderr, prefixed with the time and the program's name. */
void ctl_log(const struct controller *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Monotonic seconds. */
int64_t ctl_now_mono(void);

/* Start a session on an accepted TLS bufferevent; closes bev on failure. */
void session_start(struct controller *c, struct bufferevent *bev, const char *peer,
		   const char *host);

/* May another unadmitted connection from host come in? 0, or -1 (counted, logged). */
int preauth_allow(struct controller *c, const char *host);

/* Count s as unadmitted and start its deadline; 0 or -1. */
int preauth_enter(struct controller *c, struct session *s);

/* s was admitted or is closing: it no longer counts as unadmitted. */
void preauth_leave(struct controller *c, struct session *s);

/* An agent connection was accepted: yield the loop after a burst of them. */
void preauth_accepted(struct controller *c);

/* Set up the listener's error handling and pausing; 0 or -1. */
int preauth_listener(struct controller *c);

/* Is there room on the store's disk for new data? 0, or -1 with why. */
int quota_disk(struct controller *c, char *why, size_t len);

/* May the agent say HELLO now (rate, daily bytes, disk)? 0, or -1 with why. */
int quota_hello(struct controller *c, int64_t agent_id, char *why, size_t len);

/*
 * Account a result of bytes from s: 0 (reading may pause for the rate), or
 * -1 with why when it must be refused (daily bytes, disk).
 */
int quota_result(struct controller *c, struct session *s, size_t bytes, char *why, size_t len);

/* Account bytes (a status) to the agent's daily quota. */
void quota_bytes(struct controller *c, int64_t agent_id, size_t bytes);

/* May a timing report of bytes be stored? 0 (counted), or -1 with why. */
int quota_timing(struct controller *c, int64_t agent_id, size_t bytes, char *why, size_t len);

/* A session ends: free its quota timer. */
void quota_session_end(struct session *s);

/* Fill the quota fields of o left 0 with their defaults. */
void quota_defaults(struct controller_opts *o);

/* Free the quota table. */
void quota_free(struct controller *c);

/* Close every session (for shutdown). */
void session_close_all(struct controller *c);

/* Send a heartbeat to each admitted session and close silent ones. */
void session_tick(struct controller *c);

/* The admitted session of an agent, or NULL. */
struct session *session_of_agent(struct controller *c, int64_t agent_id);

/* Make s the admitted session of its agent (or, with s NULL, of none); 0 or -1. */
int session_index(struct controller *c, int64_t agent_id, struct session *s);

/*
 * Queue a result for commit; it is acked once committed. Returns 0, or -1
 * (then the session is closed: a store or memory failure, or a result out of
 * order).
 */
int ingest_add(struct controller *c, struct session *s, const struct msg *m);

/*
 * Open the group-commit transaction (if not open) that the next flush
 * commits, so session and status writes share one fsync with the results.
 */
void ingest_txn(struct controller *c);

/* Commit the pending batch and ack each session's results. */
void ingest_flush(struct controller *c);

/* Forget a closing session in the pending batch (its results stay queued, unacked). */
void ingest_forget(struct controller *c, struct session *s);

/* Record and log that the agent of s was found rewound (why says how). */
void ingest_rewound(struct controller *c, struct session *s, const char *why);

/* Free the batch buffers. */
void ingest_free(struct controller *c);

/*
 * After a commit (or JetStream's acks) of batch[0, n): one ACK per session
 * up to the last of its results before any that was not stored, so an ack
 * covers an unbroken run; a session whose result conflicted is told so.
 */
void ingest_send_acks(struct controller *c, struct store_result *batch, struct session **from,
		      size_t n);

/*
 * Ingest through NATS JetStream (ingest_nats.c), when opts.ingest is set:
 * connect and make sure of the stream (0, or -1 with err); publish the
 * pending batch (it takes c->batch over and acks once JetStream holds it);
 * forget a closing session; disconnect and free.
 */
int ingest_nats_start(struct controller *c, char *err, size_t errlen);
void ingest_nats_publish(struct controller *c);
void ingest_nats_forget(struct controller *c, struct session *s);
void ingest_nats_free(struct controller *c);
/* 1 while reading from agents is paused because too many results are in flight. */
int ingest_nats_holding(const struct controller *c);
/* A result was taken into the batch (ingest_add): hold the agents if that reached the bound. */
void ingest_nats_taken(struct controller *c);
/* s was admitted: held with the others if the agents are held. */
void ingest_nats_admitted(struct controller *c, struct session *s);

/* Keep a timing report an agent sent with its status (timing.c); bad ones are logged. */
void timing_status(struct controller *c, int64_t agent_id, const json_t *report);

/* Keep the check-host report the session's agent sent (hostreport_ctl.c); bad ones,
   and ones sooner than HOSTREPORT_MIN_GAP seconds after the last kept, are logged. */
#define HOSTREPORT_MIN_GAP 600
void hostreport_received(struct session *s, const json_t *report);

/* The agent's timing history since a time: [{time, flags: [names], report}], or NULL with err. */
json_t *timing_history(struct controller *c, int64_t agent_id, int64_t since,
		       char *err, size_t errlen);

/*
 * An agent was admitted (reach.c): start its reach check (the remote half of
 * check-host) if it never had one, and those of agents that waited for a
 * second agent to probe them.
 */
void reach_admitted(struct controller *c, struct session *s);

/*
 * The agent's reach check as JSON: {prober, address, created, icmp, tcp, udp,
 * traceroute, hops, reachable, filtered, complete}; JSON null if it has none;
 * NULL with err on a store failure.
 */
json_t *reach_outcome(struct controller *c, int64_t agent_id, char *err, size_t errlen);

/* Start the admin socket; returns 0 or -1 with err. */
int admin_start(struct controller *c, char *err, size_t errlen);

/* Send every running measurement of s's agent to it, then the set of their ids. */
void assign_send_all(struct controller *c, struct session *s);

/* Send s measurement msm_id if it runs on s's agent, else its stop (a change heard);
 * 0, or -1 when the store could not say (logged). */
int assign_send_one(struct controller *c, struct session *s, int64_t msm_id);

/*
 * Choose agents for a new measurement from the request (agents: [ids or
 * fingerprints], role, tag, count) into a new array *out of *n ids.
 * Returns 0, or -1 with err.
 */
int assign_select(struct controller *c, const json_t *req, int64_t **out, size_t *n,
		  char *err, size_t errlen);

/* Send the measurement (row from the store) to the connected agents among ids. */
void assign_push(struct controller *c, const struct store_msm *m, const int64_t *ids, size_t n);

/* Tell the connected agents of measurement id to stop it. */
void assign_stop(struct controller *c, int64_t id);

/* Load the no-probe list from the store into c->noprobe; 0 or -1 with err (noprobe_ctl.c). */
int noprobe_reload(struct controller *c, char *err, size_t errlen);
/* Reload the list and, if its version moved (a change made at another front-end),
   push it to every agent here: 1, 0 if unchanged, -1 (logged). */
int noprobe_sync(struct controller *c);

/* The admin socket's noprobe.add, noprobe.remove and noprobe.list commands. */
json_t *noprobe_add(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *noprobe_remove(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *noprobe_show(struct controller *c, const json_t *req, char *err, size_t errlen);

/* Send the whole no-probe list to s (on admission, before its measurements). */
void noprobe_send(struct controller *c, struct session *s);

/* The list changed: send it to every admitted agent. */
void noprobe_changed(struct controller *c);

/*
 * Add "noprobe": {version, enforced, behind} to an agent's row: the list's
 * version, the one its newest STATUS says it enforces (null if none), and
 * whether that is older.
 */
void noprobe_agent_state(const struct controller *c, json_t *row);

/* The admin socket's prefixes.load and prefixes.list (prefixes_ctl.c). */
json_t *prefixes_load(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *prefixes_list(struct controller *c, const json_t *req, char *err, size_t errlen);

/* The admin socket's team commands (team_ctl.c). */
json_t *team_create(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *team_list(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *team_status(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *team_stop(struct controller *c, const json_t *req, char *err, size_t errlen);
/* team.results: a page of a team cycle's results (team_export_ctl.c). */
json_t *team_results_page(struct controller *c, const json_t *req, char *err, size_t errlen);

/* A team member and its rate: min(team rate, its site's ceiling). */
struct team_member_rate {
	int64_t agent_id;
	uint32_t rate;
};

struct store_team;

/*
 * The approved agents team t names (by id or tag), with their rates, in a
 * new array *out of *k (team_cycle.c). 0, or -1 with err (none named).
 */
int team_members_resolve(struct controller *c, const struct store_team *t,
			 struct team_member_rate **out, size_t *k, char *err, size_t errlen);

/* Start the cycles that are due and hand on the chunks of members gone too long. */
void team_tick(struct controller *c);

/* Does the comma-separated list name the agent (its id or one of its tags)? */
int team_names(const char *list, int64_t agent_id, const char *tags);

/* An agent was admitted: send it the chunks still out to it (as repeats) and top it up
   (team_handout.c). */
void team_admitted(struct controller *c, struct session *s);

/* A cycle started: top up every connected member. */
void team_top_up_all(struct controller *c);

/* A CHUNK_DONE from s: mark the chunk done and send the next. */
void team_chunk_done(struct controller *c, struct session *s, const struct msg *m);

/* Free the expanded targets of the teams' cycles. */
void team_targets_free(struct controller *c);

/* How long (s) the agent has been seen without a session; 0 while it has one. */
int64_t team_away(struct controller *c, int64_t agent_id, int64_t mono);
/* Count the agent as away afresh from its next look (team_cycle.c). */
void team_away_forget(struct controller *c, int64_t agent_id);
/*
 * Has this controller not seen cycle `cycle` of the team yet, or fewer
 * chunks of it handed on than handed_on? Remembers what it saw; 1 or 0
 * (team_handout.c).
 */
int team_cycle_news(struct controller *c, int64_t team_id, int64_t cycle, int64_t handed_on);
/* The admin socket's accounts.add, accounts.list, accounts.show and
   accounts.disable commands (accounts_ctl.c). */
json_t *accounts_add(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *accounts_list(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *accounts_show(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *accounts_disable(struct controller *c, const json_t *req, char *err, size_t errlen);

/* The account named by req's field name (its name or id; dflt when absent):
   0 and *a filled, or -1 with err (accounts_ctl.c). */
struct store_account;
int account_named(struct controller *c, const json_t *req, const char *name,
		  const char *dflt, struct store_account *a, char *err, size_t errlen);

/* Credits (credits_ctl.c): earn the connected minutes of every admitted
   session at now; after a commit, stop the measurements of accounts that
   ran dry or over a daily limit; the price and payer of a result; and the
   admin socket's credits.show, credits.ledger and credits.transfer. */
void credits_tick(struct controller *c, int64_t now);
void credits_after_commit(struct controller *c);
/* Under NATS ingest the store writers commit and charge: account was
   charged for a result JetStream took; the next two ticks look at it. */
void credits_charged(struct controller *c, int64_t account);
/* A commit elsewhere (a store writer's) charged account, as the front-end hears
   it (store_frontend.h: agent -1): under NATS ingest it is looked at at once. */
void credits_committed(struct controller *c, int64_t account);
void credits_free(struct controller *c);
void credits_session_end(struct controller *c, struct session *s, int64_t now);
int credits_price(struct controller *c, int64_t msm_id, int64_t *account, int64_t *cost);
json_t *credits_show(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *credits_ledger(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *credits_transfer(struct controller *c, const json_t *req, char *err, size_t errlen);

/* The account an agent registered by req joins: its "account" (name or id),
   else the default one; an unknown or disabled account is an error. 0 or -1. */
int account_for_new_agent(struct controller *c, const json_t *req, int64_t *account_id,
			  char *err, size_t errlen);

/* May the agent be let in as far as its account goes? 1 yes; 0 no, with why;
   -1 on a storage error (in why). */
int account_admits(struct controller *c, int64_t agent_id, char *why, size_t len);

/* Set "account" (its name, null if none) on an agent's row (keyed by "id"),
   and "account_disabled": true when that account is disabled. */
void account_label(struct controller *c, json_t *row);

/*
 * Several front-ends on one store (frontend.c). frontend_start: at start,
 * close the sessions this front-end left open (all of them on a store of
 * one controller) and start looking for others' measurement changes; 0 or
 * -1. frontend_tick: say this one is alive and close the sessions of dead
 * ones. frontend_session_open: record s's connect here (s->sid) and close
 * the agent's sessions elsewhere; 0 or -1 with err.
 */
int frontend_start(struct controller *c, char *err, size_t errlen);
void frontend_tick(struct controller *c);
int frontend_session_open(struct controller *c, struct session *s, char *err, size_t errlen);
void frontend_free(struct controller *c);

/* frontend.c: compare the store's change counter now; when it changed, send
 * every agent here its whole set again. */
void frontend_sync_now(struct controller *c);

/*
 * frontend_changes.c: frontend_changes_listen: listen for measurement
 * changes (and compare the counter once); 0, or -1 (logged, or no such
 * operation: the counter is polled). frontend_changes_free: stop listening.
 */
int frontend_changes_listen(struct controller *c);
void frontend_changes_free(struct controller *c);

/* Close the sessions a previous run left open (uptime_ctl.c); 0 or -1 with err. */
int uptime_close_stale(struct controller *c, char *err, size_t errlen);

/* Set "state", "state_id", "status_since", "first_connected", "last_connected"
   and "total_connected" on an agent's row (keyed by "id"). */
void uptime_label(struct controller *c, json_t *row);
/* uptime_label on every row of the array rows, with one query of the store. */
void uptime_label_list(struct controller *c, json_t *rows);

/* The admin socket's policy.show: the platform's rules in force (policy_ctl.c). */
json_t *policy_show(struct controller *c, const json_t *req, char *err, size_t errlen);

/* The admin socket's report.churn {from, to, period} (churn_ctl.c). */
json_t *report_churn(struct controller *c, const json_t *req, char *err, size_t errlen);

/* The daily archive (archive_ctl.c): written at the first tick of a UTC day;
   the admin socket's archive.write rewrites today's → {path}. */
void archive_tick(struct controller *c);
json_t *archive_write(struct controller *c, const json_t *req, char *err, size_t errlen);

/* The admin socket's agents.names {zone, convention} → every vantage point's
   name and reverse names, and the collisions among them (names_ctl.c). */
json_t *agents_names(struct controller *c, const json_t *req, char *err, size_t errlen);
/*
 * The live stream (stream_feed.c): publish the results of the batch that
 * its commit stored (call after the commit, before the batch is cleared),
 * and an agent's connect (connected 1) or disconnect (0).
 */
void stream_feed_results(struct controller *c);
void stream_feed_probe(struct controller *c, const struct session *s, int connected);
/*
 * With `ingest nats://...`, the live stream goes through NATS: connects and
 * disconnects are published there, and the API's hub (if it runs one) is
 * fed from there (src/jetstream/js_live.h). 0 or -1 with err; end: before
 * the API is freed.
 */
int stream_feed_start(struct controller *c, char *err, size_t errlen);
void stream_feed_end(struct controller *c);

/* Admission (admission_ctl.c; the decision is admission.h's). Decide on agent_id
   at address ("" when none is known) at now, record the decision and set the
   agent's approved flag to match; the state (enum admission_state) with the
   decision in *out, or -1 with err. */
struct store_admission;
int admission_run(struct controller *c, int64_t agent_id, const char *address, int64_t now,
		  struct store_admission *out, char *err, size_t errlen);
/* Decide on the n agents ids at address at now, inside the caller's open
   transaction (the caller commits), under one admission lock; the decisions
   into out[0..n). 0 or -1 with err (the caller rolls back). */
int admission_decide_many(struct controller *c, const int64_t *ids, size_t n,
			  const char *address, int64_t now, struct store_admission *out,
			  char *err, size_t errlen);
/* At HELLO from peer_host: decide again when the address is not the one decided
   on. 1 let in; 0 not, with why; -1 storage error in why. */
int admission_hello(struct controller *c, int64_t agent_id, const char *peer_host,
		    char *why, size_t wl);
/* Set "admission" (the decision, or null) on an agent's row (keyed by "id"). */
void admission_label(struct controller *c, json_t *row);
/* The admin socket's accounts.own, permissions.grant and permissions.list. */
json_t *accounts_own(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *permissions_grant(struct controller *c, const json_t *req, char *err, size_t errlen);
json_t *permissions_list(struct controller *c, const json_t *req, char *err, size_t errlen);
/* The admin socket's agents.locate (admission_ctl.c). */
json_t *agents_locate(struct controller *c, const json_t *req, char *err, size_t errlen);

/*
 * The anchoring mesh (mesh_ctl.c): mesh_sync makes the mesh measurements
 * what the agents and the policy call for now (create, extend, shrink,
 * stop; problems are logged); mesh_changed asks for it at the next tick;
 * mesh_tick does it then, or when a minute has passed since.
 */
void mesh_sync(struct controller *c);
void mesh_changed(struct controller *c);
void mesh_tick(struct controller *c);

#endif
