/*
 * stream_sub: parse the stream's client messages and subscription
 * parameters, and match subscriptions against events (see stream_sub.h).
 * JSON is read by jansson from a bounded buffer; every value is checked
 * for its type and range before it is used.
 */
#include "stream/stream_sub.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"

#define ID_MAX (1LL << 53)

static const char *const kind_names[] = { "", "result", "probestatus", "metadata" };
static const char *const kind_messages[] = { "", "atlas_result", "atlas_probestatus",
					     "atlas_metadata" };

/* See stream_sub.h. */
const char *stream_kind_name(enum stream_kind kind)
{
	return kind >= STREAM_RESULT && kind <= STREAM_METADATA ? kind_names[kind] : "";
}

/* See stream_sub.h. */
const char *stream_kind_message(enum stream_kind kind)
{
	return kind >= STREAM_RESULT && kind <= STREAM_METADATA ? kind_messages[kind] : "";
}

/* The kind named text; STREAM_NONE if none. */
static enum stream_kind kind_of(const char *text)
{
	for (int k = STREAM_RESULT; k <= STREAM_METADATA; k++)
		if (strcmp(text, kind_names[k]) == 0)
			return (enum stream_kind)k;
	return STREAM_NONE;
}

/* A measurement type name: 1..15 of [a-z0-9_-]. */
static int type_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_' ||
		      t[i] == '-'))
			return 0;
	return 1;
}

/* Parameters RIPE's clients send that change nothing here. */
static int ignored(const char *name)
{
	return strcmp(name, "buffering") == 0 || strcmp(name, "client") == 0;
}

/* Set an id parameter from text; 0 or -1 with err. */
static int set_id(int64_t *out, const char *name, const char *text, char *err, size_t errlen)
{
	long long v;
	char why[96];
	if (!parse_bounded(text, 1, ID_MAX, &v, why, sizeof why)) {
		snprintf(err, errlen, "%s: '%.40s' is not an id (%s)", name, text, why);
		return -1;
	}
	*out = v;
	return 0;
}

/* Set a boolean parameter from text; 0 or -1 with err. */
static int set_bool(int *out, const char *name, const char *text, char *err, size_t errlen)
{
	if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
		*out = 1;
	else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
		*out = 0;
	else {
		snprintf(err, errlen, "%s: '%.40s' is not true or false", name, text);
		return -1;
	}
	return 0;
}

/* See stream_sub.h. */
int stream_sub_param(struct stream_sub *sub, const char *name, const char *value,
		     char *err, size_t errlen)
{
	if (strcmp(name, "streamType") == 0 || strcmp(name, "stream_type") == 0) {
		sub->kind = kind_of(value);
		if (sub->kind == STREAM_NONE) {
			snprintf(err, errlen, "%s: '%.40s' is not result, probestatus or metadata",
				 name, value);
			return -1;
		}
		return 0;
	}
	if (strcmp(name, "msm") == 0)
		return set_id(&sub->msm, name, value, err, errlen);
	if (strcmp(name, "prb") == 0)
		return set_id(&sub->prb, name, value, err, errlen);
	if (strcmp(name, "sendBacklog") == 0)
		return set_bool(&sub->send_backlog, name, value, err, errlen);
	if (strcmp(name, "type") == 0) {
		if (!type_ok(value)) {
			snprintf(err, errlen, "type: '%.40s' is not a measurement type", value);
			return -1;
		}
		snprintf(sub->type, sizeof sub->type, "%s", value);
		return 0;
	}
	if (ignored(name))
		return 0;
	snprintf(err, errlen, "%.60s: parameter not supported here", name);
	return -1;
}

/* The text form of a JSON parameter value (ints, strings, booleans) in buf; -1 if none. */
static int value_text(const json_t *v, char *buf, size_t size)
{
	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, size, "%s", json_is_true(v) ? "true" : "false");
	else
		return -1;
	return 0;
}

/* Read a subscription from a JSON object; 0 or -1 with err. */
static int sub_of(const json_t *o, struct stream_sub *sub, char *err, size_t errlen)
{
	const char *name;
	json_t *v;
	char text[64];
	memset(sub, 0, sizeof *sub);
	if (!json_is_object(o)) {
		snprintf(err, errlen, "the payload is not an object");
		return -1;
	}
	json_object_foreach((json_t *)o, name, v) {
		if (ignored(name))
			continue;
		if (value_text(v, text, sizeof text) < 0) {
			snprintf(err, errlen, "%.60s: not a number, string or boolean", name);
			return -1;
		}
		if (stream_sub_param(sub, name, text, err, errlen) < 0)
			return -1;
	}
	return stream_sub_check(sub, err, errlen);
}

/* See stream_sub.h. */
int stream_sub_check(const struct stream_sub *sub, char *err, size_t errlen)
{
	if (sub->kind == STREAM_NONE) {
		snprintf(err, errlen, "streamType is missing (result, probestatus or metadata)");
		return -1;
	}
	if (sub->kind == STREAM_RESULT && sub->msm == 0) {
		snprintf(err, errlen, "a result stream needs msm: a key reads the results of its"
			 " own measurements, one at a time");
		return -1;
	}
	return 0;
}

/* See stream_sub.h. */
int stream_msg_parse(const char *text, size_t len, enum stream_op *op, struct stream_sub *sub,
		     char *err, size_t errlen)
{
	json_error_t jerr;
	if (len > STREAM_MSG_MAX) {
		snprintf(err, errlen, "message of %zu bytes, over %d", len, STREAM_MSG_MAX);
		return -1;
	}
	json_t *m = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc = -1;
	const char *type = json_string_value(json_array_get(m, 0));
	if (!m)
		snprintf(err, errlen, "not JSON: %s", jerr.text);
	else if (!json_is_array(m) || json_array_size(m) != 2 || !type)
		snprintf(err, errlen, "a message is [type, payload]");
	else if (strcmp(type, "atlas_subscribe") != 0 && strcmp(type, "atlas_unsubscribe") != 0)
		snprintf(err, errlen, "unknown message type '%.40s'", type);
	else {
		*op = type[6] == 's' ? STREAM_OP_SUBSCRIBE : STREAM_OP_UNSUBSCRIBE;
		rc = sub_of(json_array_get(m, 1), sub, err, errlen);
	}
	json_decref(m);
	return rc;
}

/* See stream_sub.h. */
int stream_sub_match(const struct stream_sub *sub, enum stream_kind kind, int64_t msm,
		     int64_t prb, const char *type)
{
	if (sub->kind != kind || (sub->msm && sub->msm != msm) || (sub->prb && sub->prb != prb))
		return 0;
	return !sub->type[0] || (type && strcmp(sub->type, type) == 0);
}

/* See stream_sub.h. */
int stream_sub_same(const struct stream_sub *a, const struct stream_sub *b)
{
	return a->kind == b->kind && a->msm == b->msm && a->prb == b->prb &&
	       strcmp(a->type, b->type) == 0;
}

/* See stream_sub.h. */
void stream_sub_json(const struct stream_sub *sub, char *buf, size_t size)
{
	int n = snprintf(buf, size, "{\"streamType\":\"%s\"", stream_kind_name(sub->kind));
	if (sub->msm && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ",\"msm\":%lld", (long long)sub->msm);
	if (sub->prb && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ",\"prb\":%lld", (long long)sub->prb);
	if (sub->type[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ",\"type\":\"%s\"", sub->type);
	if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ",\"sendBacklog\":%s}",
			 sub->send_backlog ? "true" : "false");
}
