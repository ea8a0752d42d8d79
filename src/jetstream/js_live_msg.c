/*
 * js_live_msg: the NATS form of a live-stream event (see js_live_msg.h).
 */
#include "jetstream/js_live_msg.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"

#define TYPE_MAX 15   /* as stream_sub's type[16] */

/* Set header name to v when v > 0; NATS_OK or the error. */
static natsStatus set_num(natsMsg *m, const char *name, int64_t v)
{
	char text[24];
	if (v <= 0)
		return NATS_OK;
	snprintf(text, sizeof text, "%" PRId64, v);
	return natsMsgHeader_Set(m, name, text);
}

/* See js_live_msg.h. */
natsStatus js_live_msg(const struct stream_event *ev, natsMsg **out)
{
	char subj[48];
	const char *kind = stream_kind_name(ev->kind);
	*out = NULL;
	if (!kind[0])
		return NATS_INVALID_ARG;
	snprintf(subj, sizeof subj, JS_LIVE_PREFIX "%s", kind);
	natsMsg *m = NULL;
	natsStatus s = natsMsg_Create(&m, subj, NULL, ev->payload, (int)ev->len);
	if (s == NATS_OK)
		s = set_num(m, "Vantage-Msm", ev->msm);
	if (s == NATS_OK)
		s = set_num(m, "Vantage-Prb", ev->prb);
	if (s == NATS_OK)
		s = set_num(m, "Vantage-Key", ev->owner_key);
	if (s == NATS_OK && ev->type && ev->type[0])
		s = natsMsgHeader_Set(m, "Vantage-Type", ev->type);
	if (s != NATS_OK)
		natsMsg_Destroy(m);
	else
		*out = m;
	return s;
}

/* The number of header name (text, NULL: 0) into *out; 0 or -1 with err. */
static int num(const char *name, const char *text, int64_t *out, char *err, size_t errlen)
{
	long long v = 0;
	char why[64];
	if (text && !parse_bounded(text, 1, INT64_MAX, &v, why, sizeof why)) {
		snprintf(err, errlen, "%s '%.24s': %s", name, text, why);
		return -1;
	}
	*out = v;
	return 0;
}

/* True if t is a measurement type's name: 1..TYPE_MAX of [a-z0-9_-]. */
static int type_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > TYPE_MAX)
		return 0;
	return strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* The kind named by subject, or STREAM_NONE. */
static enum stream_kind kind_of(const char *subject)
{
	size_t pl = strlen(JS_LIVE_PREFIX);
	if (!subject || strncmp(subject, JS_LIVE_PREFIX, pl) != 0)
		return STREAM_NONE;
	const enum stream_kind kinds[] = { STREAM_RESULT, STREAM_PROBESTATUS, STREAM_METADATA };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(subject + pl, stream_kind_name(kinds[i])) == 0)
			return kinds[i];
	return STREAM_NONE;
}

/* See js_live_msg.h. */
int js_live_parse(const struct js_live_fields *f, struct stream_event *ev, char *err,
		  size_t errlen)
{
	struct stream_event e = { .kind = kind_of(f->subject) };
	if (e.kind == STREAM_NONE) {
		snprintf(err, errlen, "subject '%.60s': not a live event", f->subject ? f->subject : "");
		return -1;
	}
	if (num("Vantage-Msm", f->msm, &e.msm, err, errlen) < 0 ||
	    num("Vantage-Prb", f->prb, &e.prb, err, errlen) < 0 ||
	    num("Vantage-Key", f->key, &e.owner_key, err, errlen) < 0)
		return -1;
	if (f->type && !type_ok(f->type)) {
		snprintf(err, errlen, "Vantage-Type '%.24s': not a measurement type", f->type);
		return -1;
	}
	e.type = f->type;
	const char *missing = NULL;
	if ((e.kind == STREAM_RESULT || e.kind == STREAM_METADATA) && !e.msm)
		missing = "Vantage-Msm";
	else if ((e.kind == STREAM_RESULT || e.kind == STREAM_PROBESTATUS) && !e.prb)
		missing = "Vantage-Prb";
	if (missing) {
		snprintf(err, errlen, "%s: %s missing", f->subject, missing);
		return -1;
	}
	e.payload = ev->payload;
	e.len = ev->len;
	*ev = e;
	return 0;
}
