/*
 * api_query: split "a=1&b=2", percent-decode each name and value into
 * bounded buffers and fill struct api_query (see api_query.h).
 */
#include "api/api_query.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/numparse.h"

#define MAX_VALUE 12288   /* probe_ids of API_MAX_IDS ids fit */

/* The value of hex digit c, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode in[0..len) ('+' is a space) into out (size cap); -1 if too long or bad. */
static int decode(const char *in, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			int hi = hexval(in[i + 1]);
			int lo = hexval(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == 0 || o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	out[o] = 0;
	return 0;
}

/* See api_query.h. */
int api_idlist_parse(const char *param, const char *text, struct api_idlist *l,
		     char *err, size_t errlen)
{
	l->present = 1;
	l->n = 0;
	const char *p = text;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char one[24], why[96];
		long long v;
		if (n == 0 || n >= sizeof one) {
			snprintf(err, errlen, "%s: '%.40s' is not a list of ids", param, text);
			return -1;
		}
		memcpy(one, p, n);
		one[n] = 0;
		if (!parse_bounded(one, 1, 1LL << 53, &v, why, sizeof why)) {
			snprintf(err, errlen, "%s: '%s' %s", param, one, why);
			return -1;
		}
		if (l->n == API_MAX_IDS) {
			snprintf(err, errlen, "%s: more than %d ids", param, API_MAX_IDS);
			return -1;
		}
		l->v[l->n++] = v;
		p += n + (comma ? 1 : 0);
		if (comma && !*p) {
			snprintf(err, errlen, "%s: trailing comma", param);
			return -1;
		}
	}
	return 0;
}

/* Parse a bounded number for param into *out. */
static int num(const char *param, const char *v, long long lo, long long hi, long long *out,
	       char *err, size_t errlen)
{
	char why[96];
	if (parse_bounded(v, lo, hi, out, why, sizeof why))
		return 0;
	snprintf(err, errlen, "%s: '%.40s' %s", param, v, why);
	return -1;
}

/* True for "true"/"1", false for "false"/"0"; -1 otherwise. */
static int boolval(const char *v)
{
	if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	return -1;
}

/* Apply one decoded name=value to q. */
static int apply(struct api_query *q, const char *name, const char *v, char *err, size_t errlen)
{
	long long n;
	if (strcmp(name, "key") == 0) {
		if (strlen(v) >= sizeof q->key) {
			snprintf(err, errlen, "key: too long");
			return -1;
		}
		snprintf(q->key, sizeof q->key, "%s", v);
		return 0;
	}
	if (strcmp(name, "page") == 0)
		return num(name, v, 1, 1000000, &q->page, err, errlen);
	if (strcmp(name, "page_size") == 0)
		return num(name, v, 1, API_PAGE_SIZE_MAX, &q->page_size, err, errlen);
	if (strcmp(name, "start") == 0)
		return num(name, v, 0, 1LL << 40, &q->start, err, errlen);
	if (strcmp(name, "stop") == 0)
		return num(name, v, 0, 1LL << 40, &q->stop, err, errlen);
	if (strcmp(name, "probe_ids") == 0)
		return api_idlist_parse(name, v, &q->probe_ids, err, errlen);
	if (strcmp(name, "id__in") == 0 || strcmp(name, "id") == 0)
		return api_idlist_parse(name, v, &q->ids, err, errlen);
	if (strcmp(name, "format") == 0) {
		if (strcmp(v, "json") != 0 && strcmp(v, "txt") != 0) {
			snprintf(err, errlen, "format: '%.20s' is neither json nor txt", v);
			return -1;
		}
		q->format_txt = strcmp(v, "txt") == 0;
		return 0;
	}
	if (strcmp(name, "status") == 0) {
		if (num(name, v, 0, 8, &n, err, errlen) < 0)
			return -1;
		q->status = (int)n;
		return 0;
	}
	if (strcmp(name, "type") == 0) {
		if (strcmp(v, "ping") != 0 && strcmp(v, "traceroute") != 0) {
			snprintf(err, errlen, "type: '%.20s' is neither ping nor traceroute", v);
			return -1;
		}
		memcpy(q->type, v, strlen(v) + 1);   /* one of the two names above */
		return 0;
	}
	if (strcmp(name, "is_anchor") == 0) {
		if ((q->is_anchor = boolval(v)) < 0) {
			snprintf(err, errlen, "is_anchor: '%.20s' is neither true nor false", v);
			return -1;
		}
	}
	return 0;
}

/* See api_query.h. */
int api_query_parse(const char *query, size_t len, struct api_query *q, char *err, size_t errlen)
{
	char value[MAX_VALUE];
	memset(q, 0, sizeof *q);
	q->page = 1;
	q->page_size = API_PAGE_SIZE_DEFAULT;
	q->is_anchor = -1;
	size_t i = 0;
	while (query && i < len) {
		size_t start = i;
		while (i < len && query[i] != '&')
			i++;
		const char *pair = query + start, *eq = memchr(pair, '=', i - start);
		size_t nlen = eq ? (size_t)(eq - pair) : i - start;
		char name[32];
		if (nlen > 0 && decode(pair, nlen, name, sizeof name) == 0) {
			size_t vlen = eq ? i - start - nlen - 1 : 0;
			if (decode(eq ? eq + 1 : "", vlen, value, sizeof value) < 0) {
				snprintf(err, errlen, "%s: value too long or badly encoded", name);
				return -1;
			}
			if (apply(q, name, value, err, errlen) < 0)
				return -1;
		}
		i++;
	}
	return 0;
}
