/*
 * fuzz_stream_ws: feed arbitrary bytes to the live stream as a WebSocket
 * client's would arrive at the controller: libwslay's server framing (with
 * the stream's message limit), then each text message through the stream's
 * message parser and a hub (subscribe, unsubscribe, errors), and the same
 * bytes once more as one whole message. The fake transport's unsent bytes
 * grow with what is written, so the per-client bound is crossed too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <wslay/wslay.h>

#include "stream/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct feed {
	const uint8_t *data;
	size_t size, off;
	size_t unsent;
	struct stream_client *client;
};

static ssize_t feed_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
			 void *ud)
{
	(void)flags;
	struct feed *f = ud;
	size_t n = f->size - f->off < len ? f->size - f->off : len;
	if (n == 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	memcpy(buf, f->data + f->off, n);
	f->off += n;
	return (ssize_t)n;
}

static ssize_t feed_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
			 void *ud)
{
	(void)ctx;
	(void)data;
	(void)flags;
	((struct feed *)ud)->unsent += len;
	return (ssize_t)len;
}

static void feed_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *m,
		     void *ud)
{
	(void)ctx;
	struct feed *f = ud;
	if (m->opcode == WSLAY_TEXT_FRAME)
		stream_client_input(f->client, (const char *)m->msg, m->msg_length);
}

static size_t sink_pending(void *arg)
{
	return ((struct feed *)arg)->unsent;
}

static int sink_write(void *arg, const char *msg, size_t len)
{
	(void)msg;
	((struct feed *)arg)->unsent += len;
	return 0;
}

static void sink_cut(void *arg, const char *reason)
{
	(void)arg;
	(void)reason;
}

static int readable(void *arg, int64_t key, int64_t msm, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	return key == 1 && msm % 2 == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct wslay_event_callbacks cbs = { feed_recv, feed_send, NULL, NULL, NULL,
							  NULL, feed_msg };
	struct stream_access access = { NULL, readable, NULL };
	struct stream_hub *h = stream_hub_new(64 * 1024, &access);
	struct feed f = { data, size, 0, 0, NULL };
	struct stream_sink sink = { &f, sink_pending, sink_write, sink_cut };
	wslay_event_context_ptr ws = NULL;
	if (!h || !(f.client = stream_client_new(h, 1, &sink)) ||
	    wslay_event_context_server_init(&ws, &cbs, &f) != 0)
		goto out;
	wslay_event_config_set_max_recv_msg_length(ws, STREAM_MSG_MAX);
	while (f.off < f.size && wslay_event_recv(ws) == 0 && wslay_event_get_read_enabled(ws))
		wslay_event_send(ws);
	stream_client_input(f.client, (const char *)data, size);
	struct stream_event ev = { STREAM_RESULT, 1, 2, 0, "ping", "{}", 2 };
	stream_publish(h, &ev);
out:
	if (ws)
		wslay_event_context_free(ws);
	stream_client_free(f.client);
	stream_hub_free(h);
	return 0;
}
