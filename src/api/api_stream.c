/*
 * api_stream: the live stream's endpoint, /stream/, on the API's address
 * and TLS. A request with "Upgrade: websocket" becomes a WebSocket
 * (api_ws.c); a plain GET /stream/?streamType=...&msm=... is answered as
 * a chunked reply with one JSON message [type, payload] a line, for curl.
 * Both take the connection over from evhttp (api_live_take).
 * Here too: the hub's access to the store (a key reads the results of its
 * own measurements, as through /results/) and the backlog that
 * sendBacklog asks for: the results of the last BACKLOG_SECONDS (by their
 * timestamp), read in bounded pages.
 */
#include "api/api_live.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jetstream/js_live.h"
#include "stream/stream_result.h"

#define BACKLOG_SECONDS 300
#define BACKLOG_PAGE 200
#define BACKLOG_PAGES 20        /* at most 20 pages of 2,000 index entries a subscribe */
#define LIVE_WRITE_TIMEOUT_S 60 /* a client that reads nothing for this long while data waits goes */

/* See api_int.h. */
int api_stream_path(const char *path)
{
	return strcmp(path, "/stream") == 0 || strcmp(path, "/stream/") == 0;
}

/* Hook: may key read measurement msm (its owner)? 1, 0 or -1 with err. */
static int readable(void *arg, int64_t key, int64_t msm, char *err, size_t errlen)
{
	struct api *a = arg;
	json_t *row = NULL;
	int found = a->store->ops->api->msm_get(a->store, msm, &row, err, errlen);
	if (found <= 0)
		return found;
	int ok = json_integer_value(json_object_get(row, "key_id")) == key;
	json_decref(row);
	return ok;
}

struct backlog {
	struct stream_client *client;
	const struct stream_sub *sub;
	long long sent;
	int full;                 /* the next result did not fit the client's buffer */
};

/* store_row_fn: send one stored result of the backlog; ends the page if the client is cut. */
static int backlog_row(void *arg, json_t *row)
{
	struct backlog *b = arg;
	const char *body = json_string_value(json_object_get(row, "body"));
	json_t *r = stream_result_object(body, body ? strlen(body) : 0,
					 json_integer_value(json_object_get(row, "agent")),
					 b->sub->msm);
	const char *type = json_string_value(json_object_get(r, "type"));
	char *text = r && (!b->sub->type[0] || (type && strcmp(type, b->sub->type) == 0)) ?
		json_dumps(r, JSON_COMPACT) : NULL;
	int64_t prb = json_integer_value(json_object_get(row, "agent"));
	json_t *ts = json_object_get(r, "timestamp");
	if (text && !stream_client_fits(b->client, strlen(text))) {
		b->full = 1;
	} else if (text && stream_client_send(b->client, "atlas_result", text, strlen(text)) == 0) {
		b->sent++;
		if (json_is_integer(ts))   /* not again live: see stream.h */
			stream_client_backlog_sent(b->client, b->sub->msm, prb,
						   json_integer_value(ts));
	}
	json_decref(r);
	free(text);
	return b->full || stream_client_is_cut(b->client);
}

/*
 * Hook: send the results of sub's measurement stored with a timestamp in the
 * last BACKLOG_SECONDS. What waits to be committed is committed first, so
 * it comes here and not live (the hub adds the subscription after this).
 */
static int backlog(void *arg, struct stream_client *c, const struct stream_sub *sub, char *err,
		   size_t errlen)
{
	struct api *a = arg;
	int64_t prb = sub->prb;
	struct backlog b = { c, sub, 0, 0 };
	struct store_result_filter f = { .msm_id = sub->msm, .start = api_now() - BACKLOG_SECONDS,
					 .limit = BACKLOG_PAGE };
	if (prb) {
		f.probes = &prb;
		f.nprobes = 1;
	}
	api_commit_pending(a);
	for (int page = 0; page < BACKLOG_PAGES && !f.done && !b.full && !stream_client_is_cut(c);
	     page++)
		if (a->store->ops->api->results_page(a->store, &f, backlog_row, &b, err, errlen) < 0)
			return -1;
	if (b.full || !f.done) {
		snprintf(err, errlen, "sendBacklog: cut short after %lld results (%s); read the rest"
			 " from /api/v2/measurements/%lld/results/", b.sent,
			 b.full ? "the connection's buffer is full" : "the backlog is too long",
			 (long long)sub->msm);
		return -1;
	}
	return 0;
}

/* See api_int.h. */
int api_stream_start(struct api *a, char *err, size_t errlen)
{
	struct stream_access access = { a, readable, backlog };
	a->hub = stream_hub_new(a->opts.stream_max_pending, &access);
	if (!a->hub)
		snprintf(err, errlen, "out of memory");
	return a->hub ? 0 : -1;
}

/* See api_int.h. */
void api_stream_end(struct api *a)
{
	while (!LIST_EMPTY(&a->live))
		api_live_free(LIST_FIRST(&a->live));
	stream_hub_free(a->hub);
	a->hub = NULL;
}

/* See api.h. */
struct stream_hub *api_stream_hub(struct api *a)
{
	return a->hub;
}

/* See api.h. */
void api_stream_set_live(struct api *a, struct js_live *live)
{
	a->bus = live;
}

/* The reap event fired: free the client. */
static void reap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	api_live_free(arg);
}

/* See api_live.h. */
struct api_live *api_live_new(struct api_call *c)
{
	struct api_live *l = calloc(1, sizeof *l);
	if (!l || !(l->reap = event_new(c->api->base, -1, 0, reap_cb, l))) {
		free(l);
		return NULL;
	}
	l->api = c->api;
	l->req = c->req;
	l->conn = evhttp_request_get_connection(c->req);
	l->bev = evhttp_connection_get_bufferevent(l->conn);
	LIST_INSERT_HEAD(&c->api->live, l, link);
	return l;
}

/* See api_live.h. */
void api_live_reap(struct api_live *l)
{
	event_active(l->reap, EV_TIMEOUT, 0);
}

/* See api_live.h. */
void api_live_free(struct api_live *l)
{
	LIST_REMOVE(l, link);
	stream_client_free(l->client);
	if (l->ws)
		wslay_event_context_free(l->ws);
	event_free(l->reap);
	if (l->conn) {
		evhttp_connection_set_closecb(l->conn, NULL, NULL);
		evhttp_connection_free(l->conn);
	}
	free(l);
}

/*
 * End of file, an error or the write timeout: drop the client. A read
 * timeout is no reason (a subscriber may stay silent for ever); evhttp's
 * own read timeout can still fire on the connection we took over, and
 * libevent then stops reading: read on.
 */
static void live_event(struct bufferevent *bev, short what, void *arg)
{
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING)) {
		bufferevent_enable(bev, EV_READ);
		return;
	}
	api_live_reap(arg);
}

/* See api_live.h. */
void api_live_take(struct api_live *l, bufferevent_data_cb readcb, bufferevent_data_cb writecb)
{
	struct timeval wt = { LIVE_WRITE_TIMEOUT_S, 0 };
	bufferevent_setcb(l->bev, readcb, writecb, live_event, l);
	bufferevent_setwatermark(l->bev, EV_READ | EV_WRITE, 0, 0);
	bufferevent_set_timeouts(l->bev, NULL, &wt);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
}

/* Sink: bytes not yet sent on the connection. */
static size_t chunk_pending(void *arg)
{
	struct api_live *l = arg;
	return evbuffer_get_length(bufferevent_get_output(l->bev));
}

/* Sink: one message as one line in one chunk of the reply. */
static int chunk_write(void *arg, const char *msg, size_t len)
{
	struct api_live *l = arg;
	struct evbuffer *out = bufferevent_get_output(l->bev);
	if (evbuffer_add_printf(out, "%zx\r\n", len + 1) < 0 || evbuffer_add(out, msg, len) < 0 ||
	    evbuffer_add(out, "\n\r\n", 3) < 0)
		return -1;
	return 0;
}

/* Sink: the hub cut the client; drop the connection from the loop. */
static void live_cut(void *arg, const char *reason)
{
	struct api_live *l = arg;
	fprintf(stderr, "vantage-controller: API stream client cut off: %s\n", reason);
	api_live_reap(l);
}

/* A chunked GET's client has nothing more to say: whatever it sends is dropped. */
static void chunk_read(struct bufferevent *bev, void *arg)
{
	(void)arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	evbuffer_drain(in, evbuffer_get_length(in));
}

/* The subscription a chunked GET's query asks for; 0 or -1 with err. */
static int query_sub(const struct evkeyvalq *q, struct stream_sub *sub, char *err, size_t errlen)
{
	const struct evkeyval *kv;
	memset(sub, 0, sizeof *sub);
	TAILQ_FOREACH(kv, q, next)
		if (strcmp(kv->key, "key") != 0 &&
		    stream_sub_param(sub, kv->key, kv->value, err, errlen) < 0)
			return -1;
	return stream_sub_check(sub, err, errlen);
}

/*
 * GET /stream/?...: subscribe and stream as a chunked reply. The connection
 * is taken over from evhttp as a WebSocket's is, so the reply lasts as long
 * as the client stays, whatever it sends meanwhile.
 */
static void chunked_start(struct api_call *c, const struct evkeyvalq *q)
{
	struct stream_sub sub;
	char err[256];
	if (query_sub(q, &sub, err, sizeof err) < 0)
		return api_error(c, 400, "%s", err);
	if (evhttp_request_get_command(c->req) == EVHTTP_REQ_HEAD)
		return api_reply_json(c, 200, NULL);
	struct api_live *l = api_live_new(c);
	struct stream_sink sink = { l, chunk_pending, chunk_write, live_cut };
	if (!l || !(l->client = stream_client_new(c->api->hub, c->key.id, &sink))) {
		if (l) {
			l->conn = NULL;
			api_live_free(l);
		}
		return api_error(c, 500, "out of memory");
	}
	evbuffer_add_printf(bufferevent_get_output(l->bev),
			    "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
			    "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n");
	api_live_take(l, chunk_read, NULL);
	stream_client_subscribe(l->client, &sub, err, sizeof err);
}

/* Take ?key= of the stream's query into c->q.key; 0 or -1 after replying. */
static int query_key(struct api_call *c, const struct evkeyvalq *q)
{
	const char *k = evhttp_find_header(q, "key");
	if (k && strlen(k) >= sizeof c->q.key) {
		api_error(c, 403, "The provided API key is not valid");
		return -1;
	}
	snprintf(c->q.key, sizeof c->q.key, "%s", k ? k : "");
	return 0;
}

/* See api_int.h. */
void api_stream_request(struct api_call *c)
{
	struct evkeyvalq q;
	TAILQ_INIT(&q);
	enum evhttp_cmd_type m = evhttp_request_get_command(c->req);
	if (c->query && evhttp_parse_query_str(c->query, &q) < 0)
		api_error(c, 400, "the query string is malformed");
	else if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD)
		api_error(c, 405, "Method not allowed on %s", c->path);
	else if (query_key(c, &q) == 0 && api_authenticate(c) == 0) {
		if (api_ws_asked(c->req))
			api_ws_start(c);
		else
			chunked_start(c, &q);
	}
	evhttp_clear_headers(&q);
}
