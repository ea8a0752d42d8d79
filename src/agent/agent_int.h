/*
 * agent_int: the agent's internal state, shared by agent.c (setup, status,
 * results into the spool), link.c (the controller connection and uploads)
 * and schedule.c (the local measurement schedule).
 */
#ifndef VANTAGE_AGENT_AGENT_INT_H
#define VANTAGE_AGENT_AGENT_INT_H

#include <event2/event.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <sys/queue.h>

#include "agent/agent.h"
#include "agent/backoff.h"
#include "agent/gate.h"
#include "agent/spool.h"
#include "agent/telemetry.h"
#include "proto/conn.h"
#include "proto/identity.h"

#define AGENT_WINDOW 512          /* results sent and not yet acked, at most */
#define AGENT_RESERVE 65536       /* spool room kept free before measuring pauses */
/* Results wait at most this long in memory to be spooled together with one
   fsync (agent_commit.c), or until this many or this many bytes are waiting. */
#define AGENT_COMMIT_MS 1000
#define AGENT_COMMIT_MAX 64
#define AGENT_COMMIT_BYTES (256u * 1024u)

struct sched_entry {
	LIST_ENTRY(sched_entry) link;
	struct agent *ag;
	int64_t msm_id;
	json_t *def;
	int64_t start, stop, interval, spread;
	int64_t base;             /* start, or when it arrived if no start */
	int64_t next;             /* Unix time of the next slot (before spread) */
	struct event *ev;
	int finished;
	int resolve;              /* the agent resolves the target each run (resolve_def.h) */
	uint64_t runs, skipped;
};

LIST_HEAD(sched_list, sched_entry);

/* Team chunks queued at most, CHUNK_DONEs kept while the link is down, and
   chunks remembered as finished (a CHUNK sent again for one of those gets its
   CHUNK_DONE again, not a second run: agent_team.c). */
#define AGENT_CHUNKS_MAX 4
#define AGENT_UNDONE_MAX 32
#define AGENT_FINISHED_MAX 8

struct agent_chunk;

/* A chunk done whose CHUNK_DONE waits for a connection. */
struct agent_done {
	int64_t msm_id, team, cycle, chunk;
};

/* A result that could not be spooled yet (spool full or failing). */
struct held {
	STAILQ_ENTRY(held) link;
	char *text;
};

STAILQ_HEAD(held_list, held);

struct agent {
	struct agent_config cfg;
	struct event_base *base;
	const struct agent_runner_ops *rops;
	void *runner;
	struct identity id;
	SSL_CTX *tls;
	struct spool *spool;
	struct gate gate;
	struct conn *conn;
	int welcomed;
	struct backoff backoff;   /* when to dial again (backoff.h) */
	int ctl_index;            /* the controller (cfg.controllers) dialled now */
	struct event *retry;
	struct event *tick;
	int64_t last_heard;       /* monotonic seconds */
	int64_t started;          /* monotonic seconds */
	uint64_t sent_seq;        /* highest sequence uploaded on this connection */
	uint64_t acked_seq;
	uint64_t inflight[AGENT_WINDOW];  /* sequences sent and not yet acked, oldest first */
	size_t nflight, flight0;  /* how many, and where the oldest is in the ring */
	struct sched_list sched;
	struct held_list held;
	size_t nheld;
	struct held_list pending; /* results not spooled yet, waiting for the commit */
	size_t npending, pending_bytes;
	struct event *commit;     /* the commit timer, armed while results wait */
	char paused[200];         /* why measuring is paused; empty when it is not */
	uint64_t results, uploads, acks, connects;
	struct telemetry tel;      /* timing telemetry (running once started) */
	uint64_t tel_sent;        /* generation of the report last sent */
	json_t *host_report;      /* this host's check-host report (hostcheck.c), or NULL */
	struct ptrie *noprobe;    /* the platform no-probe list (NULL until the first) */
	struct evdns_base *dns;   /* resolves targets of resolve_on_probe runs (resolve.c) */
	int dns_closing;          /* shutting down: lookups answered now make no result */
	int64_t noprobe_version;  /* its version (0: none received) */
	struct agent_chunk *chunks[AGENT_CHUNKS_MAX];  /* team chunks, the first running */
	size_t nchunks;
	struct agent_done undone[AGENT_UNDONE_MAX];    /* CHUNK_DONEs not sent yet */
	size_t nundone;
	struct agent_done finished[AGENT_FINISHED_MAX]; /* the last chunks finished, a ring */
	size_t nfinished;                              /* finished so far (ring: % MAX) */
};

/* Log one line to stderr with the time and the program's name. */
void agent_log(const struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Monotonic seconds. */
int64_t agent_mono(void);

/* Start (or restart after the backoff) connecting to the controller. */
void link_connect(struct agent *a);

/* Upload spooled results while the window allows. */
void link_pump(struct agent *a);

/* Send m if connected and welcomed; returns 0 or -1. */
int link_send(struct agent *a, const struct msg *m);

/* Heartbeat, status, and the silence check; called every heartbeat seconds. */
void link_tick(struct agent *a);

/* Close the connection (for shutdown) without reconnecting. */
void link_close(struct agent *a);

/* Send a STATUS message now. */
void agent_send_status(struct agent *a);

/* Check this host against the role's requirements and keep the report
   (hostcheck.c); a report that cannot be made is logged and not sent. */
void agent_host_check(struct agent *a);

/* Send the kept check-host report, if any (after a WELCOME). */
void agent_send_host_report(struct agent *a);

/*
 * The result callback given to the runner (runner.h, agent_result_fn): the
 * agent's "timing_flags" added when the clock has trouble to report, a
 * result over SPOOL_MAX_APPEND replaced by a small one that says so, then
 * queued for the spool (or held). The text is spooled as it is.
 */
void agent_result(char *text, size_t len, uint64_t msm_id, void *arg);

/* A result the agent built itself (an error result): "msm_id" added if it
   has none, printed by jansson, then as agent_result. Takes result. */
void agent_result_json(struct agent *a, json_t *result, uint64_t msm_id);

/*
 * The JSON object text (len bytes, owned) with the members more[0..n) (e.g.
 * "team":3,"cycle":1, none of its keys already in text) added after its
 * last: text as jansson prints an object to which they were set last.
 * *len is updated. Returns the text (moved), or NULL when out of memory
 * (text freed). n = 0 returns text as it is.
 */
char *agent_members_add(char *text, size_t *len, const char *more, size_t n);

/*
 * Spool the waiting results now, with one write and one fsync (agent_commit.c),
 * then upload them; on failure they are held and measuring pauses. Called by
 * the commit timer, and before anything that reports results as done
 * (CHUNK_DONE) or ends the agent.
 */
void agent_commit(struct agent *a);

/* Queue an encoded result (owned; one JSON object as agent_result gives it:
   uploaded unparsed, see spool_is_object) for the next commit (agent_commit.c). */
void agent_commit_add(struct agent *a, char *text);

/* Results were spooled: pause if the spool nears its limit, upload (agent.c). */
void agent_spooled(struct agent *a);

/* Keep text (as for agent_commit_add) in memory until the spool takes it, and pause
   measuring (agent.c). */
void agent_hold(struct agent *a, char *text, const char *why);

/* After an ack: spool held results, resume measuring if there is room. */
void agent_relieve(struct agent *a);

/* Start the resolver of cfg.resolv_conf and cfg.hosts (before the privilege
   drop: it reads them now); 0 or -1 with err. */
int agent_dns_start(struct agent *a, char *err, size_t errlen);

/* Free the resolver; lookups in flight end without a result. */
void agent_dns_end(struct agent *a);

/* One run of def, whose target the agent resolves first (resolve_def.h):
   the runner gets it bound to the address found, or an error result is
   spooled. */
void agent_resolve_run(struct agent *a, const json_t *def);

/* Take an MSM message: check it against the site policy and schedule it (or refuse). */
void sched_put(struct agent *a, const struct msg *m);

/* Schedule a copy of t (its def is copied; ag and ev are set here). */
void sched_add(struct agent *a, const struct sched_entry *t);

/* Save the schedule to <spool>/schedule.json (atomically); failures are logged. */
void sched_save(const struct agent *a);

/* Load the saved schedule, if any; a bad file is logged and ignored. */
void sched_load(struct agent *a);

/* Stop and forget measurement id. */
void sched_stop(struct agent *a, int64_t id);

/*
 * Keep only the measurements whose ids the controller's set (body of an
 * MSM_SET: {"msm_ids": [...]}) lists: the rest were stopped while the agent
 * was away. A malformed set is logged and changes nothing.
 */
void sched_reconcile(struct agent *a, const json_t *set);

/* Stop and forget everything. */
void sched_clear(struct agent *a);

/*
 * Take a NOPROBE message (agent_noprobe.c): parse its prefixes into a new
 * trie and enforce it on the gate and the runner; a bad list is logged and
 * the one in force stays.
 */
void agent_noprobe_put(struct agent *a, const struct msg *m);

/* A CHUNK of a team cycle: queue it, run it when those before it are done (agent_team.c). */
void agent_chunk_put(struct agent *a, const struct msg *m);

/* Connected again: send the CHUNK_DONEs kept while the link was down. */
void agent_chunks_welcome(struct agent *a);

/* Drop the queued chunks (after the runner is gone). */
void agent_chunks_free(struct agent *a);

#endif
