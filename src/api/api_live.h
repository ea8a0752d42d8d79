/*
 * api_live: one client of the live stream at /stream/, a WebSocket
 * (api_ws.c) or a chunked GET (api_stream.c), and what both share: its
 * hub client, its connection, and a zero-delay event that frees it from
 * the loop once the hub has cut it (the hub's sinks never free a client
 * while it fans an event out).
 */
#ifndef VANTAGE_API_API_LIVE_H
#define VANTAGE_API_API_LIVE_H

#include <event2/bufferevent.h>
#include <event2/http.h>
#include <sys/queue.h>
#include <wslay/wslay.h>

#include "api/api_int.h"
#include "stream/stream.h"

struct api_live {
	LIST_ENTRY(api_live) link;
	struct api *api;
	struct evhttp_request *req;
	struct evhttp_connection *conn;
	struct bufferevent *bev;
	struct stream_client *client;
	struct event *reap;            /* frees this client from the loop */
	wslay_event_context_ptr ws;    /* NULL: a chunked GET */
	int in_recv;                   /* inside wslay_event_recv: send after it */
	int closing;                   /* free once the output has left */
};

/* A client of c's connection (in a->live), with its reap event; NULL on ENOMEM. */
struct api_live *api_live_new(struct api_call *c);

/* Free l from the loop (soon, not now). */
void api_live_reap(struct api_live *l);

/* Free l now: its hub client, its WebSocket and its connection. */
void api_live_free(struct api_live *l);

/*
 * Take l's connection over from evhttp: our callbacks (readcb, writecb, and
 * one for end of file, errors and the write timeout that drops l), no read
 * timeout, reading and writing on.
 */
void api_live_take(struct api_live *l, bufferevent_data_cb readcb, bufferevent_data_cb writecb);

/* True if the request asks for a WebSocket (Upgrade: websocket). */
int api_ws_asked(struct evhttp_request *req);

/* Answer the WebSocket handshake of c and take its connection over (or reply the error). */
void api_ws_start(struct api_call *c);

#endif
