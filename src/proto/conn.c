/*
 * conn: framed, decoded messages over a bufferevent, with deferred closing
 * (see conn.h).
 */
#include "proto/conn.h"
#include "proto/tls_err.h"

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn {
	struct bufferevent *bev;
	struct conn_cbs cbs;
	void *arg;
	int closing;
	int held;                   /* conn_hold: hand over no message */
	struct event *closer;
	struct event *resume;       /* hands over the input waiting at a release */
	char reason[256];
};

static void finish(evutil_socket_t fd, short what, void *arg);

/* See conn.h. */
void conn_free(struct conn *c)
{
	if (!c)
		return;
	if (c->closer)
		event_free(c->closer);
	if (c->resume)
		event_free(c->resume);
	bufferevent_free(c->bev);
	free(c);
}

/* Run the close callback and free c (from the event loop). */
static void finish(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct conn *c = arg;
	if (c->cbs.on_close)
		c->cbs.on_close(c, c->reason, c->arg);
	conn_free(c);
}

/* Schedule finish() after delay seconds (0: on the next loop pass). */
static void schedule_finish(struct conn *c, int delay)
{
	struct timeval tv = { delay, 0 };
	if (!c->closer)
		c->closer = event_new(bufferevent_get_base(c->bev), -1, 0, finish, c);
	event_add(c->closer, &tv);
}

/* Output drained while closing: finish now. */
static void drained(struct bufferevent *bev, void *arg)
{
	(void)bev;
	schedule_finish(arg, 0);
}

/* See conn.h. */
void conn_close(struct conn *c, const char *error, const char *reason)
{
	if (c->closing)
		return;
	snprintf(c->reason, sizeof c->reason, "%s", reason);
	if (error) {
		char err[64];
		struct msg m = { .type = MSG_ERROR, .reason = error };
		conn_send(c, &m, err, sizeof err);
	}
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (error && evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
		bufferevent_setcb(c->bev, NULL, drained, NULL, c);
		schedule_finish(c, 1);   /* give up on a peer that does not read */
	} else {
		bufferevent_setcb(c->bev, NULL, NULL, NULL, c);
		schedule_finish(c, 0);
	}
}

/* See conn.h. */
int conn_send(struct conn *c, const struct msg *m, char *err, size_t errlen)
{
	if (c->closing) {
		snprintf(err, errlen, "connection is closing");
		return -1;
	}
	size_t len;
	uint8_t *buf = msg_encode(m, &len, err, errlen);
	if (!buf)
		return -1;
	int rc = bufferevent_write(c->bev, buf, len);
	free(buf);
	if (rc < 0)
		snprintf(err, errlen, "cannot queue %zu bytes", len);
	return rc;
}

/* See conn.h. */
size_t conn_pending(const struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

/* See conn.h. */
struct bufferevent *conn_bev(struct conn *c)
{
	return c->bev;
}

/* Decode and deliver one whole frame; returns 0, or -1 after closing c. */
static int deliver(struct conn *c, const struct frame *f)
{
	struct msg m;
	char err[300];
	if (msg_decode(f, &m, err, sizeof err) < 0) {
		conn_close(c, err, err);
		return -1;
	}
	if (c->cbs.on_msg)
		c->cbs.on_msg(c, &m, c->arg);
	msg_free(&m);
	return c->closing ? -1 : 0;
}

/* Parse as many whole frames as the input holds. */
static void readable(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	while (!c->closing && !c->held) {
		size_t avail = evbuffer_get_length(in), need = FRAME_HEADER_LEN, used = 0;
		const uint8_t *p = evbuffer_pullup(in, avail < FRAME_HEADER_LEN ? -1 : FRAME_HEADER_LEN);
		struct frame f;
		char err[200];
		enum frame_status st = frame_parse(p, avail < FRAME_HEADER_LEN ? avail : FRAME_HEADER_LEN,
						   &f, &used, &need, err, sizeof err);
		if (st == FRAME_BAD) {
			conn_close(c, err, err);
			return;
		}
		if (avail < need || avail < FRAME_HEADER_LEN)
			return;
		p = evbuffer_pullup(in, (ssize_t)need);
		if (frame_parse(p, need, &f, &used, &need, err, sizeof err) != FRAME_OK)
			return;
		int rc = deliver(c, &f);
		evbuffer_drain(in, used);
		if (rc < 0)
			return;
	}
}

/* A release's deferred hand-over of the input read while held. */
static void resumed(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct conn *c = arg;
	readable(c->bev, c);
}

/* See conn.h. */
void conn_hold(struct conn *c, int hold)
{
	if (c->held == !!hold)
		return;
	c->held = !!hold;
	if (c->held || c->closing)
		return;
	/* Not from here: the owner may be inside on_msg of this very conn. */
	event_active(c->resume, 0, 0);
}

/* See conn.h. */
int conn_held(const struct conn *c)
{
	return c->held;
}

/* Connected, end of file or error on the bufferevent. */
static void event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	if (what & BEV_EVENT_CONNECTED) {
		if (c->cbs.on_connected)
			c->cbs.on_connected(c, c->arg);
		return;
	}
	char why[200] = "connection closed by peer";
	if (what & BEV_EVENT_ERROR) {
		unsigned long e = bufferevent_get_openssl_error(bev);
		if (e)
			tls_err_text(e, why, sizeof why);
		else
			snprintf(why, sizeof why, "%s", evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	} else if (what & BEV_EVENT_TIMEOUT) {
		snprintf(why, sizeof why, "timeout");
	}
	conn_close(c, NULL, why);
}

/* See conn.h. */
struct conn *conn_new(struct bufferevent *bev, const struct conn_cbs *cbs, void *arg)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->bev = bev;
	c->cbs = *cbs;
	c->arg = arg;
	c->resume = event_new(bufferevent_get_base(bev), -1, 0, resumed, c);
	if (!c->resume) {
		free(c);
		return NULL;
	}
	/* Never buffer more than one maximal frame of input at a time. */
	bufferevent_setwatermark(bev, EV_READ, 0, FRAME_HEADER_LEN + FRAME_MAX_PAYLOAD);
	bufferevent_setcb(bev, readable, NULL, event, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	return c;
}
