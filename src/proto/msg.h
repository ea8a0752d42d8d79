/*
 * msg: the messages agents and controllers exchange, one per frame (see
 * frame.h). Each payload is a JSON object; which fields a message type carries
 * is described by one table in msg.c, used both to encode and to validate on
 * decode (required fields, types, non-negative integers, bounded strings).
 *
 *   HELLO      agent → controller   agent (claimed key fingerprint), version, role,
 *                                   epoch (its current sequence epoch), seq (the next
 *                                   sequence number it will give)
 *   WELCOME    controller → agent   agent, seq (highest sequence already stored in that
 *                                   epoch: at or beyond the agent's next one, the agent
 *                                   was rewound and takes a new epoch), epoch
 *   HEARTBEAT  both ways            time (Unix seconds)
 *   STATUS     agent → controller   version, uptime, spool_records, spool_bytes,
 *                                   load_milli, reason (why measuring is paused, if it is),
 *                                   timing (the newest timing report, host/timing_flags.h)
 *   MSM        controller → agent   msm_id, start, stop, interval, spread, body (definition)
 *   MSM_STOP   controller → agent   msm_id
 *   RESULT     agent → controller   seq, msm_id, body (RIPE Atlas result object),
 *                                   epoch (a result is (agent, epoch, seq)), prev (the
 *                                   sequence of the result sent before it on this
 *                                   connection: the controller acks only an unbroken run)
 *   ACK        controller → agent   seq: every result up to seq sent on this connection is
 *                                   durably stored (or durably refused)
 *   EPOCH      controller → agent   epoch, seq, reason: results from seq on in that epoch
 *                                   collide with other results stored under the same
 *                                   numbers (a rewound or cloned agent); number them in a
 *                                   new epoch. The controller then closes the connection.
 *   REFUSE     agent → controller   msm_id, reason (e.g. the site's AUP forbids it)
 *   ERROR      both ways            reason; the sender then closes the connection
 *   MSM_SET    controller → agent   body {"msm_ids": [...]}: after the MSMs of a new
 *                                   connection, every measurement the agent should run;
 *                                   it drops the others (stopped while it was away)
 *   NOPROBE    controller → agent   noprobe_version, prefixes (the platform no-probe
 *                                   list, whole: an array of at most MSG_MAX_PREFIXES
 *                                   prefix strings); STATUS carries the version the
 *                                   agent enforces as noprobe_version, and pps_max the
 *                                   site's pps ceiling (team members' rates)
 *   CHUNK      controller → agent   msm_id (the team's), body {team, cycle, chunk, repeat,
 *                                   pps, def, targets: [...]} (chunk_body.h; pps: the
 *                                   member's rate, held by the agent): a chunk of a team cycle, run
 *                                   as one traceroute of def per target; the controller
 *                                   keeps two out to each member, so the next is there
 *                                   before the current one ends
 *   CHUNK_DONE agent → controller   msm_id, body {team, cycle, chunk}: every result of the
 *                                   chunk is spooled (and so will reach the controller)
 *   HOST_REPORT agent → controller  body: the agent's check-host report (the object of
 *                                   `vantage check-host --json`, host/host_report.h checks
 *                                   it), sent after each WELCOME; the controller keeps the
 *                                   newest per agent
 */
#ifndef VANTAGE_PROTO_MSG_H
#define VANTAGE_PROTO_MSG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/frame.h"

enum msg_type {
	MSG_HELLO = 1,
	MSG_WELCOME,
	MSG_HEARTBEAT,
	MSG_STATUS,
	MSG_MSM,
	MSG_MSM_STOP,
	MSG_RESULT,
	MSG_ACK,
	MSG_REFUSE,
	MSG_ERROR,
	MSG_EPOCH,
	MSG_MSM_SET,
	MSG_NOPROBE,
	MSG_CHUNK,
	MSG_CHUNK_DONE,
	MSG_HOST_REPORT,
	MSG_TYPE_MAX = MSG_HOST_REPORT,
};

/*
 * Room a RESULT's fields other than its body take in a frame: a body of at
 * most FRAME_MAX_PAYLOAD - MSG_RESULT_ENVELOPE bytes always fits.
 */
#define MSG_RESULT_ENVELOPE 1024

/* Longest string field accepted in any message. */
#define MSG_MAX_STRING 512

/* Most prefixes a NOPROBE message holds, and the longest prefix text. */
#define MSG_MAX_PREFIXES 4096
#define MSG_MAX_PREFIX_TEXT 64

/*
 * One decoded (or to-be-encoded) message. Only the fields of its type are
 * meaningful. After msg_decode, strings and body point into root, which the
 * message owns until msg_free.
 */
struct msg {
	enum msg_type type;
	const char *agent;
	const char *version;
	const char *role;
	const char *reason;
	int64_t seq;
	int64_t epoch;
	int64_t prev;
	int64_t msm_id;
	int64_t time;
	int64_t uptime;
	int64_t spool_records;
	int64_t spool_bytes;
	int64_t load_milli;
	int64_t start;
	int64_t stop;
	int64_t interval;
	int64_t spread;
	int64_t noprobe_version;
	int64_t pps_max;        /* STATUS: the site's pps ceiling (0: none) */
	json_t *prefixes;       /* array of prefix strings */
	json_t *body;
	/* Encode only: body as JSON text (body_len bytes, an object the caller
	   has checked, e.g. a result as spooled), sent as it is instead of
	   body, so a result is not parsed and printed again on the way out. */
	const char *body_text;
	size_t body_len;
	json_t *timing;
	json_t *root;
};

/* The name of a message type ("hello", ...), or "unknown". */
const char *msg_type_name(int type);

/*
 * Encode m as a whole frame (header and payload) in a newly allocated buffer;
 * returns it and its size in *len, or NULL with a reason in err (missing
 * required field, frame too big, out of memory). The caller frees it.
 */
uint8_t *msg_encode(const struct msg *m, size_t *len, char *err, size_t errlen);

/*
 * Decode the frame f into *out (zeroed first). Returns 0, or -1 with a reason
 * in err when the type is unknown, the payload is not a JSON object, or a
 * field is missing, of the wrong type, negative or too long (an array: too
 * many items, or an item not a short string). On success the
 * caller calls msg_free(out).
 */
int msg_decode(const struct frame *f, struct msg *out, char *err, size_t errlen);

/* Release what msg_decode allocated; m may be reused after. */
void msg_free(struct msg *m);

#endif
