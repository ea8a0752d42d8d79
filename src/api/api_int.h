/*
 * api_int: the REST API's internal structures and the functions its files
 * share: api_server.c (setup, dispatch, authentication), api_reply.c
 * (replies, errors, page links), api_probe.c, api_msm.c, api_msm_create.c,
 * api_results.c (the endpoints), api_tls.c (certificate and TLS context).
 */
#ifndef VANTAGE_API_API_INT_H
#define VANTAGE_API_API_INT_H

#include <event2/http.h>
#include <jansson.h>
#include <openssl/ssl.h>
#include <sys/queue.h>

#include "api/api.h"
#include "api/api_create.h"
#include "api/api_perm.h"
#include "api/api_query.h"
#include "api/api_rate.h"
#include "api/api_route.h"
#include "store/store.h"
#include "store/store_api.h"

struct api_stream;
struct api_live;
struct api_lookup;
struct evdns_base;

struct api {
	struct event_base *base;
	struct store *store;
	struct evhttp *http;
	SSL_CTX *tls;
	struct api_hooks hooks;
	struct api_opts opts;
	struct api_limits limits;
	char base_url[160];             /* https://ADDR:PORT */
	struct api_rate rate;
	LIST_HEAD(, api_stream) streams; /* result streams in progress */
	struct evdns_base *dns;         /* resolves host-name targets (api_lookup.c) */
	LIST_HEAD(, api_lookup) lookups; /* creates waiting for their names */
	int closing;                    /* api_free has begun: reply to nobody */
	struct stream_hub *hub;         /* the live stream (src/stream) */
	struct js_live *bus;            /* its events go through NATS (api_stream_set_live) or NULL */
	LIST_HEAD(, api_live) live;     /* its clients: WebSockets and chunked GETs */
};

/* One request being answered. */
struct api_call {
	struct api *api;
	struct evhttp_request *req;
	struct api_route route;
	struct api_query q;
	const char *path;
	const char *query;              /* raw query string or NULL */
	struct store_key key;           /* key.id 0: no key */
	unsigned perms;                 /* what the key may do (api_perm.h), implied ones in */
	struct api_grants_one one;      /* what it may do on one measurement each */
};

/* The key id private measurements are shown to: the caller's, if it may view them; else 0. */
int64_t api_viewer(const struct api_call *c);

/* /keys/, /keys/{key}/ and /keys/permissions/ (api_keys.c). */
void api_keys(struct api_call *c);

/*
 * Serve the dashboard's files when c is for "/" or /dashboard/...: 1 when it
 * answered (api_static.c), 0 when c is for the JSON API.
 */
int api_static_request(struct api_call *c);

/*
 * GET /probes/{id}/timing/ and /probes/{id}/connections/: a vantage point's
 * timing reports and its connects and disconnects, oldest first, as
 * {count, results} (api_probe_history.c; ours, not RIPE's, for the dashboard).
 */
void api_probe_timing(struct api_call *c);
void api_probe_connections(struct api_call *c);
/* GET /probes/{id}/host-report/: the newest check-host report the probe sent
   {probe, received, report} (api_probe_hostreport.c); 404 when none. */
void api_probe_host_report(struct api_call *c);
/* Append to probe's tags the system tags its check-host report gives:
   system-virtual, system-ipv4-rfc1918, system-ipv6-ula (api_probe_hostreport.c). */
void api_probe_report_tags(const struct api *a, json_t *probe);

/* Send obj (stolen) as JSON with HTTP status. */
void api_reply_json(struct api_call *c, int status, json_t *obj);

/* Send an error in the RIPE Atlas shape with HTTP status and detail. */
void api_error(struct api_call *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A listing page {count, next, previous, results} for rows (stolen) of total
 * count, with links to the neighbouring pages of c's path and query.
 */
json_t *api_page(const struct api_call *c, json_t *rows, int64_t count);

/* The link to page of path with query (its page= replaced); malloc'd. */
char *api_page_link(const char *base, const char *path, const char *query, long long page);

/* Unix seconds now. */
int64_t api_now(void);

/*
 * Commit whatever the controller holds in its open group-commit transaction,
 * so that the write that follows runs (and commits) on its own: an API write
 * is answered, and sent to agents, only once it is durable.
 */
void api_commit_pending(struct api *a);


/* Every registered probe in API form (new array), or NULL with err. */
json_t *api_probes_all(struct api *a, char *err, size_t errlen);

/* The endpoints. */
void api_probes_list(struct api_call *c);
void api_probes_one(struct api_call *c);
void api_msm_list(struct api_call *c);
void api_msm_one(struct api_call *c);
void api_msm_stop(struct api_call *c);
void api_msm_create(struct api_call *c);
void api_msm_participation(struct api_call *c);
void api_results(struct api_call *c);
void api_latest(struct api_call *c);
void api_msm_tag_add(struct api_call *c);
void api_msm_tag_remove(struct api_call *c);
void api_msm_status_check(struct api_call *c);
void api_msm_requests_list(struct api_call *c);

/*
 * The measurement row of c's route id if it is public or c's key owns it:
 * 1 with *row, or 0 after replying 404 (absent or someone else's private
 * one) or 500.
 */
int api_msm_visible(struct api_call *c, json_t **row);

/* GET /api/v2/teams/{id}/: the team's status (api_team.c). */
void api_team_one(struct api_call *c);
/* GET /api/v2/teams/: every team's status, one page (api_team.c). */
void api_team_list(struct api_call *c);

/* GET /credits/ and /credits/transactions/: the calling key's account's credits,
   RIPE-shaped, and its ledger entries (api_credits.c). */
void api_credits(struct api_call *c);
void api_credits_transactions(struct api_call *c);
/* GET /anchor-measurements/ and /anchor-measurements/{id}/ (api_anchor_msm.c). */
void api_anchor_msm_list(struct api_call *c);
void api_anchor_msm_one(struct api_call *c);

/*
 * The measurement row of c's route id if c's key owns it: 1 with *row, or 0
 * after replying 404 (absent or someone else's) or 500.
 */
int api_msm_owned(struct api_call *c, json_t **row);

/*
 * Finish a parsed create whose targets are all addresses: choose the probes,
 * store every definition in one transaction, send them and reply 201; or
 * reply the error.
 */
void api_msm_create_finish(struct api_call *c, const struct api_create *req);

/* Resolve req's host names (req is taken, c copied), then finish it (api_lookup.c). */
void api_lookup_start(struct api_call *c, struct api_create *req);

/* Start the resolver of opts.resolv_conf and opts.hosts; 0 or -1 with err. */
int api_dns_start(struct api *a, char *err, size_t errlen);

/* Cancel the lookups in progress and free the resolver (shutdown). */
void api_lookups_end(struct api *a);

/* End every stream in progress (shutdown). */
void api_streams_end(struct api *a);

/*
 * Check the request's key (if any) and its rate; 0 to go on (c->key.id 0
 * when there is no key), or -1 after replying the error.
 */
int api_authenticate(struct api_call *c);

/*
 * Publish measurement id (as GET /measurements/{id}/ gives it) to the live
 * stream's metadata subscribers of its owner: it was scheduled or stopped.
 */
void api_msm_announce(struct api *a, int64_t id);

/* GET /stream/: a WebSocket upgrade or a chunked stream (api_stream.c). */
void api_stream_request(struct api_call *c);

/* True if path is /stream or /stream/. */
int api_stream_path(const char *path);

/* Start and end the live stream's hub with its access to the store (api_stream.c). */
int api_stream_start(struct api *a, char *err, size_t errlen);
void api_stream_end(struct api *a);

/* A TLS context over key with a self-signed certificate naming host, written
   to cert_path. NULL with err. */
SSL_CTX *api_tls_ctx(EVP_PKEY *key, const char *host, const char *cert_path,
		     char *err, size_t errlen);

#endif
