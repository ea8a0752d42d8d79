/*
 * store_admission: what admission keeps (issue 15). Per agent, its last
 * decision: state (pending, refused, approved), the reason, and the address,
 * routed prefix and AS it was decided on; the anchors each account has
 * admitted and when (kept after the anchor is removed, so removing and
 * re-registering or re-keying an anchor does not give the year's allowance
 * back); the check-host report that came with an agent's registration; the
 * prefixes and ASes an account registered as its own; and the operator's
 * recorded location permissions. Reached as st->ops->admission->...; every
 * operation returns 0 (or a documented count) or -1 with err.
 */
#ifndef VANTAGE_STORE_STORE_ADMISSION_H
#define VANTAGE_STORE_STORE_ADMISSION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_admission {
	int64_t agent_id;
	char state[16];      /* "pending", "refused" or "approved" */
	char reason[400];
	char address[64];    /* the address decided on ("" when none was known) */
	char prefix[64];     /* its routed prefix ("" when not in the prefix table) */
	int64_t asn;         /* its origin AS (0: none) */
	int64_t decided;     /* Unix seconds */
};

/* Which agents a count takes in: approved software probes (role probe,
   still registered) other than except, at one address or in one prefix,
   of one account (0: of every account). */
struct store_admission_count {
	const char *address;   /* NULL: any */
	const char *prefix;    /* NULL: any */
	int64_t account;       /* 0: any */
	int64_t except;        /* the agent being decided */
};

/* Who an agent is to admission: its role ("" when it is not registered, or removed)
   and the account that owns it (0: none). */
struct store_admission_subject {
	char role[16];
	int64_t account;
};

struct store_admission_ops {
	/* The role of a registered (not removed) agent into role: 1, 0 when none, -1. */
	int (*role)(struct store *st, int64_t agent_id, char *role, size_t len,
		    char *err, size_t errlen);
	/* Keep (replace) the agent's decision. */
	int (*put)(struct store *st, const struct store_admission *a, char *err, size_t errlen);
	/* The agent's decision: 1 and *a filled, 0 when none, -1. */
	int (*get)(struct store *st, int64_t agent_id, struct store_admission *a,
		   char *err, size_t errlen);
	/* How many agents q takes in, into *n. */
	int (*count)(struct store *st, const struct store_admission_count *q, int64_t *n,
		     char *err, size_t errlen);
	/* Record that the account admitted anchor agent_id at now (once: a second call
	   keeps the first time). */
	int (*anchor_admitted)(struct store *st, int64_t agent_id, int64_t account, int64_t now,
			       char *err, size_t errlen);
	/* Anchors the account admitted at or after since, other than except, into *n. */
	int (*anchors_since)(struct store *st, int64_t account, int64_t since, int64_t except,
			     int64_t *n, char *err, size_t errlen);
	/* Keep the check-host report (JSON text) that came with the agent's registration. */
	int (*report_put)(struct store *st, int64_t agent_id, const char *report,
			  char *err, size_t errlen);
	/* The agent's report: 1 and *out (new reference), 0 when none, -1. */
	int (*report_get)(struct store *st, int64_t agent_id, json_t **out, char *err, size_t errlen);
	/* Register a prefix (text, or NULL) or an AS (asn > 0) as the account's own. */
	int (*own_add)(struct store *st, int64_t account, const char *prefix, int64_t asn,
		       int64_t now, char *err, size_t errlen);
	/* Record the operator's permission for the account to host in a prefix or AS. */
	int (*permit)(struct store *st, int64_t account, const char *prefix, int64_t asn,
		      const char *note, int64_t now, char *err, size_t errlen);
	/* Rows {kind ("own" or "permission"), prefix (or null), asn (or null), note, created}
	   of the account, own ones first. */
	int (*locations)(struct store *st, int64_t account, json_t **out, char *err, size_t errlen);
	/* Keep (replace) the agent's location in degrees (exact: the API coarsens it). */
	int (*locate)(struct store *st, int64_t agent_id, double lat, double lon,
		      char *err, size_t errlen);
	/* The agent's location: 1 and *lat, *lon, 0 when none, -1. */
	int (*location)(struct store *st, int64_t agent_id, double *lat, double *lon,
			char *err, size_t errlen);
	/*
	 * The subjects of the n agents of ids into out[0..n), in one step (one
	 * round trip for a batch). NULL: the caller asks role and
	 * store_account's of_agent for each.
	 */
	int (*subjects)(struct store *st, const int64_t *ids, size_t n,
			struct store_admission_subject *out, char *err, size_t errlen);
	/*
	 * Keep the n decisions of a (as put) and set each agent's approved flag
	 * to whether its state is "approved" (as store.h's agent_approve), in
	 * one step; a decision on an agent not registered fails them all.
	 * NULL: the caller calls put and agent_approve for each.
	 */
	int (*put_many)(struct store *st, const struct store_admission *a, size_t n,
			char *err, size_t errlen);
	/*
	 * Inside the caller's open transaction (txn "begin"): wait until no other
	 * decider holds the admission lock and hold it to that transaction's end,
	 * so the counts read after it see every decision committed before it and
	 * several front-ends deciding at once cannot together go over a cap.
	 * NULL: the store has one writer at a time anyway (SQLite).
	 */
	int (*decide_lock)(struct store *st, char *err, size_t errlen);
};

#endif
