/*
 * json_peek: read one top-level integer member out of JSON object text
 * without parsing the rest: a single bounded pass that tracks strings and
 * nesting. Meant for text already known to be valid JSON (a spool record its
 * writer vouched for, spool.h SPOOL_OBJECT), where a full parse would only
 * repeat what the writer did; on any other input it returns a definite
 * answer and reads nothing outside the len bytes.
 */
#ifndef VANTAGE_UTIL_JSON_PEEK_H
#define VANTAGE_UTIL_JSON_PEEK_H

#include <stddef.h>
#include <stdint.h>

/*
 * The integer value of member key (written without escapes) of the object
 * text[0..len): returns 1 with *out set, or 0 when the object has no such
 * member at its top level or its value is not an integer that fits int64_t
 * (a string, a real such as 5.0 or 1e3, an object, ...). The first match
 * counts (jansson's encoder never writes a key twice).
 */
int json_peek_int(const char *text, size_t len, const char *key, int64_t *out);

#endif
