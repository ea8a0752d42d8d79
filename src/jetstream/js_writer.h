/*
 * js_writer: a store writer (vantage-writer). It pulls result messages from
 * the JetStream results stream through the durable pull consumer all
 * writers share (each message goes to one of them), commits each batch to
 * the store in one transaction, and acks the messages to JetStream only
 * after the commit. A writer killed between the commit and the acks gets
 * its messages redelivered to another; the store's ledger finds them
 * stored already, so every result is stored exactly once. A failed commit
 * (the database is down) acks nothing: the batch is retried until the
 * store answers again, and a writer that cannot reach the cluster or bind
 * to the consumer tries again every second. Each result a commit stored
 * (new, not a duplicate) is then published to the live stream (js_live.h),
 * so each once.
 */
#ifndef VANTAGE_JETSTREAM_JS_WRITER_H
#define VANTAGE_JETSTREAM_JS_WRITER_H

#include <signal.h>
#include <stdint.h>

struct js_writer_opts {
	const char *nats;       /* "nats://H:P,..." */
	const char *store;      /* postgresql://... or a SQLite path */
	int batch;              /* messages per fetch and commit, at most */
	int replicas;           /* of the stream, if the writer makes it */
	int ack_wait;           /* seconds before an unacked message goes to another writer */
	const sigset_t *stop;   /* blocked signals that end the writer */
};

struct js_writer_counts {
	uint64_t stored, duplicates, refused, conflicts, bad, commits_failed;
	uint64_t live;          /* results published to the live stream */
};

/* Run until a signal of o->stop is pending; 0, or -1 with err (counts filled either way). */
int js_writer_run(const struct js_writer_opts *o, struct js_writer_counts *n,
		  char *err, size_t errlen);

#endif
