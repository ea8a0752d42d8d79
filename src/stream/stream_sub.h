/*
 * stream_sub: the subscriptions of RIPE Atlas's stream and the client's
 * messages that carry them. A message is the JSON text [type, payload];
 * atlas_subscribe and atlas_unsubscribe take an object with streamType (or
 * stream_type) "result", "probestatus" or "metadata" and the filters msm,
 * prb, type and sendBacklog. Pure and bounded: the text is hostile; a bad
 * message gets one line saying what is wrong.
 */
#ifndef VANTAGE_STREAM_STREAM_SUB_H
#define VANTAGE_STREAM_STREAM_SUB_H

#include <stddef.h>
#include <stdint.h>

#define STREAM_MSG_MAX (64 * 1024)   /* longest client message taken */

enum stream_kind {
	STREAM_NONE = 0,
	STREAM_RESULT,
	STREAM_PROBESTATUS,
	STREAM_METADATA,
};

struct stream_sub {
	enum stream_kind kind;
	int64_t msm;              /* 0: any */
	int64_t prb;              /* 0: any */
	char type[16];            /* "": any measurement type */
	int send_backlog;
};

enum stream_op { STREAM_OP_SUBSCRIBE = 1, STREAM_OP_UNSUBSCRIBE };

/* The stream's wire name of kind ("result", ...), or "" for STREAM_NONE. */
const char *stream_kind_name(enum stream_kind kind);

/* The message type the server sends events of kind in ("atlas_result", ...). */
const char *stream_kind_message(enum stream_kind kind);

/*
 * Parse one client message (text, len bytes) into *op and *sub. Returns 0,
 * or -1 with the reason in err.
 */
int stream_msg_parse(const char *text, size_t len, enum stream_op *op, struct stream_sub *sub,
		     char *err, size_t errlen);

/*
 * Set one parameter of a subscription from text (a chunked GET's query:
 * name=value); 0, or -1 with err naming the parameter. Unknown names are
 * refused, so a filter we do not apply never widens what a client gets.
 */
int stream_sub_param(struct stream_sub *sub, const char *name, const char *value,
		     char *err, size_t errlen);

/* Check a parsed subscription is complete (a kind; result needs msm); 0 or -1 with err. */
int stream_sub_check(const struct stream_sub *sub, char *err, size_t errlen);

/*
 * True if sub takes an event of kind about msm and prb of measurement type
 * type (NULL: unknown, matches only subscriptions without a type).
 */
int stream_sub_match(const struct stream_sub *sub, enum stream_kind kind, int64_t msm,
		     int64_t prb, const char *type);

/* True if a and b are the same subscription (what atlas_unsubscribe names). */
int stream_sub_same(const struct stream_sub *a, const struct stream_sub *b);

/* The subscription as the JSON text of atlas_subscribed's payload (buf, size). */
void stream_sub_json(const struct stream_sub *sub, char *buf, size_t size);

#endif
