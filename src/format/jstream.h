/*
 * jstream: a small streaming JSON writer into a wbuf, for encoders that
 * produce one known shape many times (the RIPE Atlas result lines). It
 * places commas and colons itself, escapes strings (control characters and
 * every non-ASCII byte as \u00XX, so any input gives valid JSON), and prints
 * milliseconds exactly from integer nanoseconds.
 */
#ifndef VANTAGE_FORMAT_JSTREAM_H
#define VANTAGE_FORMAT_JSTREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "format/wbuf.h"

/* Deepest nesting a jstream tracks. */
#define JSTREAM_MAX_DEPTH 31

struct jstream {
	struct wbuf *b;
	uint32_t has;   /* bit d: the container at depth d has an element */
	int depth;
	bool after_key; /* the next value follows a key: no comma */
};

/* Start writing into b (appends to what b holds). */
void js_init(struct jstream *j, struct wbuf *b);

/* Open / close an object or an array. */
void js_obj(struct jstream *j);
void js_obj_end(struct jstream *j);
void js_arr(struct jstream *j);
void js_arr_end(struct jstream *j);

/* Write a key of the current object; the next call writes its value. */
void js_key(struct jstream *j, const char *k);

/* Values. */
void js_str(struct jstream *j, const char *s);
void js_int(struct jstream *j, long long v);
void js_null(struct jstream *j);
void js_bool(struct jstream *j, bool v);

/* Milliseconds from nanoseconds, exact, always with a decimal point. */
void js_ms(struct jstream *j, uint64_t ns);

/* A value given as JSON text (e.g. "-1.0"). */
void js_raw(struct jstream *j, const char *json);

#endif
