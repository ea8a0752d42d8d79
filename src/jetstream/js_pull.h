/*
 * js_pull: the store writers' fetch from a durable pull consumer of a
 * JetStream stream. js_pull_fetch gives at most the batch it is asked
 * for, whatever the cluster sends: messages that a fetch's request
 * brought in after that fetch returned (a loaded machine, a slow node)
 * wait for the next fetch. Acks go back on the message's reply subject.
 */
#ifndef VANTAGE_JETSTREAM_JS_PULL_H
#define VANTAGE_JETSTREAM_JS_PULL_H

#include <stddef.h>

#include <nats/nats.h>

#include "jetstream/js_link.h"

struct js_pull {
	natsConnection *nc;
	natsSubscription *sub;  /* where the consumer's messages arrive */
	char next[256];         /* the consumer's "next messages" API subject */
};

/*
 * Bind p to the durable pull consumer of stream on l (made with ack_wait
 * seconds, at most 50,000 unacked, over filter, when it does not exist).
 * 0, or -1 with err.
 */
int js_pull_open(struct js_pull *p, struct js_link *l, const char *stream, const char *durable,
		 const char *filter, int ack_wait, char *err, size_t errlen);

/*
 * Up to max messages into msgs (the caller destroys them), waiting at most
 * timeout_ms; how many (0 when none came), or -1 on an error (the
 * connection is down, the cluster elects).
 */
int js_pull_fetch(struct js_pull *p, natsMsg **msgs, int max, int timeout_ms);

/* Ack m (it is stored); NATS_OK or an error. */
natsStatus js_pull_ack(struct js_pull *p, natsMsg *m);
/* Ask for m again in delay_ms. */
natsStatus js_pull_nak(struct js_pull *p, natsMsg *m, int delay_ms);
/* Never deliver m again (it is not a result). */
natsStatus js_pull_term(struct js_pull *p, natsMsg *m);

/* Unsubscribe and free (safe on a zeroed one); the consumer stays. */
void js_pull_close(struct js_pull *p);

#endif
