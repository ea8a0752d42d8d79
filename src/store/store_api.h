/*
 * store_api: the storage operations the REST API (src/api) needs on top of
 * the controller's own: API keys and their owners, measurements with their
 * owner, description and participants (created with their assignments in one
 * transaction), results filtered by time and probe and read in keyset pages
 * (so the API streams them without holding them in memory), the latest result
 * per probe, and probes (agents) with their network attributes and the
 * status and uptime derived from their sessions. Reached as
 * st->ops->api->...; every operation returns 0 (or a documented count) or
 * -1 with a reason in err.
 */
#ifndef VANTAGE_STORE_STORE_API_H
#define VANTAGE_STORE_STORE_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_msm;
typedef int (*store_row_fn)(void *arg, json_t *row);

/* Hand fn one result as the row {agent, seq, ts, body}; fn's answer (non-zero: stop). */
int store_give_result(store_row_fn fn, void *arg, int64_t agent, int64_t seq, int64_t ts,
		      const char *body);

/* An API key as stored: only the SHA-256 of the key text is kept. */
struct store_key {
	int64_t id;
	char owner[128];
	int rate;           /* requests per minute allowed */
	int revoked;
};

/* One measurement to create through the API, with its metadata. */
struct store_api_msm {
	struct store_msm *msm;    /* definition and schedule; msm->id is set */
	const int64_t *agents;    /* participants chosen */
	size_t nagents;
	int64_t key_id;           /* owner */
	const char *description;
	int is_oneoff;
	int64_t requested;        /* probes asked for */
	int64_t created;          /* Unix seconds */
	int is_public;            /* readable by anyone, with or without a key */
	const char *extra;        /* JSON object of the fields stored to be echoed
				     (target as given, resolved_ips, tags, ...), or NULL */
};

/*
 * Which results to read: one measurement, optional time window and probes,
 * after the keyset cursor, at most limit rows given. A page examines at
 * most scan rows (STORE_SCAN when 0), matching or not, so its work is
 * bounded whatever the filter selects; it may give no row and still not be
 * the last. The store moves the cursor past what it examined and sets done
 * when nothing is left.
 */
struct store_result_filter {
	int64_t msm_id;
	int64_t start, stop;      /* result "timestamp" bounds, 0 = open */
	const int64_t *probes;    /* NULL = all */
	size_t nprobes;
	int64_t after_ts, after_agent, after_seq;  /* cursor; all 0 = the start */
	int limit;
	int scan;
	int versions;             /* results_latest: the newest N results of each probe (0 = 1) */
	int done;                 /* out: the last page was read */
};

/* A fresh cursor (all after_ fields 0) starts at the window's start. */
void store_cursor_start(struct store_result_filter *f);

/* Rows (or, for the latest results, probes) a page examines at most. */
#define STORE_SCAN 2000

/* Which measurements or probes to list (one page). */
struct store_page {
	int64_t key_id;           /* measurements: owner (0 = all) */
	const char *status;       /* measurements: "running" / "stopped" / NULL */
	const char *type;         /* measurements: "ping" / "traceroute" / NULL */
	int anchors_only;         /* probes */
	const int64_t *ids;       /* id__in filter, NULL = all */
	size_t nids;
	int64_t offset;
	int limit;
	/* measurements only (0 / NULL = no filter): */
	int visible;              /* only public ones and those of viewer */
	int64_t viewer;           /* key id of the reader (0: anonymous) */
	unsigned status_mask;     /* bit N: RIPE status id N (1, 2, 4, 6) as of now */
	int64_t now;
	int af;
	const char *target, *target_contains, *description, *description_contains, *search;
	const char *tags;         /* JSON array of tags that must all be present */
	int is_public;            /* 1 public only, 2 private only */
	int64_t start_gt, start_lt, stop_gt, stop_lt, id_gt, id_lt;
	int64_t current_probe;    /* taking part now (not refused, not removed) */
	const char *sort;         /* "id", "-id", "start_time", "-start_time", "stop_time",
				     "-stop_time"; NULL = "-id" */
};

struct store_api_ops {
	int (*key_add)(struct store *st, const char *hash, const char *owner, int rate,
		       int64_t now, int64_t *id, char *err, size_t errlen);
	int (*key_revoke)(struct store *st, int64_t id, char *err, size_t errlen);
	/* Rows {id, owner, rate, created, revoked, prefix}. */
	int (*key_list)(struct store *st, json_t **out, char *err, size_t errlen);
	/* Returns 1 and fills *k if the hash is known, 0 if not, -1 on error. */
	int (*key_find)(struct store *st, const char *hash, struct store_key *k,
			char *err, size_t errlen);
	/* Create n measurements with their assignments and metadata in one transaction. */
	int (*msm_create)(struct store *st, struct store_api_msm *m, size_t n,
			  char *err, size_t errlen);
	/* Row {id, def, start, stop, interval, spread, stopped, key_id, description,
	   is_oneoff, requested, created, participants, reported, is_public, extra}:
	   1, 0 if none, -1.
	   reported: the participants with at least one result stored. */
	int (*msm_get)(struct store *st, int64_t id, json_t **row, char *err, size_t errlen);
	/* One page of rows like msm_get's, and the total count matching. */
	int (*msm_page)(struct store *st, const struct store_page *p, json_t **rows,
			int64_t *count, char *err, size_t errlen);
	/* The participants (not refused) of measurement id as a new array of ids
	   in *ids, if key_id owns it (0: any owner): 1, 0 if not (or none), -1. */
	int (*msm_probes)(struct store *st, int64_t id, int64_t key_id, json_t **ids,
			  char *err, size_t errlen);
	/* Add (or, with remove, take away) participants; returns how many changed. */
	int (*msm_participants)(struct store *st, int64_t id, const int64_t *agents, size_t n,
				int remove, char *err, size_t errlen);
	/* One page of result rows {agent, seq, ts, body} in (ts, agent, seq) order
	   after f's cursor, which it moves; fn may return non-zero to end the page
	   after its row. Returns the number of rows given to fn. */
	int (*results_page)(struct store *st, struct store_result_filter *f,
			    store_row_fn fn, void *arg, char *err, size_t errlen);
	/* One page of the latest result (highest seq) of each probe, or its
	   f->versions latest, newest first, in probe order after f->after_agent,
	   at most f->limit probes examined (f's probes filter applies, its time
	   window does not); a probe's results are all given even when fn asks to
	   stop among them; moves the cursor, sets done. */
	int (*results_latest)(struct store *st, struct store_result_filter *f,
			      store_row_fn fn, void *arg, char *err, size_t errlen);
	/* Rows {id, fp, org, role, tags, approved, asn_v4, asn_v6, country_code,
	   prefix_v4, prefix_v6, address_v4, address_v6, first_connected,
	   last_connected, connected_now, total_uptime, status_since}, uptime as of now. */
	int (*probe_page)(struct store *st, const struct store_page *p, int64_t now,
			  json_t **rows, int64_t *count, char *err, size_t errlen);
	/* How many measurements of the key run as of now: not stopped, periodic
	   and not past their stop, or one-off and started less than 600 s ago. */
	int (*key_running)(struct store *st, int64_t key_id, int64_t now, int64_t *count,
			   char *err, size_t errlen);
	/*
	 * Inside the caller's open transaction (txn "begin"): wait until no
	 * other transaction holds the key or its owning account for a create,
	 * and hold both to this transaction's end, so the caps counted after it
	 * (key_running, the account's credits) see every create committed
	 * before it, and creates through several API programs at once cannot
	 * together go over a cap: the check and the insert are one step.
	 * NULL: the store has one writer at a time anyway (SQLite).
	 */
	int (*create_lock)(struct store *st, int64_t key_id, char *err, size_t errlen);
	/* Set the network attributes of an agent from attrs (fields as probe rows). */
	int (*agent_attrs)(struct store *st, int64_t agent_id, const json_t *attrs,
			   char *err, size_t errlen);
};

#endif
