/*
 * msg: encode and decode agent-controller messages. One table says which
 * fields each message type has, of which kind, and whether they are required;
 * encoding and validation both walk it, so the two can never disagree.
 */
#include "proto/msg.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field_kind { F_STR, F_INT, F_OBJ, F_PREFIXES };

struct field {
	uint8_t type;          /* message type the field belongs to */
	const char *name;      /* JSON key */
	enum field_kind kind;
	size_t off;            /* offset in struct msg */
	bool required;
};

#define S(t, n, r) { t, #n, F_STR, offsetof(struct msg, n), r }
#define I(t, n, r) { t, #n, F_INT, offsetof(struct msg, n), r }
#define O(t, n, r) { t, #n, F_OBJ, offsetof(struct msg, n), r }
#define P(t, n, r) { t, #n, F_PREFIXES, offsetof(struct msg, n), r }

static const struct field fields[] = {
	S(MSG_HELLO, agent, true), S(MSG_HELLO, version, true), S(MSG_HELLO, role, true),
	I(MSG_HELLO, epoch, false), I(MSG_HELLO, seq, false),
	S(MSG_WELCOME, agent, true), I(MSG_WELCOME, seq, true), I(MSG_WELCOME, epoch, false),
	I(MSG_HEARTBEAT, time, true),
	S(MSG_STATUS, version, true), I(MSG_STATUS, uptime, true),
	I(MSG_STATUS, spool_records, true), I(MSG_STATUS, spool_bytes, true),
	I(MSG_STATUS, load_milli, false), S(MSG_STATUS, reason, false),
	O(MSG_STATUS, timing, false), I(MSG_STATUS, noprobe_version, false),
	I(MSG_STATUS, pps_max, false),
	I(MSG_MSM, msm_id, true), I(MSG_MSM, start, false), I(MSG_MSM, stop, false),
	I(MSG_MSM, interval, false), I(MSG_MSM, spread, false), O(MSG_MSM, body, true),
	I(MSG_MSM_STOP, msm_id, true),
	I(MSG_RESULT, seq, true), I(MSG_RESULT, msm_id, true), O(MSG_RESULT, body, true),
	I(MSG_RESULT, epoch, false), I(MSG_RESULT, prev, false),
	I(MSG_ACK, seq, true),
	I(MSG_REFUSE, msm_id, true), S(MSG_REFUSE, reason, true),
	S(MSG_ERROR, reason, true),
	I(MSG_EPOCH, epoch, true), I(MSG_EPOCH, seq, true), S(MSG_EPOCH, reason, true),
	O(MSG_MSM_SET, body, true),
	I(MSG_NOPROBE, noprobe_version, true), P(MSG_NOPROBE, prefixes, true),
	I(MSG_CHUNK, msm_id, true), O(MSG_CHUNK, body, true),
	I(MSG_CHUNK_DONE, msm_id, true), O(MSG_CHUNK_DONE, body, true),
	O(MSG_HOST_REPORT, body, true),
};

static const char *const type_names[] = {
	NULL, "hello", "welcome", "heartbeat", "status", "msm", "msm_stop",
	"result", "ack", "refuse", "error", "epoch", "msm_set", "noprobe", "chunk", "chunk_done",
	"host_report",
};

/* See msg.h. */
const char *msg_type_name(int type)
{
	if (type < 1 || type > MSG_TYPE_MAX)
		return "unknown";
	return type_names[type];
}

/* Pointer to the field f inside m. */
static void *field_ptr(const struct msg *m, const struct field *f)
{
	return (char *)m + f->off;
}

/* Add field f of m to obj; returns 0, or -1 with err if a required one is missing. */
static int encode_field(json_t *obj, const struct msg *m, const struct field *f,
			char *err, size_t errlen)
{
	json_t *v = NULL;
	if (f->kind == F_INT) {
		v = json_integer(*(int64_t *)field_ptr(m, f));
	} else if (f->kind == F_STR) {
		const char *s = *(const char **)field_ptr(m, f);
		if (s)
			v = json_string(s);
	} else if (f->off == offsetof(struct msg, body) && m->body_text) {
		return 0;             /* added as text (payload_text) */
	} else {
		json_t *o = *(json_t **)field_ptr(m, f);
		if (o)
			v = json_incref(o);
	}
	if (!v) {
		if (!f->required)
			return 0;
		snprintf(err, errlen, "%s: field '%s' missing or invalid",
			 msg_type_name(m->type), f->name);
		return -1;
	}
	json_object_set_new(obj, f->name, v);
	return 0;
}

/* Build the JSON payload object of m; returns it or NULL with err. */
static json_t *encode_object(const struct msg *m, char *err, size_t errlen)
{
	json_t *obj = json_object();
	if (!obj) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i].type != m->type)
			continue;
		if (encode_field(obj, m, &fields[i], err, errlen) < 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

/*
 * The payload text: the encoded object, with m->body_text added as its last
 * member "body" when there is one. Returns it (malloc'd) and its length, or
 * NULL with err.
 */
static char *payload_text(const struct msg *m, json_t *obj, size_t *plen, char *err,
			  size_t errlen)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	if (!text) {
		snprintf(err, errlen, "%s: cannot encode (invalid UTF-8?)", msg_type_name(m->type));
		return NULL;
	}
	size_t tlen = strlen(text);
	if (!m->body_text) {
		*plen = tlen;
		return text;
	}
	static const char key[] = "\"body\":";
	int comma = tlen > 2;     /* "{}" has no member to follow */
	size_t n = tlen - 1 + (size_t)comma + sizeof key - 1 + m->body_len + 1;
	char *out = m->body_len <= FRAME_MAX_PAYLOAD ? malloc(n + 1) : NULL;
	if (!out) {
		if (m->body_len > FRAME_MAX_PAYLOAD)
			snprintf(err, errlen, "%s: body of %zu bytes is too big", msg_type_name(m->type),
				 m->body_len);
		else
			snprintf(err, errlen, "out of memory");
		free(text);
		return NULL;
	}
	char *p = out;
	memcpy(p, text, tlen - 1);            /* all but the closing brace */
	p += tlen - 1;
	if (comma)
		*p++ = ',';
	memcpy(p, key, sizeof key - 1);
	p += sizeof key - 1;
	memcpy(p, m->body_text, m->body_len);
	p += m->body_len;
	*p++ = '}';
	*p = 0;
	free(text);
	*plen = n;
	return out;
}

/*
 * True if every field of m's type is an integer, or its body given as text:
 * such a payload (RESULT as the agent uploads it, ACK, HEARTBEAT) is printed
 * by print_plain, with no jansson object built and printed per message.
 */
static bool plain(const struct msg *m)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].type == m->type && fields[i].kind != F_INT &&
		    !(fields[i].off == offsetof(struct msg, body) && m->body_text))
			return false;
	return true;
}

/* Append the decimal text of v at p; returns the end. */
static char *put_int(char *p, int64_t v)
{
	char d[20];
	int n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = d[--n];
	return p;
}

/*
 * The frame of a plain m (see plain) in one buffer: its payload the bytes
 * payload_text gives (json_dumps(JSON_COMPACT) of the integers in the
 * table's order, then "body" as text last), printed here. NULL with err.
 */
static uint8_t *encode_plain(const struct msg *m, size_t *len, char *err, size_t errlen)
{
	size_t room = 2 + (m->body_text ? m->body_len + sizeof ",\"body\":" : 0);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].type == m->type && fields[i].kind == F_INT)
			room += strlen(fields[i].name) + 4 + 20;
	if (m->body_text && m->body_len > FRAME_MAX_PAYLOAD) {
		snprintf(err, errlen, "%s: body of %zu bytes is too big", msg_type_name(m->type),
			 m->body_len);
		return NULL;
	}
	uint8_t *buf = malloc(FRAME_HEADER_LEN + room);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	char *p = (char *)buf + FRAME_HEADER_LEN, *start = p;
	*p++ = '{';
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i].type != m->type || fields[i].kind != F_INT)
			continue;
		if (p > start + 1)
			*p++ = ',';
		size_t n = strlen(fields[i].name);
		*p++ = '"';
		memcpy(p, fields[i].name, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
		p = put_int(p, *(const int64_t *)field_ptr(m, &fields[i]));
	}
	if (m->body_text) {
		static const char key[] = "\"body\":";
		if (p > start + 1)
			*p++ = ',';
		memcpy(p, key, sizeof key - 1);
		p += sizeof key - 1;
		memcpy(p, m->body_text, m->body_len);
		p += m->body_len;
	}
	*p++ = '}';
	size_t plen = (size_t)(p - start);
	if (plen > FRAME_MAX_PAYLOAD) {
		snprintf(err, errlen, "%s: payload of %zu bytes is too big", msg_type_name(m->type),
			 plen);
		free(buf);
		return NULL;
	}
	frame_header_write(buf, (uint8_t)m->type, plen);
	*len = FRAME_HEADER_LEN + plen;
	return buf;
}

/* See msg.h. */
uint8_t *msg_encode(const struct msg *m, size_t *len, char *err, size_t errlen)
{
	if (m->type < 1 || m->type > MSG_TYPE_MAX) {
		snprintf(err, errlen, "unknown message type %d", (int)m->type);
		return NULL;
	}
	if (plain(m))
		return encode_plain(m, len, err, errlen);
	json_t *obj = encode_object(m, err, errlen);
	if (!obj)
		return NULL;
	size_t plen;
	char *text = payload_text(m, obj, &plen, err, errlen);
	json_decref(obj);
	if (!text)
		return NULL;
	uint8_t *buf = NULL;
	if (plen > FRAME_MAX_PAYLOAD)
		snprintf(err, errlen, "%s: payload of %zu bytes is too big", msg_type_name(m->type), plen);
	else if (!(buf = malloc(FRAME_HEADER_LEN + plen)))
		snprintf(err, errlen, "out of memory");
	if (buf) {
		frame_header_write(buf, (uint8_t)m->type, plen);
		memcpy(buf + FRAME_HEADER_LEN, text, plen);
		*len = FRAME_HEADER_LEN + plen;
	}
	free(text);
	return buf;
}

/* True if v is an array of at most MSG_MAX_PREFIXES short strings (no NUL inside). */
static bool prefixes_valid(const json_t *v)
{
	size_t i;
	const json_t *item;
	if (!json_is_array(v) || json_array_size(v) > MSG_MAX_PREFIXES)
		return false;
	json_array_foreach(v, i, item)
		if (!json_is_string(item) || json_string_length(item) > MSG_MAX_PREFIX_TEXT ||
		    strlen(json_string_value(item)) != json_string_length(item))
			return false;
	return true;
}

/* Check and store one field from obj into m; returns 0 or -1 with err. */
static int decode_field(struct msg *m, json_t *obj, const struct field *f,
			char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, f->name);
	const char *tn = msg_type_name(m->type);
	if (!v) {
		if (!f->required)
			return 0;
		snprintf(err, errlen, "%s: missing field '%s'", tn, f->name);
		return -1;
	}
	if (f->kind == F_INT) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			snprintf(err, errlen, "%s: '%s' is not a non-negative integer", tn, f->name);
			return -1;
		}
		*(int64_t *)field_ptr(m, f) = json_integer_value(v);
	} else if (f->kind == F_STR) {
		if (!json_is_string(v) || json_string_length(v) > MSG_MAX_STRING ||
		    strlen(json_string_value(v)) != json_string_length(v)) {
			snprintf(err, errlen, "%s: '%s' is not a string of at most %d bytes",
				 tn, f->name, MSG_MAX_STRING);
			return -1;
		}
		*(const char **)field_ptr(m, f) = json_string_value(v);
	} else if (f->kind == F_PREFIXES) {
		if (!prefixes_valid(v)) {
			snprintf(err, errlen, "%s: '%s' is not an array of at most %d strings of at"
				 " most %d bytes", tn, f->name, MSG_MAX_PREFIXES, MSG_MAX_PREFIX_TEXT);
			return -1;
		}
		*(json_t **)field_ptr(m, f) = v;
	} else {
		if (!json_is_object(v)) {
			snprintf(err, errlen, "%s: '%s' is not an object", tn, f->name);
			return -1;
		}
		*(json_t **)field_ptr(m, f) = v;
	}
	return 0;
}

/* See msg.h. */
int msg_decode(const struct frame *f, struct msg *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (f->type < 1 || f->type > MSG_TYPE_MAX) {
		snprintf(err, errlen, "unknown message type %u", f->type);
		return -1;
	}
	out->type = f->type;
	json_error_t jerr;
	json_t *root = json_loadb((const char *)f->payload, f->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		snprintf(err, errlen, "%s: payload is not a JSON object%s%s", msg_type_name(f->type),
			 root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		return -1;
	}
	out->root = root;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i].type == f->type && decode_field(out, root, &fields[i], err, errlen) < 0) {
			msg_free(out);
			return -1;
		}
	}
	return 0;
}

/* See msg.h. */
void msg_free(struct msg *m)
{
	json_decref(m->root);
	memset(m, 0, sizeof *m);
}
