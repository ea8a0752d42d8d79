/*
 * api_server: the API's HTTPS server (and, at /stream/, the live stream's). evhttp on OpenSSL bufferevents
 * (evhttp_set_bevcb), with bounded headers and body and an idle/slow-client
 * timeout; each request is routed (api_route), its query parsed
 * (api_query), its key checked against the store and rate limited, then
 * handed to its endpoint.
 */
#include "api/api_int.h"
#include "api/api_account.h"

#include <arpa/inet.h>
#include <event2/bufferevent_ssl.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api_cidr.h"
#include "api/api_key.h"
#include "api/api_key_body.h"
#include "api/api_perm.h"
#include "store/store_key_grants.h"
#include "util/numparse.h"

#define MAX_HEADERS (16 * 1024)
#define HARD_MAX_BODY (1024 * 1024)   /* evhttp drops bigger bodies itself */

/* A new TLS bufferevent for each accepted connection. */
static struct bufferevent *tls_bev(struct event_base *base, void *arg)
{
	struct api *a = arg;
	SSL *ssl = SSL_new(a->tls);
	struct bufferevent *bev = ssl ? bufferevent_openssl_socket_new(base, -1, ssl,
		BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE) : NULL;
	if (!bev)
		SSL_free(ssl);
	else
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* Seconds of monotonic time. */
static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The key text of the request: "Authorization: Key K" or ?key=K; "" if none. */
static const char *key_text(struct api_call *c)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(c->req), "Authorization");
	if (h && strncasecmp(h, "Key ", 4) == 0)
		return h + 4;
	return c->q.key;
}

/*
 * What the found key may do into c->perms; a key that is disabled or used
 * outside its validity window gets RIPE's 403. 0, or -1 after replying.
 */
static int key_scope(struct api_call *c)
{
	struct store *st = c->api->store;
	struct store_key_grants g;
	char err[256];
	int rc = st->ops->key_grants ? st->ops->key_grants->get(st, c->key.id, &g, err, sizeof err) : 0;
	int64_t now = api_now();
	if (rc < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	c->perms = rc == 0 ? API_PERM_ALL : api_perm_closure(api_key_grants_mask(&g));
	c->one.n = 0;
	if (rc == 1)
		api_key_grants_one(&g, &c->one);
	if (rc == 1 && (!g.enabled || (g.valid_from && now < g.valid_from) ||
			(g.valid_to && now >= g.valid_to))) {
		api_error(c, 403, "The provided API key is not valid: it is %s",
			  !g.enabled ? "disabled" : "outside its valid_from/valid_to window");
		return -1;
	}
	return 0;
}

/* See api_int.h. */
int64_t api_viewer(const struct api_call *c)
{
	return c->perms & (1u << PERM_VIEW_MEASUREMENT) ? c->key.id : 0;
}

/* See api_int.h. */
int api_authenticate(struct api_call *c)
{
	const char *k = key_text(c);
	char hash[API_KEY_HASH_LEN], err[256];
	int rate = c->api->opts.default_rate;
	if (k[0]) {
		api_key_hash(k, hash);
		int found = c->api->store->ops->api->key_find(c->api->store, hash, &c->key, err,
							      sizeof err);
		if (found < 0) {
			api_error(c, 500, "%s", err);
			return -1;
		}
		if (!found || c->key.revoked) {
			api_error(c, 403, "The provided API key is not valid");
			return -1;
		}
		if (!api_account_key_ok(c) || key_scope(c) < 0)
			return -1;
		rate = c->key.rate;
	}
	int wait = api_rate_take(&c->api->rate, c->key.id, rate, mono());
	if (wait != 0) {
		char s[16];
		snprintf(s, sizeof s, "%d", wait < 0 ? 60 : wait);
		evhttp_add_header(evhttp_request_get_output_headers(c->req), "Retry-After", s);
		api_error(c, 429, "Request was throttled: over %d requests per minute;"
			  " retry in %s seconds", rate, s);
		return -1;
	}
	return 0;
}

/*
 * Requests that need a key: every write, /measurements/my/, the credits, and
 * a probe's check-host report (it tells more of the host than RIPE shows
 * anyone: its interfaces, paths and every address). Reads of probes,
 * anchors and public measurements (their info, listing, results, latest,
 * status check and participation requests) are anonymous, as on RIPE Atlas.
 */
static int needs_key(const struct api_call *c)
{
	enum api_route_kind k = c->route.kind;
	enum evhttp_cmd_type m = evhttp_request_get_command(c->req);
	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD)
		return 1;
	return k == ROUTE_MSM_MY || k == ROUTE_CREDITS || k == ROUTE_CREDITS_TRANSACTIONS ||
	       k == ROUTE_KEY_LIST || k == ROUTE_KEY_ONE ||
	       k == ROUTE_PROBE_HOST_REPORT;
}

/* Run the endpoint for the route and method. */
static void dispatch(struct api_call *c)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(c->req);
	int get = m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD;
	if (needs_key(c) && c->key.id == 0) {
		api_error(c, 401, "Authentication credentials were not provided:"
			  " an API key is needed (Authorization: Key ... or ?key=)");
		return;
	}
	int need = api_perm_required(c->route.kind, get);
	/* a grant for one measurement covers the {id} routes of that one */
	if (need != API_PERM_NONE && c->key.id != 0 &&
	    !api_perm_holds(c->perms, &c->one, need, c->route.id)) {
		api_error(c, 403, "You do not have permission to perform this action: the key"
			  " does not hold '%s'", api_perm_name(need));
		return;
	}
	switch (c->route.kind) {
	case ROUTE_MSM_MY:
		if (get)
			return api_msm_list(c);
		break;
	case ROUTE_MSM_LIST:
		if (get)
			return api_msm_list(c);
		if (m == EVHTTP_REQ_POST)
			return api_msm_create(c);
		break;
	case ROUTE_MSM_ONE:
		if (get)
			return api_msm_one(c);
		if (m == EVHTTP_REQ_DELETE)
			return api_msm_stop(c);
		break;
	case ROUTE_MSM_RESULTS:
		if (get)
			return api_results(c);
		break;
	case ROUTE_MSM_LATEST:
		if (get)
			return api_latest(c);
		break;
	case ROUTE_MSM_TAGS:
		if (m == EVHTTP_REQ_POST)
			return api_msm_tag_add(c);
		break;
	case ROUTE_MSM_TAG_ONE:
		if (m == EVHTTP_REQ_DELETE)
			return api_msm_tag_remove(c);
		break;
	case ROUTE_MSM_PARTICIPATION:
		if (get)
			return api_msm_requests_list(c);
		if (m == EVHTTP_REQ_POST)
			return api_msm_participation(c);
		break;
	case ROUTE_PROBE_LIST: case ROUTE_ANCHOR_LIST:
		if (get)
			return api_probes_list(c);
		break;
	case ROUTE_PROBE_ONE: case ROUTE_ANCHOR_ONE:
		if (get)
			return api_probes_one(c);
		break;
	case ROUTE_PROBE_TIMING:
		if (get)
			return api_probe_timing(c);
		break;
	case ROUTE_PROBE_CONNECTIONS:
		if (get)
			return api_probe_connections(c);
		break;
	case ROUTE_PROBE_HOST_REPORT:
		if (get)
			return api_probe_host_report(c);
		break;
	case ROUTE_TEAM_ONE:
		if (get)
			return api_team_one(c);
		break;
	case ROUTE_MSM_STATUS_CHECK:
		if (get)
			return api_msm_status_check(c);
		break;
	case ROUTE_TEAM_LIST:
		if (get)
			return api_team_list(c);
		break;
	case ROUTE_CREDITS:
		if (get)
			return api_credits(c);
		break;
	case ROUTE_CREDITS_TRANSACTIONS:
		if (get)
			return api_credits_transactions(c);
		break;
	case ROUTE_ANCHOR_MSM_LIST:
		if (get)
			return api_anchor_msm_list(c);
		break;
	case ROUTE_ANCHOR_MSM_ONE:
		if (get)
			return api_anchor_msm_one(c);
		break;
	case ROUTE_KEY_LIST: case ROUTE_KEY_ONE: case ROUTE_KEY_PERMISSIONS:
		return api_keys(c);
	default:
		break;
	}
	api_error(c, 405, "Method not allowed on %s", c->path);
}

/* Every request lands here. */
static void on_request(struct evhttp_request *req, void *arg)
{
	struct api_call *c = calloc(1, sizeof *c);
	char err[512];
	if (!c) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	c->api = arg;
	c->req = req;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	c->path = uri ? evhttp_uri_get_path(uri) : NULL;
	c->query = uri ? evhttp_uri_get_query(uri) : NULL;
	if (!c->path)
		c->path = "/";
	if (api_static_request(c))
		;
	else if (api_stream_path(c->path) && c->api->opts.no_stream)
		api_error(c, 501, "this vantage-api has no live stream: give it the platform's NATS"
			  " (ingest nats://...), through which the store writers and front-ends"
			  " publish it");
	else if (api_stream_path(c->path))
		api_stream_request(c);
	else if (api_route_parse(c->path, strlen(c->path), &c->route) < 0)
		api_error(c, 404, "No endpoint at %.200s", c->path);
	else if (api_query_parse(c->query, c->query ? strlen(c->query) : 0, &c->q, err,
				 sizeof err) < 0 ||
		 api_query_check_route(&c->q, c->route.kind, err, sizeof err) < 0)
		api_error(c, 400, "%s", err);
	else if (api_authenticate(c) == 0)
		dispatch(c);
	free(c);
}

/* See api.h. */
int api_parse_listen(const char *text, char *addr, size_t addrlen, int *port, char *err,
		     size_t errlen)
{
	const char *colon = strrchr(text, ':');
	long long p;
	char why[96];
	const char *a = text;
	size_t n = colon ? (size_t)(colon - text) : 0;
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		a++;
		n -= 2;
	}
	if (!colon || n == 0 || n >= addrlen || !parse_bounded(colon + 1, 1, 65535, &p, why, sizeof why)) {
		snprintf(err, errlen, "--api: '%.80s' is not ADDR:PORT", text);
		return -1;
	}
	memcpy(addr, a, n);
	addr[n] = 0;
	struct api_cidr literal;
	if (api_addr_parse(addr, &literal) < 0) {
		snprintf(err, errlen, "--api: '%s' is not an IP address", addr);
		return -1;
	}
	*port = (int)p;
	return 0;
}

/* Set up evhttp with its limits and bind; 0 or -1 with err. */
static int start_http(struct api *a, char *err, size_t errlen)
{
	a->http = evhttp_new(a->base);
	if (!a->http) {
		snprintf(err, errlen, "cannot create the HTTP server");
		return -1;
	}
	evhttp_set_bevcb(a->http, tls_bev, a);
	evhttp_set_gencb(a->http, on_request, a);
	evhttp_set_timeout(a->http, a->opts.timeout);
	evhttp_set_max_headers_size(a->http, MAX_HEADERS);
	evhttp_set_max_body_size(a->http, HARD_MAX_BODY);
	evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
				   EVHTTP_REQ_DELETE | EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH);
	if (!evhttp_bind_socket_with_handle(a->http, a->opts.addr, (ev_uint16_t)a->opts.port)) {
		snprintf(err, errlen, "API: cannot listen on %s port %d", a->opts.addr, a->opts.port);
		return -1;
	}
	return 0;
}

/* See api_int.h. */
void api_commit_pending(struct api *a)
{
	if (a->hooks.flush)
		a->hooks.flush(a->hooks.arg);
}

/* See api.h. */
struct api *api_new(struct event_base *base, struct store *store, const struct api_opts *opts,
		    const struct api_hooks *hooks, char *err, size_t errlen)
{
	struct api *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->base = base;
	a->store = store;
	a->opts = *opts;
	if (hooks)
		a->hooks = *hooks;
	LIST_INIT(&a->streams);
	LIST_INIT(&a->lookups);
	a->limits = (struct api_limits){ opts->targets, opts->noprobe,
					 opts->min_interval };
	/* Clients know the API by its name when it listens on every address. */
	const char *host = opts->name && opts->name[0] ? opts->name : opts->addr;
	int v6 = strchr(host, ':') != NULL;
	snprintf(a->base_url, sizeof a->base_url, v6 ? "https://[%.100s]:%d" : "https://%.100s:%d",
		 host, opts->port);
	LIST_INIT(&a->live);
	if (api_stream_start(a, err, errlen) < 0 || api_dns_start(a, err, errlen) < 0 ||
	    !(a->tls = api_tls_ctx(opts->key, host, opts->cert_path, err, errlen)) ||
	    start_http(a, err, errlen) < 0) {
		api_free(a);
		return NULL;
	}
	return a;
}

/* See api.h. */
void api_free(struct api *a)
{
	if (!a)
		return;
	api_streams_end(a);
	api_stream_end(a);
	api_lookups_end(a);
	if (a->http)
		evhttp_free(a->http);
	SSL_CTX_free(a->tls);
	api_rate_free(&a->rate);
	free(a);
}
