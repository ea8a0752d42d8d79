/*
 * js_link: a connection to a NATS JetStream cluster and the results stream
 * on it, shared by the front-end (src/controller/ingest_nats.c, on the
 * controller's libevent loop) and the store writers (js_writer.c, blocking).
 * The stream (JS_STREAM_NAME, subjects JS_SUBJECTS, file storage, the given
 * replicas, work-queue retention: a message is removed once a writer acked
 * it; a 10-minute duplicate window on Nats-Msg-Id) is created by
 * whichever side comes first; the writers share one durable pull consumer.
 */
#ifndef VANTAGE_JETSTREAM_JS_LINK_H
#define VANTAGE_JETSTREAM_JS_LINK_H

#include <stddef.h>

#include <nats/nats.h>

struct event_base;

struct js_link {
	natsConnection *nc;
	jsCtx *js;
	int on_loop;            /* nc's I/O runs on a libevent loop */
};

/*
 * Connect to urls ("nats://H:P,nats://H:P"), reconnecting forever once
 * connected. With base, the connection's I/O runs on that loop (libnats's
 * libevent adapter; the loop must have been made after
 * evthread_use_pthreads()). jo: the JetStream context's options (NULL:
 * the defaults). 0, or -1 with err.
 */
int js_link_open(struct js_link *l, const char *urls, struct event_base *base, jsOptions *jo,
		 char *err, size_t errlen);

/* Make sure the results stream exists (with replicas copies if it is made); 0 or -1 with err. */
int js_link_stream(struct js_link *l, int replicas, char *err, size_t errlen);

/*
 * Make sure the servers have everything published on l so far: a PING sent
 * after it answered, in timeout_ms at most. On a loop's link, call it on the
 * loop's thread, running or ended (a front-end's shutdown): it moves the
 * connection's bytes itself meanwhile, since the loop cannot. NATS_OK or
 * the error (NATS_TIMEOUT, ...).
 */
natsStatus js_link_flush(struct js_link *l, int timeout_ms);

/* Close and free l (safe on a zeroed one). */
void js_link_close(struct js_link *l);

/* "what: libnats's error text" into err. */
void js_link_error(natsStatus s, const char *what, char *err, size_t errlen);

#endif
