/*
 * chunk_body: check and read a CHUNK's body (chunk_body.h).
 */
#include "proto/chunk_body.h"

#include <stdio.h>
#include <string.h>

/* A required non-negative integer field; 0 or -1 with err. */
static int read_count(const json_t *body, const char *name, int64_t *out, char *err,
		      size_t errlen)
{
	const json_t *v = json_object_get(body, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(err, errlen, "%s: %s", name,
			 v ? "not a non-negative integer" : "missing");
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

/* The optional pps field; 0 or -1 with err. */
static int read_pps(const json_t *body, uint32_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(body, "pps");
	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > CHUNK_PPS_MAX) {
		snprintf(err, errlen, "pps: not an integer from 0 to %d", CHUNK_PPS_MAX);
		return -1;
	}
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

/* The targets: an array of at most CHUNK_TARGETS_MAX strings; 0 or -1. */
static int check_targets(const json_t *t, char *err, size_t errlen)
{
	size_t i;
	const json_t *s;
	if (!json_is_array(t)) {
		snprintf(err, errlen, "targets: %s", t ? "not an array" : "missing");
		return -1;
	}
	if (json_array_size(t) > CHUNK_TARGETS_MAX) {
		snprintf(err, errlen, "targets: more than %d", CHUNK_TARGETS_MAX);
		return -1;
	}
	json_array_foreach(t, i, s)
		if (!json_is_string(s)) {
			snprintf(err, errlen, "targets: entry %zu is not a string", i);
			return -1;
		}
	return 0;
}

/* See chunk_body.h. */
int chunk_body_parse(const json_t *body, struct chunk_body *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(body)) {
		snprintf(err, errlen, "not an object");
		return -1;
	}
	const json_t *repeat = json_object_get(body, "repeat");
	out->def = json_object_get(body, "def");
	out->targets = json_object_get(body, "targets");
	if (read_count(body, "team", &out->team, err, errlen) < 0 ||
	    read_count(body, "cycle", &out->cycle, err, errlen) < 0 ||
	    read_count(body, "chunk", &out->chunk, err, errlen) < 0 ||
	    read_pps(body, &out->pps, err, errlen) < 0 ||
	    check_targets(out->targets, err, errlen) < 0)
		return -1;
	if (!json_is_object(out->def)) {
		snprintf(err, errlen, "def: %s", out->def ? "not an object" : "missing");
		return -1;
	}
	if (repeat && !json_is_boolean(repeat)) {
		snprintf(err, errlen, "repeat: not true or false");
		return -1;
	}
	out->repeat = json_is_true(repeat);
	return 0;
}
