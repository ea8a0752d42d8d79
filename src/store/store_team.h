/*
 * store_team: teams (`vantage team`), their cycles and the chunks of each
 * cycle. A team names its members (tags and agent ids), the prefix version
 * it probes (or "latest": the version current when each cycle starts), a
 * method, a rate, a cycle length and a secret from which every cycle's
 * draw is derived (team/team_plan.h). A cycle row keeps what it drew from:
 * its prefix version, seed and target count; its members' rates and shares
 * are kept beside it; its chunks are kept as ranges of cycle positions,
 * never as targets. A chunk is the unit of assignment, acknowledgement and
 * reassignment: open (waiting), out (handed to an agent) or done.
 */
#ifndef VANTAGE_STORE_STORE_TEAM_H
#define VANTAGE_STORE_STORE_TEAM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;
typedef int (*store_row_fn)(void *arg, json_t *row);

#define STORE_TEAM_NAME_MAX 64
#define STORE_TEAM_AGENTS_MAX 512

struct store_team {
	int64_t id;
	char name[STORE_TEAM_NAME_MAX];
	char agents[STORE_TEAM_AGENTS_MAX]; /* tags and agent ids, comma-separated */
	int64_t prefixes;         /* prefix version; 0: the latest at each cycle's start */
	char method[16];          /* a trace method, e.g. "icmp-paris" */
	uint32_t pps;             /* the team's rate per member */
	int64_t cycle_secs;       /* cycle length */
	int family;               /* 4 or 6 */
	uint32_t chunk;           /* targets a chunk */
	int64_t gone_secs;        /* a member away this long gives its chunks back */
	uint64_t secret;          /* the key every cycle's draw derives from */
	int64_t created;
	int64_t stopped;          /* 0: running */
	int64_t msm_id;           /* the measurement its results are stored under */
};

struct store_team_cycle {
	int64_t team_id;
	int64_t cycle;            /* 1, 2, ... */
	int64_t version;          /* the prefix version it draws from */
	uint64_t seed;
	uint64_t targets;
	int64_t started, ended;   /* ended 0: running */
};

struct store_team_member {
	int64_t agent_id;
	uint32_t rate;            /* min(team pps, the agent's site ceiling) */
	uint64_t first, count;    /* its share of cycle positions */
};

enum store_chunk_state { STORE_CHUNK_OPEN = 0, STORE_CHUNK_OUT = 1, STORE_CHUNK_DONE = 2 };

struct store_team_chunk {
	int64_t chunk;            /* 0.. within the cycle */
	uint64_t first;           /* cycle positions [first, first + count) */
	uint32_t count;
	int64_t owner;            /* the member whose share it is (0: handed on) */
	int64_t holder;           /* the agent it is out to or was done by (0: none) */
	int state;                /* enum store_chunk_state */
	int repeat;               /* handed on after a failure: targets may be probed twice */
	int64_t handed, done;     /* Unix seconds, 0: not yet */
};

/* Where a page of a team's results ends (results_page). */
struct store_result_key {
	int64_t agent, seq, id;
};

struct store_team_ops {
	/* Create team t (t->id set); a name in use is an error. 0 or -1. */
	int (*create)(struct store *st, struct store_team *t, char *err, size_t errlen);
	/* Every team: rows {id, name, agents, prefixes, method, pps, cycle_secs, family, chunk,
	   gone_secs, created, stopped, cycle (the newest, or null)}. */
	int (*list)(struct store *st, json_t **out, char *err, size_t errlen);
	/* The team named name (or with this id when name is NULL): 1, 0 if none, -1. */
	int (*get)(struct store *st, const char *name, int64_t id, struct store_team *t,
		   char *err, size_t errlen);
	/* Stop the team: 1, 0 if it was stopped already, -1. Its running cycle ends too. */
	int (*stop)(struct store *st, int64_t team_id, int64_t now, char *err, size_t errlen);
	/*
	 * Store cycle c with its k members and n chunks, all or nothing; the
	 * team's previous cycle ends at c->started. 0, or 1 when cycle c is
	 * stored already (another front-end sharing the store opened it first;
	 * nothing of this draw is kept), or -1.
	 */
	int (*cycle_begin)(struct store *st, const struct store_team_cycle *c,
			   const struct store_team_member *m, size_t k,
			   const struct store_team_chunk *ch, size_t n, char *err, size_t errlen);
	/* The team's newest cycle: 1 and *c, 0 if none yet, -1. */
	int (*cycle_current)(struct store *st, int64_t team_id, struct store_team_cycle *c,
			     char *err, size_t errlen);
	/* Mark the cycle ended at now (when no chunk is left undone). 0 or -1. */
	int (*cycle_end)(struct store *st, int64_t team_id, int64_t cycle, int64_t now,
			 char *err, size_t errlen);
	/* The members of a cycle: rows {agent_id, rate, first, count}, then the agents
	   outside them that hold chunks of it (joiners: rate, first and count 0). */
	int (*members)(struct store *st, int64_t team_id, int64_t cycle, json_t **out,
		       char *err, size_t errlen);
	/*
	 * Hand the agent its next chunk of the cycle: the first open chunk of its
	 * own share, else the first open chunk handed on (owner 0), else, for an
	 * agent with no share in the cycle (it joined after the cycle began), the
	 * last open chunk of the member with the most open chunks (the owner
	 * stays; never a repeat: it was never out). Marks it out to the agent at
	 * now. 1 and *ch, 0 when nothing is left for it, -1.
	 */
	int (*chunk_take)(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
			  int64_t now, struct store_team_chunk *ch, char *err, size_t errlen);
	/* The chunk as stored: 1 and *ch, 0 if none, -1. */
	int (*chunk_get)(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
			 struct store_team_chunk *ch, char *err, size_t errlen);
	/*
	 * The agent finished the chunk: 1 when it was out to that agent (now
	 * done), 0 when it was not (done already, or handed on), -1.
	 */
	int (*chunk_done)(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
			  int64_t agent_id, int64_t now, char *err, size_t errlen);
	/*
	 * The agent is gone: every chunk of the cycle it owns or holds and has
	 * not finished goes back as open with no owner, for the others; one that
	 * was out becomes a repeat. Returns how many were given back, or -1.
	 */
	int (*chunks_release)(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
			      char *err, size_t errlen);
	/*
	 * Per-member progress of a cycle: rows {agent_id, rate, share, chunks,
	 * done_chunks, out_chunks, done_targets, repeats} plus a row with
	 * agent_id 0 for chunks handed on; the first row totals the cycle as
	 * {chunks, done_chunks, targets, done_targets, reassigned}.
	 */
	int (*progress)(struct store *st, int64_t team_id, int64_t cycle, json_t **total,
			json_t **members, char *err, size_t errlen);
	/* Let the agent's results of the team's measurement in (a member may join late); 0/-1. */
	int (*member_assign)(struct store *st, int64_t msm_id, int64_t agent_id, char *err,
			     size_t errlen);
	/* The chunks of the cycle out to the agent, at most max of them into ch; count or -1. */
	int (*chunks_out)(struct store *st, int64_t team_id, int64_t cycle, int64_t agent_id,
			  struct store_team_chunk *ch, size_t max, char *err, size_t errlen);
	/* Mark a chunk a repeat (sent again: some of its targets may have been probed); 0/-1. */
	int (*chunk_repeat)(struct store *st, int64_t team_id, int64_t cycle, int64_t chunk,
			    char *err, size_t errlen);
	/*
	 * A page of the results of cycle `cycle` of the team's measurement
	 * msm_id: at most limit rows {agent, seq, id, body} after the key
	 * *after, in (agent, seq, id) order (a zeroed key: from the start); the
	 * last row's (agent, seq, id) is the next page's key. Read page by page
	 * so that a cycle of millions of results is never in memory at once.
	 * 0 or -1.
	 */
	int (*results_page)(struct store *st, int64_t msm_id, int64_t cycle,
			    const struct store_result_key *after, size_t limit, store_row_fn fn,
			    void *arg, char *err, size_t errlen);
};

#endif
