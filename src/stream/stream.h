/*
 * stream: RIPE Atlas's live stream (atlas-stream), apart from any transport.
 * A hub takes events through stream_publish(): a result was stored, a probe
 * connected or disconnected, a measurement was scheduled. The controller
 * feeds it from its ingest, sessions and API creates; a scaled-out
 * vantage-api can feed it from NATS the same way. Clients (a WebSocket or
 * a chunked HTTP reply, see src/api/api_ws.c and api_stream_http.c) reach
 * the hub through a sink: each gets the messages its subscriptions match,
 * as "[type, payload]" JSON text, once per event. A client whose unsent
 * bytes would pass the hub's bound is cut off, never buffered without end.
 * What a client may read is the same as through the REST API: results and
 * metadata of the measurements its key owns; probe status of every probe.
 */
#ifndef VANTAGE_STREAM_STREAM_H
#define VANTAGE_STREAM_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "stream/stream_sub.h"

struct stream_hub;
struct stream_client;

/* One event. payload is compact JSON text (len bytes), not NUL-terminated. */
struct stream_event {
	enum stream_kind kind;
	int64_t msm;              /* result, metadata */
	int64_t prb;              /* result, probestatus */
	int64_t owner_key;        /* metadata: the key that owns the measurement */
	const char *type;         /* result, metadata: "ping", "traceroute", ... (NULL: none) */
	const char *payload;
	size_t len;
};

/* How the hub asks its owner about access and history. Any hook may be NULL. */
struct stream_access {
	void *arg;
	/* 1 if key may read measurement msm's results, 0 if not (absent or not
	   its own), -1 with err on a failure */
	int (*msm_readable)(void *arg, int64_t key_id, int64_t msm, char *err, size_t errlen);
	/* send c the stored results that sub's sendBacklog asks for, through
	   stream_client_send (which applies the bound); 0 or -1 with err */
	int (*backlog)(void *arg, struct stream_client *c, const struct stream_sub *sub,
		       char *err, size_t errlen);
};

/* How the hub reaches one client's transport. Callbacks never free the client. */
struct stream_sink {
	void *arg;
	/* bytes handed to write and not yet sent to the client */
	size_t (*pending)(void *arg);
	/* queue one message; 0 or -1 (the client is then cut) */
	int (*write)(void *arg, const char *msg, size_t len);
	/* end the client with reason; the transport frees it later */
	void (*cut)(void *arg, const char *reason);
};

/* Counters of a hub since its start. */
struct stream_stats {
	uint64_t events, delivered, cut_slow, clients;
};

/* A hub bounding each client to max_pending unsent bytes (0: 1 MiB). NULL on ENOMEM. */
struct stream_hub *stream_hub_new(size_t max_pending, const struct stream_access *access);

/* Free the hub; its clients must be freed first. NULL allowed. */
void stream_hub_free(struct stream_hub *h);

/* True if some subscription of some client may take an event of kind about msm. */
int stream_hub_wants(const struct stream_hub *h, enum stream_kind kind, int64_t msm);

/* Deliver ev to every client with a matching subscription it may read. */
void stream_publish(struct stream_hub *h, const struct stream_event *ev);

/* The hub's counters. */
struct stream_stats stream_hub_stats(const struct stream_hub *h);

/* A client with key key_id (0: none) on sink. NULL on ENOMEM. */
struct stream_client *stream_client_new(struct stream_hub *h, int64_t key_id,
					const struct stream_sink *sink);

/* Forget a client (its transport is gone). NULL allowed. */
void stream_client_free(struct stream_client *c);

/*
 * One message from the client (text, len bytes): ["atlas_subscribe", {...}]
 * or ["atlas_unsubscribe", {...}]. Answers atlas_subscribed (with the backlog
 * when asked) or atlas_error with the reason. Returns 0, or -1 when the
 * client was cut.
 */
int stream_client_input(struct stream_client *c, const char *text, size_t len);

/*
 * Subscribe c to sub as stream_client_input does (the chunked GET's query
 * comes this way); 0, or -1 with err (also sent as atlas_error).
 */
int stream_client_subscribe(struct stream_client *c, const struct stream_sub *sub,
			    char *err, size_t errlen);

/*
 * Send c one message [type, payload] (payload: JSON text of len bytes),
 * unless its unsent bytes would pass the bound: then c is cut as a slow
 * reader. 0, or -1 when c is (now or already) cut.
 */
int stream_client_send(struct stream_client *c, const char *type, const char *payload, size_t len);

/* How long after a backlog its results are still looked for among live ones (s). */
#define STREAM_HANDOVER_SECONDS 60

/*
 * The backlog hook sent c the result of probe prb with timestamp ts of
 * measurement msm. Until STREAM_HANDOVER_SECONDS after the backlog, the
 * same result published live (it was committed while the backlog was read,
 * and its live event was still on its way) is not sent c again: backlog
 * and live hand over exactly. 0, or -1 when out of memory (it may then
 * come twice).
 */
int stream_client_backlog_sent(struct stream_client *c, int64_t msm, int64_t prb, int64_t ts);

/* True if a message of len bytes (framed) would still fit under c's bound. */
int stream_client_fits(const struct stream_client *c, size_t len);

/* Send c ["atlas_error", {"message": text}]; same return as stream_client_send. */
int stream_client_error(struct stream_client *c, const char *text);

/* True once c was cut. */
int stream_client_is_cut(const struct stream_client *c);

#endif
