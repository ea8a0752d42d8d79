/*
 * api_deffields: one table of the definition fields RIPE Atlas documents
 * for ping and traceroute that are not runner options, each with its kind
 * and bounds (see api_deffields.h).
 */
#include "api/api_deffields.h"

#include <stdio.h>
#include <string.h>

enum kind {
	ECHO_BOOL,      /* stored and echoed */
	ECHO_INT,       /* stored and echoed, integer in [lo, hi] */
	ECHO_REAL,      /* stored and echoed, number in [lo, hi] */
	ECHO_TAGS,      /* stored and echoed, list of tag strings */
	PUBLIC,         /* is_public: its own column */
	ON_PROBE,       /* resolve_on_probe */
	TIMEOUT,        /* response_timeout (ms) -> the runner's timeout, and echoed */
	FIXED,          /* only the value the agents use: false or 0 */
	UNSERVED,       /* documented by RIPE, not honoured here: refused with why */
};

#define PING 1
#define TRACE 2

static const struct field {
	const char *name;
	int types;
	enum kind kind;
	long long lo, hi;
	const char *why;        /* FIXED: what the agents do instead */
} fields[] = {
	{ "is_public", 3, PUBLIC, 0, 0, NULL },
	{ "resolve_on_probe", 3, ON_PROBE, 0, 0, NULL },
	{ "skip_dns_check", 3, ECHO_BOOL, 0, 0, NULL },
	{ "auto_topup", 3, ECHO_BOOL, 0, 0, NULL },
	{ "auto_topup_prb_days_off", 3, ECHO_INT, 1, 30, NULL },
	{ "auto_topup_prb_similarity", 3, ECHO_REAL, 0, 1, NULL },
	{ "target_update_hours", 3, ECHO_INT, 0, 8760, NULL },
	{ "group_id", 3, ECHO_INT, 1, 1LL << 53, NULL },
	{ "tags", 3, ECHO_TAGS, 0, 0, NULL },
	{ "response_timeout", 3, TIMEOUT, 1, 60000, NULL },
	{ "include_probe_id", PING, FIXED, 0, 0,
	  "the agents' ping payload carries their own probe signature, not the probe id" },
	{ "dont_fragment", TRACE, FIXED, 0, 0,
	  "the agents send traceroute probes with the kernel's fragmentation setting" },
	{ "hop_by_hop_option_size", TRACE, FIXED, 0, 0,
	  "the agents send no IPv6 hop-by-hop options header" },
	{ "destination_option_size", TRACE, FIXED, 0, 0,
	  "the agents send no IPv6 destination options header" },
	{ "duplicate_timeout", TRACE, UNSERVED, 0, 0,
	  "the agents do not wait for duplicate replies to a traceroute probe; leave it out" },
};

#define NFIELDS (sizeof fields / sizeof fields[0])

/* The field of name for the type bit, or NULL. */
static const struct field *find(const char *name, int type)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0 && (fields[i].types & type))
			return &fields[i];
	return NULL;
}

/* The type bit of a type name. */
static int type_bit(const char *type)
{
	return strcmp(type, "ping") == 0 ? PING : TRACE;
}

/* See api_deffields.h. */
int api_deffield_known(const char *name, const char *type)
{
	return find(name, type_bit(type)) != NULL;
}

/* A tag list: at most 32 strings of 1..64 letters, digits, '-', '_' or '.'. */
static int tags_ok(const json_t *v)
{
	size_t i;
	const json_t *t;
	if (!json_is_array(v) || json_array_size(v) > 32)
		return 0;
	json_array_foreach(v, i, t) {
		const char *s = json_string_value(t);
		size_t n = s ? strlen(s) : 0;
		if (n == 0 || n > 64 || n != json_string_length(t) ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n)
			return 0;
	}
	return 1;
}

/* Check value v of field f; 0 or -1 with err. */
static int check(const struct field *f, const json_t *v, const char *where, char *err,
		 size_t errlen)
{
	switch (f->kind) {
	case ECHO_BOOL: case PUBLIC: case ON_PROBE:
		if (!json_is_boolean(v))
			break;
		return 0;
	case ECHO_INT: case TIMEOUT:
		if (json_is_integer(v) && json_integer_value(v) >= f->lo &&
		    json_integer_value(v) <= f->hi)
			return 0;
		snprintf(err, errlen, "%s%s: must be an integer from %lld to %lld", where, f->name,
			 f->lo, f->hi);
		return -1;
	case ECHO_REAL:
		if (json_is_number(v) && json_number_value(v) >= f->lo &&
		    json_number_value(v) <= f->hi)
			return 0;
		snprintf(err, errlen, "%s%s: must be a number from %lld to %lld", where, f->name,
			 f->lo, f->hi);
		return -1;
	case ECHO_TAGS:
		if (tags_ok(v))
			return 0;
		snprintf(err, errlen, "%s%s: must be a list of at most 32 tags of 1 to 64 letters,"
			 " digits, '-', '_' or '.'", where, f->name);
		return -1;
	case UNSERVED:
		snprintf(err, errlen, "%s%s: not supported on this platform: %s", where, f->name,
			 f->why);
		return -1;
	case FIXED:
		if (json_is_false(v) || (json_is_integer(v) && json_integer_value(v) == 0))
			return 0;
		snprintf(err, errlen, "%s%s: only %s is supported on this platform: %s", where,
			 f->name, json_is_boolean(v) ? "false" : "0", f->why);
		return -1;
	}
	snprintf(err, errlen, "%s%s: must be true or false", where, f->name);
	return -1;
}

/* Apply checked value v of field f. */
static int apply(const struct field *f, const json_t *v, json_t *run, json_t *extra,
		 int *is_public, const char *where, char *err, size_t errlen)
{
	if (f->kind == PUBLIC) {
		*is_public = json_is_true(v);
		return 0;
	}
	if (f->kind == TIMEOUT) {
		if (json_object_get(run, "timeout")) {
			snprintf(err, errlen, "%sresponse_timeout: give timeout or response_timeout,"
				 " not both", where);
			return -1;
		}
		if (json_object_set(run, "timeout", (json_t *)v) < 0)
			return -1;
	}
	return json_object_set(extra, f->name, (json_t *)v);
}

/* See api_deffields.h. */
int api_deffields_parse(const json_t *def, const char *type, json_t *run, json_t **extra,
			int *is_public, const char *where, char *err, size_t errlen)
{
	const char *k;
	const json_t *v;
	int bit = type_bit(type);
	*is_public = 1;
	*extra = json_object();
	if (!*extra) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_object_foreach((json_t *)def, k, v) {
		const struct field *f = find(k, bit);
		if (f && (check(f, v, where, err, errlen) < 0 ||
			  apply(f, v, run, *extra, is_public, where, err, errlen) < 0)) {
			json_decref(*extra);
			*extra = NULL;
			return -1;
		}
	}
	return 0;
}
