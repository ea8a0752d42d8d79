/*
 * api_ws: the live stream over WebSocket (RFC 6455). The handshake is
 * answered here on evhttp's request; then the request's TLS bufferevent is
 * taken over from evhttp and framed by libwslay, with all I/O on our
 * libevent loop: wslay reads from the bufferevent's input and writes to its
 * output, never to the socket. Text messages go to the hub (stream.h),
 * which answers through the sink below; what the client has not read yet
 * (the bufferevent's output and wslay's queue) is what the hub bounds.
 */
#include "api/api_live.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* True if header name of req contains token (comma-separated, any case). */
static int header_has(struct evhttp_request *req, const char *name, const char *token)
{
	const char *v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
	size_t n = strlen(token);
	for (const char *p = v; p && *p; p++)
		if (strncasecmp(p, token, n) == 0 && (p == v || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == 0 || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

/* See api_live.h. */
int api_ws_asked(struct evhttp_request *req)
{
	return header_has(req, "Upgrade", "websocket");
}

/* Sec-WebSocket-Accept of key into out (29 bytes at least); 0 or -1. */
static int accept_of(const char *key, char *out)
{
	char text[64 + sizeof WS_GUID];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	snprintf(text, sizeof text, "%s%s", key, WS_GUID);
	if (EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha1(), NULL) != 1 || mdlen != 20)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, md, 20);
	return 0;
}

/* wslay: read what the bufferevent holds. */
static ssize_t ws_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *ud)
{
	(void)flags;
	struct api_live *l = ud;
	int n = evbuffer_remove(bufferevent_get_input(l->bev), buf, len);
	if (n <= 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	return n;
}

/* wslay: write to the bufferevent (it takes everything; the hub bounds it). */
static ssize_t ws_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
		       void *ud)
{
	(void)flags;
	struct api_live *l = ud;
	if (evbuffer_add(bufferevent_get_output(l->bev), data, len) < 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return (ssize_t)len;
}

/* wslay: a whole message came. Text goes to the hub; binary is refused. */
static void ws_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *m,
		   void *ud)
{
	(void)ctx;
	struct api_live *l = ud;
	if (wslay_is_ctrl_frame(m->opcode))
		return;
	if (m->opcode == WSLAY_TEXT_FRAME)
		stream_client_input(l->client, (const char *)m->msg, m->msg_length);
	else
		stream_client_error(l->client, "binary messages are not taken: send JSON text");
}

/* Send what wslay holds; after a close both ways, free once the output has left. */
static void ws_flush(struct api_live *l)
{
	if (wslay_event_send(l->ws) != 0) {
		api_live_reap(l);
		return;
	}
	if (!wslay_event_want_read(l->ws) && !wslay_event_want_write(l->ws)) {
		l->closing = 1;
		if (evbuffer_get_length(bufferevent_get_output(l->bev)) == 0)
			api_live_reap(l);
	}
}

/* The bufferevent has input: let wslay read it, then send the answers. */
static void ws_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	struct api_live *l = arg;
	if (l->closing || stream_client_is_cut(l->client))
		return;
	l->in_recv = 1;
	int rc = wslay_event_recv(l->ws);
	l->in_recv = 0;
	if (rc != 0)
		api_live_reap(l);
	else if (!stream_client_is_cut(l->client))
		ws_flush(l);
}

/* The output has left: a closing connection can go now. */
static void ws_written(struct bufferevent *bev, void *arg)
{
	(void)bev;
	struct api_live *l = arg;
	if (l->closing)
		api_live_reap(l);
}

/* Sink: bytes the client has not read yet. */
static size_t ws_pending(void *arg)
{
	struct api_live *l = arg;
	return evbuffer_get_length(bufferevent_get_output(l->bev)) +
	       wslay_event_get_queued_msg_length(l->ws);
}

/* Sink: queue one text message (sent now, or after the read that caused it). */
static int ws_write(void *arg, const char *msg, size_t len)
{
	struct api_live *l = arg;
	struct wslay_event_msg m = { WSLAY_TEXT_FRAME, (const uint8_t *)msg, len };
	if (wslay_event_queue_msg(l->ws, &m) != 0)
		return -1;
	if (!l->in_recv && wslay_event_send(l->ws) != 0)
		return -1;
	return 0;
}

/* Sink: the hub cut the client (a slow reader): drop the connection. */
static void ws_cut(void *arg, const char *reason)
{
	struct api_live *l = arg;
	fprintf(stderr, "vantage-controller: API stream client cut off: %s\n", reason);
	api_live_reap(l);
}

/* Check the handshake's headers; the key in *key, or NULL after replying the error. */
static const char *handshake_key(struct api_call *c)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(c->req);
	const char *key = evhttp_find_header(h, "Sec-WebSocket-Key");
	const char *version = evhttp_find_header(h, "Sec-WebSocket-Version");
	if (evhttp_request_get_command(c->req) != EVHTTP_REQ_GET ||
	    !header_has(c->req, "Connection", "upgrade")) {
		api_error(c, 400, "a WebSocket handshake is a GET with Connection: Upgrade");
		return NULL;
	}
	if (!version || strcmp(version, "13") != 0) {
		evhttp_add_header(evhttp_request_get_output_headers(c->req),
				  "Sec-WebSocket-Version", "13");
		api_error(c, 426, "WebSocket version 13 only");
		return NULL;
	}
	if (!key || strlen(key) != 24) {
		api_error(c, 400, "Sec-WebSocket-Key is missing or not 16 bytes in base64");
		return NULL;
	}
	return key;
}

/* Make the client's wslay server context and hub client; 0 or -1. */
static int ws_setup(struct api_live *l, int64_t key_id)
{
	static const struct wslay_event_callbacks cbs = { ws_recv, ws_send, NULL, NULL, NULL,
							  NULL, ws_msg };
	struct stream_sink sink = { l, ws_pending, ws_write, ws_cut };
	if (wslay_event_context_server_init(&l->ws, &cbs, l) != 0) {
		l->ws = NULL;
		return -1;
	}
	wslay_event_config_set_max_recv_msg_length(l->ws, STREAM_MSG_MAX);
	l->client = stream_client_new(l->api->hub, key_id, &sink);
	return l->client ? 0 : -1;
}

/* See api_live.h. */
void api_ws_start(struct api_call *c)
{
	char accept[64];
	const char *key = handshake_key(c);
	if (!key)
		return;
	struct api_live *l = accept_of(key, accept) == 0 ? api_live_new(c) : NULL;
	if (!l || ws_setup(l, c->key.id) < 0) {
		if (l) {
			l->conn = NULL;
			api_live_free(l);
		}
		return api_error(c, 500, "out of memory");
	}
	/* from here on the connection is ours: evhttp's callbacks are replaced */
	evbuffer_add_printf(bufferevent_get_output(l->bev),
			    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
			    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
	api_live_take(l, ws_read, ws_written);
	if (evbuffer_get_length(bufferevent_get_input(l->bev)) > 0)
		ws_read(l->bev, l);
}
