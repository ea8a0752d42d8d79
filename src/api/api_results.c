/*
 * api_results: GET /measurements/{id}/results/ streamed as a chunked reply:
 * rows are read from the store in keyset pages of STREAM_BATCH and each page
 * is written as one chunk only when the previous one has left, so a large
 * result set or a slow reader never piles up in memory. format=json gives
 * one JSON array, format=txt one result per line. /latest/ streams the
 * latest result of each probe (or its versions=N latest, newest first) the
 * same way, LATEST_BATCH results a page.
 *
 * The API runs on the loop the agents depend on, so one page is one
 * callback's work and it is bounded: the store examines at most STORE_SCAN
 * index entries a page, and a page ends once it has taken PAGE_BUDGET_NS or
 * PAGE_BYTES. A page that found nothing yet is not the end: the next one
 * runs from the loop (a zero timer), after whatever else is waiting.
 */
#include "api/api_int.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stream/stream_result.h"

#define STREAM_BATCH 200
#define LATEST_BATCH 50
#define PAGE_BUDGET_NS 2000000    /* 2 ms of the loop a page at most */
#define PAGE_BYTES (256 * 1024)

struct api_stream {
	LIST_ENTRY(api_stream) link;
	struct api *api;
	struct evhttp_request *req;
	struct evhttp_connection *conn;
	struct store_result_filter f;
	int64_t probes[API_MAX_IDS];
	int txt, first, latest;
	int64_t oldest;           /* latest: lookback_days as a timestamp, 0 = any */
	char dst_name[256];       /* the target as given when it was a host name */
	uint64_t page_end;        /* monotonic ns: the page's budget runs out */
	struct evbuffer *buf;
	struct event *later;      /* runs the next page from the loop */
};

/* Free a stream (its connection is finished or gone). */
static void stream_free(struct api_stream *s)
{
	LIST_REMOVE(s, link);
	if (s->later)
		event_free(s->later);
	evbuffer_free(s->buf);
	free(s);
}

/* Monotonic nanoseconds. */
static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The client went away mid-stream: forget the stream. */
static void stream_closed(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	stream_free(arg);
}

/*
 * The result object of a store row (stream_result.h, the same object the
 * live stream sends), with "dst_name" set to the host name the measurement
 * was created with (agents measure its address). New reference or NULL.
 */
static json_t *result_of(const json_t *row, int64_t msm_id, const char *dst_name)
{
	const char *body = json_string_value(json_object_get(row, "body"));
	json_t *r = stream_result_object(body, body ? strlen(body) : 0,
					 json_integer_value(json_object_get(row, "agent")), msm_id);
	if (r && dst_name[0])   /* RIPE's dst_name is the target as given */
		json_object_set_new(r, "dst_name", json_string(dst_name));
	return r;
}

/*
 * store_row_fn: append one result to the stream's buffer (the store moves
 * the cursor); ends the page when its time or bytes are used up.
 */
static int stream_row(void *arg, json_t *row)
{
	struct api_stream *s = arg;
	if (s->oldest && json_integer_value(json_object_get(row, "ts")) < s->oldest)
		return mono_ns() >= s->page_end;
	json_t *r = result_of(row, s->f.msm_id, s->dst_name);
	char *body = r ? json_dumps(r, JSON_COMPACT) : NULL;
	json_decref(r);
	if (body) {
		if (!s->txt && !s->first)
			evbuffer_add(s->buf, ",", 1);
		evbuffer_add(s->buf, body, strlen(body));
		free(body);
		if (s->txt)
			evbuffer_add(s->buf, "\n", 1);
		s->first = 0;
	}
	return mono_ns() >= s->page_end || evbuffer_get_length(s->buf) >= PAGE_BYTES;
}

static void stream_next(struct evhttp_connection *conn, void *arg);

/* Read one page of the stream from the store; the number of rows or -1. */
static int read_page(struct api_stream *s)
{
	char err[256];
	const struct store_api_ops *ops = s->api->store->ops->api;
	s->page_end = mono_ns() + PAGE_BUDGET_NS;
	int n = s->latest ? ops->results_latest(s->api->store, &s->f, stream_row, s, err, sizeof err)
			  : ops->results_page(s->api->store, &s->f, stream_row, s, err, sizeof err);
	if (n < 0)
		fprintf(stderr, "vantage-controller: API results stream: %s\n", err);
	return n;
}

/* Write the next page as one chunk; the last one ends the reply. */
static void stream_page(struct api_stream *s)
{
	int last = read_page(s) < 0 || s->f.done;
	if (last && !s->txt)
		evbuffer_add(s->buf, "]", 1);
	if (!last && evbuffer_get_length(s->buf) == 0) {
		event_active(s->later, EV_TIMEOUT, 0);  /* nothing yet: go on from the loop */
		return;
	}
	if (!last) {
		evhttp_send_reply_chunk_with_cb(s->req, s->buf, stream_next, s);
		return;
	}
	if (evbuffer_get_length(s->buf) > 0)
		evhttp_send_reply_chunk(s->req, s->buf);
	evhttp_connection_set_closecb(s->conn, NULL, NULL);
	evhttp_send_reply_end(s->req);
	stream_free(s);
}

/* The previous chunk has been written: send the next. */
static void stream_next(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	stream_page(arg);
}

/* The loop came round: read on. */
static void stream_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stream_page(arg);
}

/* Keep in s->probes only the anchors (anchors_only=true); 0 or -1 with err. */
static int only_anchors(struct api_stream *s, struct api *a, char *err, size_t errlen)
{
	struct store_page p = { .anchors_only = 1, .limit = API_MAX_IDS };
	json_t *rows;
	int64_t count;
	if (a->store->ops->api->probe_page(a->store, &p, api_now(), &rows, &count, err, errlen) < 0)
		return -1;
	size_t n = 0, i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		int64_t id = json_integer_value(json_object_get(r, "id"));
		int want = !s->f.probes;
		for (size_t k = 0; k < s->f.nprobes; k++)
			want |= s->probes[k] == id;
		if (want && n < API_MAX_IDS)
			s->probes[n++] = id;
	}
	json_decref(rows);
	s->f.probes = s->probes;   /* no anchor: an empty list, nothing matches */
	s->f.nprobes = n;
	return 0;
}

/* Copy the query's filters into the stream's result filter; 0 or -1 with err. */
static int set_filter(struct api_stream *s, const struct api_call *c, const json_t *row,
		      char *err, size_t errlen)
{
	s->f.msm_id = c->route.id;
	s->f.start = c->q.start;
	s->f.stop = c->q.stop;
	s->f.limit = s->latest ? LATEST_BATCH : STREAM_BATCH;
	s->f.versions = c->q.versions;
	if (s->latest && c->q.versions > 1)   /* about LATEST_BATCH rows a page still */
		s->f.limit = LATEST_BATCH / c->q.versions > 0 ? LATEST_BATCH / c->q.versions : 1;
	if (s->latest && c->q.lookback_days)
		s->oldest = api_now() - (int64_t)c->q.lookback_days * 86400;
	if (c->q.probe_ids.present) {
		memcpy(s->probes, c->q.probe_ids.v, c->q.probe_ids.n * sizeof s->probes[0]);
		s->f.probes = s->probes;
		s->f.nprobes = c->q.probe_ids.n;
	}
	json_error_t jerr;
	const char *text = json_string_value(json_object_get(row, "extra"));
	json_t *extra = text ? json_loads(text, 0, &jerr) : NULL;
	const char *name = json_string_value(json_object_get(extra, "target"));
	snprintf(s->dst_name, sizeof s->dst_name, "%s", name ? name : "");
	json_decref(extra);
	return c->q.anchors_only ? only_anchors(s, c->api, err, errlen) : 0;
}

/* Start streaming the results (or, with latest, the latest results) of c's measurement. */
static void stream_start(struct api_call *c, int latest)
{
	json_t *row;
	char err[256];
	if (!api_msm_visible(c, &row))
		return;
	if (evhttp_request_get_command(c->req) == EVHTTP_REQ_HEAD) {
		json_decref(row);
		return api_reply_json(c, 200, NULL);
	}
	struct api_stream *s = calloc(1, sizeof *s);
	if (!s || !(s->buf = evbuffer_new()) ||
	    !(s->later = event_new(c->api->base, -1, 0, stream_later, s))) {
		if (s && s->buf)
			evbuffer_free(s->buf);
		free(s);
		json_decref(row);
		return api_error(c, 500, "out of memory");
	}
	s->latest = latest;
	if (set_filter(s, c, row, err, sizeof err) < 0) {
		json_decref(row);
		event_free(s->later);
		evbuffer_free(s->buf);
		free(s);
		return api_error(c, 500, "%s", err);
	}
	json_decref(row);
	s->api = c->api;
	s->req = c->req;
	s->conn = evhttp_request_get_connection(c->req);
	s->txt = !latest && c->q.format_txt;
	s->first = 1;
	LIST_INSERT_HEAD(&c->api->streams, s, link);
	if (c->api->hooks.flush)
		c->api->hooks.flush(c->api->hooks.arg);
	evhttp_add_header(evhttp_request_get_output_headers(c->req), "Content-Type",
			  s->txt ? "text/plain" : "application/json");
	evhttp_connection_set_closecb(s->conn, stream_closed, s);
	evhttp_send_reply_start(c->req, 200, "OK");
	if (!s->txt)
		evbuffer_add(s->buf, "[", 1);
	stream_page(s);
}

/* See api_int.h: GET /measurements/{id}/results/. */
void api_results(struct api_call *c)
{
	stream_start(c, 0);
}

/* See api_int.h. */
void api_streams_end(struct api *a)
{
	while (!LIST_EMPTY(&a->streams)) {
		struct api_stream *s = LIST_FIRST(&a->streams);
		evhttp_connection_set_closecb(s->conn, NULL, NULL);
		stream_free(s);
	}
}

/* See api_int.h: GET /measurements/{id}/latest/. */
void api_latest(struct api_call *c)
{
	stream_start(c, 1);
}
