/*
 * api_time: the times RIPE Atlas API clients send, as Unix seconds: an
 * integer ("1700000000", or a JSON integer) or an ISO-8601 UTC date and time
 * ("2026-12-02T01:00:00Z", "2026-12-02T01:00", "2026-12-02", an offset
 * "+01:00" honoured). Pure and bounded: the text is hostile.
 */
#ifndef VANTAGE_API_API_TIME_H
#define VANTAGE_API_API_TIME_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define API_TIME_MAX (1LL << 40)

/* Parse text into *out (0..API_TIME_MAX); 0, or -1 when it is neither form. */
int api_time_parse(const char *text, int64_t *out);

/* The same for a JSON value (integer or string); 0 or -1. */
int api_time_json(const json_t *v, int64_t *out);

#endif
