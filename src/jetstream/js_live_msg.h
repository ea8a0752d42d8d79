/*
 * js_live_msg: one live-stream event as a core NATS message, between the
 * process that learns of it and every process that serves /stream/ (see
 * js_live.h). The subject is JS_LIVE_PREFIX + the kind ("result",
 * "probestatus", "metadata"); headers Vantage-Msm, Vantage-Prb,
 * Vantage-Key (the owning key of a scheduled measurement) and
 * Vantage-Type (its type) carry what the hub filters on. A result's body
 * is the result as stored (the receiver makes it the API's object, and
 * only when some client streams its measurement); the other kinds carry
 * their API object. Both sides go through these functions only.
 */
#ifndef VANTAGE_JETSTREAM_JS_LIVE_MSG_H
#define VANTAGE_JETSTREAM_JS_LIVE_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

#include "stream/stream.h"

#define JS_LIVE_PREFIX "vantage.live."
#define JS_LIVE_SUBJECTS "vantage.live.>"

/*
 * The message of ev (for a result, ev->payload is the stored body) into
 * *out; NATS_OK or libnats's error.
 */
natsStatus js_live_msg(const struct stream_event *ev, natsMsg **out);

/* Header values of a received message, each NULL when absent. */
struct js_live_fields {
	const char *subject, *msm, *prb, *key, *type;
};

/*
 * Parse f into ev's kind, msm, prb, owner_key and type (borrowed from f);
 * the payload is left to the caller. 0, or -1 with err: every field comes
 * from the network, anything but the exact form is refused.
 */
int js_live_parse(const struct js_live_fields *f, struct stream_event *ev, char *err,
		  size_t errlen);

#endif
