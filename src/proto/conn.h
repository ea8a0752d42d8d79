/*
 * conn: one framed message connection over a libevent bufferevent (TLS or
 * plain). It reassembles frames from the input, decodes each message and
 * hands it to the owner; a bad frame or message gets an ERROR message with
 * the reason and the connection closes. Closing is deferred to the event
 * loop so owners may close from inside their callbacks; the close callback
 * runs exactly once, after which the conn is gone. The owner may hold the
 * input (conn_hold) to bound what it takes in.
 */
#ifndef VANTAGE_PROTO_CONN_H
#define VANTAGE_PROTO_CONN_H

#include <event2/bufferevent.h>
#include <stddef.h>

#include "proto/msg.h"

struct conn;

struct conn_cbs {
	/* The TLS handshake (or TCP connect) completed. */
	void (*on_connected)(struct conn *c, void *arg);
	/* One decoded message; the callee must not keep m past the call. */
	void (*on_msg)(struct conn *c, struct msg *m, void *arg);
	/* The connection is closed (reason says why); c is freed after this. */
	void (*on_close)(struct conn *c, const char *reason, void *arg);
};

/* Wrap bev (the conn owns and frees it). Returns NULL on allocation failure. */
struct conn *conn_new(struct bufferevent *bev, const struct conn_cbs *cbs, void *arg);

/* Queue m for sending; returns 0, or -1 with err (encoding failed, or closing). */
int conn_send(struct conn *c, const struct msg *m, char *err, size_t errlen);

/* Bytes queued for sending and not yet written. */
size_t conn_pending(const struct conn *c);

/*
 * Close: if error is not NULL an ERROR message carrying it is sent first
 * (given up to a second to leave). reason is what on_close receives.
 */
void conn_close(struct conn *c, const char *error, const char *reason);

/*
 * Hold (hold = 1) or release (0) c's input: while held, no further message
 * is handed to on_msg, also none of those already read into c's input (a
 * message being handed over when the hold comes is the last). Release
 * hands over what waits from the event loop, soon after. Reading from the
 * socket is the owner's to pause (bufferevent_disable on conn_bev); the
 * input never holds more than one maximal frame's worth.
 */
void conn_hold(struct conn *c, int hold);

/* Is c held (conn_hold)? */
int conn_held(const struct conn *c);

/* The underlying bufferevent (e.g. to read the TLS peer). */
struct bufferevent *conn_bev(struct conn *c);

/* Close at once without any callback (for shutting a program down). */
void conn_free(struct conn *c);

#endif
