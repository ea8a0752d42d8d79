/*
 * json_peek: one top-level integer member of JSON object text, read in a
 * single pass (json_peek.h).
 */
#include "util/json_peek.h"

#include <string.h>

/* Index just past the string whose opening quote is at t[i]; len if it is unterminated. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i + 1;
	}
	return len;
}

/* Index of the first byte at or after i that is not JSON whitespace. */
static size_t skip_space(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* The JSON integer at t[i..len) (it must end there or at a delimiter); 1 or 0. */
static int read_int(const char *t, size_t len, size_t i, int64_t *out)
{
	int neg = i < len && t[i] == '-';
	i += (size_t)neg;
	size_t start = i;
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len && t[i] >= '0' && t[i] <= '9'; i++) {
		unsigned d = (unsigned)(t[i] - '0');
		if (v > (lim - d) / 10)
			return 0;             /* beyond int64_t: jansson refuses it too */
		v = v * 10 + d;
	}
	if (i == start)
		return 0;
	i = skip_space(t, len, i);
	if (i < len && t[i] != ',' && t[i] != '}')
		return 0;                     /* a fraction or exponent: a real */
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 1;
}

/* See json_peek.h. */
int json_peek_int(const char *text, size_t len, const char *key, int64_t *out)
{
	size_t klen = strlen(key);
	int depth = 0;
	for (size_t i = 0; i < len;) {
		char c = text[i];
		if (c == '"') {
			size_t end = skip_string(text, len, i);
			size_t colon = skip_space(text, len, end);
			if (depth == 1 && colon < len && text[colon] == ':' && end - i == klen + 2 &&
			    memcmp(text + i + 1, key, klen) == 0)
				return read_int(text, len, skip_space(text, len, colon + 1), out);
			i = end;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth <= 0)
			return 0;                 /* the top-level object ended */
		i++;
	}
	return 0;
}
