/*
 * spool: the agent's durable on-disk queue of results. Records go into
 * append-only segment files (DIR/<first sequence>.seg), each record framed
 * and checksummed (CRC-32C) and fsync'd before spool_append returns, so a
 * result counts as done only once it is on disk. Every record gets the next
 * sequence number; (agent, epoch, sequence) identifies a result for the
 * controller's exactly-once ingest (spool_epoch.c: the epoch changes when the
 * agent was found rewound). Records are deleted only when the
 * controller acks them (a segment file is removed once all its records are
 * acked). On open, a torn or corrupt tail is detected by its checksum and cut
 * off; everything before it is kept. A size limit makes spool_append refuse
 * with SPOOL_FULL instead of ever dropping a result.
 */
#ifndef VANTAGE_AGENT_SPOOL_H
#define VANTAGE_AGENT_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "agent/spool_sys.h"
#include "proto/frame.h"

#define SPOOL_REC_HEADER 20            /* magic, length, sequence, CRC */
#define SPOOL_MAX_RECORD (1024u * 1024u)   /* longest record read back from disk */
/* Longest record appended: one that a RESULT frame can always carry whole
   (proto/msg.h, MSG_RESULT_ENVELOPE), so a spooled result is never stuck. */
#define SPOOL_MAX_APPEND (FRAME_MAX_PAYLOAD - 1024u)

enum spool_status {
	SPOOL_OK = 0,
	SPOOL_FULL = -1,    /* the size limit is reached; nothing was written */
	SPOOL_ERROR = -2,   /* a system call failed; nothing was added */
};

struct spool;

struct spool_opts {
	uint64_t max_bytes;     /* size limit of all segments together */
	uint64_t segment_bytes; /* start a new segment beyond this size (0: 4 MiB) */
	const struct spool_sys *sys; /* NULL: the real system calls */
};

/* What spool_open found and repaired. */
struct spool_recovery {
	uint64_t records;       /* unacked records kept */
	uint64_t cut_bytes;     /* bytes of torn or corrupt tails removed */
	uint64_t lost_records;  /* sequence numbers missing between segments */
};

/*
 * Open (creating if needed) the spool in directory dir. Repairs torn tails.
 * Returns the spool, or NULL with a reason naming the file in err.
 * rec (may be NULL) receives what recovery did.
 */
struct spool *spool_open(const char *dir, const struct spool_opts *opts,
			 struct spool_recovery *rec, char *err, size_t errlen);

/* Close the spool and free it; NULL is allowed. Unacked records stay on disk. */
void spool_close(struct spool *sp);

/*
 * Append one record of len bytes, write it and fsync it. On SPOOL_OK *seq gets
 * its sequence number. SPOOL_FULL: over the size limit, nothing written.
 * SPOOL_ERROR: a system call failed, or the record is over SPOOL_MAX_APPEND
 * (reason in err) and the segment was cut back to where it was, so the record
 * does not exist.
 */
enum spool_status spool_append(struct spool *sp, const void *data, size_t len,
			       uint64_t *seq, char *err, size_t errlen);

/*
 * Append n records at once (sequences *first .. *first + n - 1) with one
 * write and one fsync, so a burst of results costs one disk flush. All or
 * nothing: SPOOL_FULL if they do not all fit, SPOOL_ERROR (reason in err) if
 * a call failed and the segment was cut back, or if one is over
 * SPOOL_MAX_APPEND. n = 0 is SPOOL_OK and changes nothing.
 */
enum spool_status spool_append_many(struct spool *sp, const struct iovec *recs, size_t n,
				    uint64_t *first, char *err, size_t errlen);

/* True if a record of len bytes would exceed the size limit now. */
int spool_would_fill(const struct spool *sp, size_t len);

/*
 * Read the next unsent record at the read cursor into a buffer owned by the
 * spool (valid until the next call) and move the cursor past it.
 * Returns 1 with *data, *len, *seq set; 0 when every record was read; -1 on
 * a read error (reason in err).
 */
int spool_read_next(struct spool *sp, const void **data, size_t *len, uint64_t *seq,
		    char *err, size_t errlen);

/*
 * True if record seq was appended by an agent with this code (its sequence
 * is at or past DIR/objects, spool_epoch.c), whose every append is
 * agent_result's text: one JSON object, valid UTF-8, no key twice at any
 * depth, no string holding a NUL (printed as \u0000, which the controller's
 * parse refuses). The runner's results are the Atlas encoders' text
 * (msm_runner_cb: printable ASCII, every other byte of a string escaped, a
 * C string never holds a NUL, fixed keys), with the agent's own members
 * added last (agent_members_add: "team", "cycle", "chunk", "repeat",
 * "timing_flags", none of which the encoders write); the agent's own error
 * results are jansson's json_dumps of an object it built (with json_pack,
 * never json_stringn). tests/unit/test_agent_result.c checks the encoders'
 * text of every kind of result with JSON_REJECT_DUPLICATES. So the upload
 * may send its bytes without parsing them. False for a record spooled by an
 * older version, or on any doubt about DIR/objects: it is parsed.
 * spool_append's callers must keep that promise; the agent is the only one.
 */
int spool_is_object(const struct spool *sp, uint64_t seq);

/* The record seq that spool_read_next gave could not be sent: give it again next. */
void spool_read_back(struct spool *sp, uint64_t seq);

/* Move the read cursor back to the oldest unacked record (after a reconnect). */
void spool_rewind(struct spool *sp);

/*
 * The controller has durably stored every record up to seq: forget them and
 * delete the segments that hold only acked records. Returns 0, or -1 with err
 * if a file could not be removed or created (the ack is still recorded).
 */
int spool_ack(struct spool *sp, uint64_t seq, char *err, size_t errlen);

/* The sequence epoch record seq belongs to (spool_epoch.c). */
int64_t spool_epoch_of(const struct spool *sp, uint64_t seq);

/*
 * Number the records from sequence from on in a new random epoch (the
 * controller holds other results under their numbers); *epoch gets it.
 * Durable before it returns 0; -1 with err.
 */
int spool_new_epoch(struct spool *sp, uint64_t from, int64_t *epoch, char *err, size_t errlen);

/* Every record up to this sequence is acked. */
uint64_t spool_acked(const struct spool *sp);

/* Unacked records, their bytes on disk, and the next sequence number. */
uint64_t spool_depth(const struct spool *sp);
uint64_t spool_bytes(const struct spool *sp);
uint64_t spool_next_seq(const struct spool *sp);

#endif
