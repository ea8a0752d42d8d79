/*
 * api_query: split "a=1&b=2", percent-decode each name and value into
 * bounded buffers and fill struct api_query (see api_query.h).
 */
#include "api/api_query.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_time.h"
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

/* A handler: apply one decoded name=value to q. */
typedef int (*param_fn)(struct api_query *q, const char *name, const char *v, char *err,
			size_t errlen);

/* Copy v into a text filter of cap bytes. */
static int text_into(char *out, size_t cap, const char *name, const char *v, char *err,
		     size_t errlen)
{
	if (strlen(v) >= cap || !v[0]) {
		snprintf(err, errlen, "%s: must be 1 to %zu characters", name, cap - 1);
		return -1;
	}
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int p_key(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	if (strlen(v) >= sizeof q->key) {
		snprintf(e, el, "%s: too long", n);
		return -1;
	}
	memcpy(q->key, v, strlen(v) + 1);
	return 0;
}

static int p_page(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	return num(n, v, 1, 1000000, &q->page, e, el);
}

static int p_page_size(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	return num(n, v, 1, API_PAGE_SIZE_MAX, &q->page_size, e, el);
}

static int p_start(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	int64_t t;
	if (api_time_parse(v, &t) < 0) {
		snprintf(e, el, "%s: '%.40s' is neither Unix seconds nor an ISO-8601 time", n, v);
		return -1;
	}
	*(strcmp(n, "start") == 0 ? &q->start : &q->stop) = t;
	return 0;
}

/* probe_ids: ids and ranges "a-b" (each range at most API_MAX_IDS ids). */
static int p_probe_ids(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	char list[12288], *o = list;
	const char *p = v;
	if (v[0] && v[strlen(v) - 1] == ',') {
		snprintf(e, el, "%s: trailing comma", n);
		return -1;
	}
	while (*p) {   /* expand ranges into a plain list, then parse that */
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *dash = memchr(p, '-', (size_t)(end - p));
		long long a, b;
		char one[48];
		if (dash && (size_t)(end - p) < sizeof one) {
			snprintf(one, sizeof one, "%.*s", (int)(dash - p), p);
			if (num(n, one, 1, 1LL << 53, &a, e, el) < 0)
				return -1;
			snprintf(one, sizeof one, "%.*s", (int)(end - dash - 1), dash + 1);
			if (num(n, one, a, a + API_MAX_IDS - 1, &b, e, el) < 0)
				return -1;
			for (long long k = a; k <= b; k++) {
				int w = snprintf(o, sizeof list - (size_t)(o - list), "%lld,", k);
				if (w < 0 || (size_t)w >= sizeof list - (size_t)(o - list)) {
					snprintf(e, el, "%s: more than %d ids", n, API_MAX_IDS);
					return -1;
				}
				o += w;
			}
		} else {
			int w = snprintf(o, sizeof list - (size_t)(o - list), "%.*s,", (int)(end - p), p);
			if (w < 0 || (size_t)w >= sizeof list - (size_t)(o - list)) {
				snprintf(e, el, "%s: list too long", n);
				return -1;
			}
			o += w;
		}
		p = comma ? comma + 1 : end;
	}
	if (o > list)
		o[-1] = 0;
	else
		list[0] = 0;
	return api_idlist_parse(n, list, &q->probe_ids, e, el);
}

static int p_ids(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	return api_idlist_parse(n, v, &q->ids, e, el);
}

/* A __gt/__gte/__lt/__lte suffix applied to range r with value t. */
static void bound(struct api_range *r, const char *n, int64_t t)
{
	const char *s = strrchr(n, '_');
	if (strcmp(s, "_gt") == 0)
		r->gt = t;
	else if (strcmp(s, "_gte") == 0)
		r->gt = t - 1;
	else if (strcmp(s, "_lt") == 0)
		r->lt = t;
	else if (strcmp(s, "_lte") == 0)
		r->lt = t + 1;
	else
		r->gt = t - 1, r->lt = t + 1;   /* equality */
}

static int p_id_range(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	long long t;
	if (num(n, v, 0, 1LL << 53, &t, e, el) < 0)
		return -1;
	bound(&q->id, n, t);
	return 0;
}

static int p_time_range(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	int64_t t;
	if (api_time_parse(v, &t) < 0) {
		snprintf(e, el, "%s: '%.40s' is neither Unix seconds nor an ISO-8601 time", n, v);
		return -1;
	}
	bound(strncmp(n, "start", 5) == 0 ? &q->start_time : &q->stop_time, n, t);
	return 0;
}

static int p_format(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	if (strcmp(v, "json") != 0 && strcmp(v, "txt") != 0) {
		snprintf(e, el, "%s: '%.20s' is neither json nor txt", n, v);
		return -1;
	}
	q->format_txt = strcmp(v, "txt") == 0;
	return 0;
}

/*
 * A comma-separated list of numbers in [lo, hi] into out (at most max);
 * the count, or -1 with err naming param and saying what the list is of.
 */
static int num_list(const char *n, const char *v, long long lo, long long hi, const char *what,
		    long long *out, int max, char *e, size_t el)
{
	char one[24];
	int count = 0;
	for (const char *p = v; *p; count++) {
		size_t k = strcspn(p, ",");
		if (k == 0 || k >= sizeof one || count == max || (p[k] == ',' && !p[k + 1])) {
			snprintf(e, el, "%s: '%.40s' is not a list of %s", n, v, what);
			return -1;
		}
		snprintf(one, sizeof one, "%.*s", (int)k, p);
		if (num(n, one, lo, hi, &out[count], e, el) < 0)
			return -1;
		p += k + (p[k] == ',');
	}
	if (count == 0)
		snprintf(e, el, "%s: empty", n);
	return count ? count : -1;
}

/* status=N or status__in=N,M (0..8 for measurements, 0..3 for probes). */
static int p_status(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	long long s[9];
	int k = num_list(n, v, 0, 8, "status ids", s, 9, e, el);
	for (int i = 0; i < k; i++)
		q->status_mask |= 1u << s[i];
	if (k > 0)
		q->status = (int)s[0];
	return k > 0 ? 0 : -1;
}

static int p_type(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	if (strcmp(v, "ping") != 0 && strcmp(v, "traceroute") != 0) {
		snprintf(e, el, "%s: '%.20s' is neither ping nor traceroute", n, v);
		return -1;
	}
	memcpy(q->type, v, strlen(v) + 1);   /* one of the two names above */
	return 0;
}

static int p_bool(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	int b = boolval(v);
	if (b < 0) {
		snprintf(e, el, "%s: '%.20s' is neither true nor false", n, v);
		return -1;
	}
	if (strcmp(n, "is_anchor") == 0)
		q->is_anchor = b;
	else if (strcmp(n, "is_public") == 0)
		q->is_public = b;
	else if (strcmp(n, "anchors_only") == 0)
		q->anchors_only = b;
	else if (strcmp(n, "show_all") == 0)
		q->check.show_all = b;
	else
		q->public_only = b;
	return 0;
}

static int p_af(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	long long af;
	if (num(n, v, 4, 6, &af, e, el) < 0 || af == 5) {
		snprintf(e, el, "%s: must be 4 or 6", n);
		return -1;
	}
	q->af = (int)af;
	return 0;
}

/* The text filters, each into its own field. */
static int p_text(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	static const struct { const char *name; size_t off, cap; } t[] = {
		{ "target", offsetof(struct api_query, target), API_QUERY_TEXT },
		{ "target__contains", offsetof(struct api_query, target_contains), API_QUERY_TEXT },
		{ "description", offsetof(struct api_query, description), API_QUERY_TEXT },
		{ "description__contains", offsetof(struct api_query, description_contains),
		  API_QUERY_TEXT },
		{ "search", offsetof(struct api_query, search), API_QUERY_TEXT },
		{ "tags", offsetof(struct api_query, tags), API_QUERY_TEXT },
		{ "fields", offsetof(struct api_query, fields), API_QUERY_TEXT },
		{ "optional_fields", offsetof(struct api_query, optional_fields), API_QUERY_TEXT },
		{ "country_code", offsetof(struct api_query, country), API_QUERY_TEXT },
		{ "country_code__in", offsetof(struct api_query, country), API_QUERY_TEXT },
		{ "prefix", offsetof(struct api_query, prefix), 64 },
		{ "prefix_v4", offsetof(struct api_query, prefix_v4), 64 },
		{ "prefix_v6", offsetof(struct api_query, prefix_v6), 64 },
		{ "sort", offsetof(struct api_query, sort), 24 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(n, t[i].name) == 0)
			return text_into((char *)q + t[i].off, t[i].cap, n, v, e, el);
	return -1;
}

/* asn_v4__in / asn_v6__in: a comma-separated list of AS numbers. */
static int p_asn_in(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	long long asn[32];
	if (num_list(n, v, 1, 4294967295LL, "AS numbers", asn, 32, e, el) < 0)
		return -1;
	return text_into(n[5] == '4' ? q->asn_v4_in : q->asn_v6_in, API_QUERY_TEXT, n, v, e, el);
}

static int p_asn(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	long long *out = strncmp(n, "asn_v4", 6) == 0 ? &q->asn_v4 :
			 strncmp(n, "asn_v6", 6) == 0 ? &q->asn_v6 : &q->asn;
	return num(n, v, 1, 4294967295LL, out, e, el);
}

static int p_current_probes(struct api_query *q, const char *n, const char *v, char *e,
			    size_t el)
{
	long long id;
	if (num(n, v, 1, 1LL << 53, &id, e, el) < 0)
		return -1;
	q->current_probe = id;
	return 0;
}

static int p_latest(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	long long k;
	if (num(n, v, 1, strcmp(n, "versions") == 0 ? API_MAX_VERSIONS : 3650, &k, e, el) < 0)
		return -1;
	*(strcmp(n, "versions") == 0 ? &q->versions : &q->lookback_days) = (int)k;
	return 0;
}

/* radius=LAT,LON:KM and latitude/longitude with __gt, __gte, __lt, __lte (api_geo.h). */
static int p_location(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	char why[128];
	int rc;
	if (strcmp(n, "radius") == 0) {
		rc = api_geo_circle_parse(v, &q->geo.circle, why, sizeof why);
		q->geo.has_circle = rc == 0;
	} else if (strncmp(n, "latitude", 8) == 0) {
		rc = api_geo_bound_parse(&q->geo.lat, n + 8, v, -90, 90, why, sizeof why);
	} else {
		rc = api_geo_bound_parse(&q->geo.lon, n + 9, v, -180, 180, why, sizeof why);
	}
	if (rc < 0)
		snprintf(e, el, "%s: %s", n, why);
	return rc;
}

/* Anchors: country, as_v4, as_v6 filter as the probe filters of the same meaning. */
static int p_anchor(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	if (strcmp(n, "country") == 0)
		return text_into(q->country, sizeof q->country, n, v, e, el);
	return num(n, v, 1, 4294967295LL, n[3] == '4' ? &q->asn_v4 : &q->asn_v6, e, el);
}

/* status-check's arguments: bounded numbers, a boolean, a threshold in ms. */
static int p_check(struct api_query *q, const char *n, const char *v, char *e, size_t el)
{
	struct api_status_args *a = &q->check;
	long long k;
	if (strcmp(n, "show_all") == 0)
		return p_bool(q, n, v, e, el);
	if (strcmp(n, "median_rtt_threshold") == 0) {
		char *end;
		errno = 0;
		double ms = strtod(v, &end);
		if (!*v || *end || errno || !(ms >= 0 && ms <= 1e6)) {
			snprintf(e, el, "%s: must be a number of milliseconds, 0 to 1000000", n);
			return -1;
		}
		a->median_rtt_threshold = ms;
		return 0;
	}
	int lookback = strcmp(n, "lookback") == 0, loss = strcmp(n, "max_packet_loss") == 0;
	if (num(n, v, lookback ? 1 : 0, lookback ? API_STATUS_LOOKBACK_MAX : loss ? 100 : API_MAX_IDS,
		&k, e, el) < 0)
		return -1;
	*(lookback ? &a->lookback : loss ? &a->max_packet_loss : &a->permitted_total_alerts) = (int)k;
	return 0;
}

/* Endpoint bits of the parameter table. */
#define M_LIST API_ROUTE_BIT(ROUTE_MSM_LIST)
#define M_MY API_ROUTE_BIT(ROUTE_MSM_MY)
#define M_ONE API_ROUTE_BIT(ROUTE_MSM_ONE)
#define M_RES API_ROUTE_BIT(ROUTE_MSM_RESULTS)
#define M_LAT API_ROUTE_BIT(ROUTE_MSM_LATEST)
#define M_PART API_ROUTE_BIT(ROUTE_MSM_PARTICIPATION)
#define P_LIST API_ROUTE_BIT(ROUTE_PROBE_LIST)
#define P_ONE API_ROUTE_BIT(ROUTE_PROBE_ONE)
#define A_LIST API_ROUTE_BIT(ROUTE_ANCHOR_LIST)
#define A_ONE API_ROUTE_BIT(ROUTE_ANCHOR_ONE)
#define P_HIST (API_ROUTE_BIT(ROUTE_PROBE_TIMING) | API_ROUTE_BIT(ROUTE_PROBE_CONNECTIONS))
#define M_CHECK API_ROUTE_BIT(ROUTE_MSM_STATUS_CHECK)
#define AM_LIST API_ROUTE_BIT(ROUTE_ANCHOR_MSM_LIST)
#define MSMS (M_LIST | M_MY)
#define LISTS (MSMS | P_LIST | A_LIST)
#define ALL UINT64_MAX
_Static_assert(ROUTE_KIND_COUNT <= 64, "struct param.routes has one bit per route kind");

/* Every parameter: its name, the endpoints where it is a filter, its parser. */
static const struct param {
	const char *name;
	uint64_t routes;      /* API_ROUTE_BIT of each endpoint where it filters */
	param_fn fn;
} params[] = {
	{ "key", ALL, p_key }, { "page", LISTS | M_PART | AM_LIST, p_page },
	{ "page_size", LISTS | M_PART | AM_LIST, p_page_size }, { "format", ALL, p_format },
	{ "start", M_RES | P_HIST, p_start }, { "stop", M_RES, p_start },
	{ "probe_ids", M_RES | M_LAT, p_probe_ids },
	{ "anchors_only", M_RES, p_bool }, { "public_only", M_RES, p_bool },
	{ "versions", M_LAT, p_latest }, { "lookback_days", M_LAT, p_latest },
	{ "id", LISTS, p_ids }, { "id__in", LISTS, p_ids },
	{ "id__gt", LISTS, p_id_range }, { "id__gte", LISTS, p_id_range },
	{ "id__lt", LISTS, p_id_range }, { "id__lte", LISTS, p_id_range },
	{ "sort", LISTS, p_text }, { "fields", LISTS | M_ONE | P_ONE | A_ONE, p_text },
	{ "optional_fields", MSMS | M_ONE, p_text },
	{ "status", MSMS | P_LIST, p_status }, { "status__in", MSMS | P_LIST, p_status },
	{ "type", MSMS, p_type }, { "af", MSMS, p_af },
	{ "target", MSMS, p_text }, { "target__contains", MSMS, p_text },
	{ "description", MSMS, p_text }, { "description__contains", MSMS, p_text },
	{ "search", MSMS, p_text }, { "tags", MSMS | P_LIST, p_text },
	{ "is_public", MSMS | P_LIST, p_bool }, { "current_probes", MSMS, p_current_probes },
	{ "start_time", MSMS, p_time_range }, { "start_time__gt", MSMS, p_time_range },
	{ "start_time__gte", MSMS, p_time_range }, { "start_time__lt", MSMS, p_time_range },
	{ "start_time__lte", MSMS, p_time_range }, { "stop_time", MSMS, p_time_range },
	{ "stop_time__gt", MSMS, p_time_range }, { "stop_time__gte", MSMS, p_time_range },
	{ "stop_time__lt", MSMS, p_time_range }, { "stop_time__lte", MSMS, p_time_range },
	{ "is_anchor", P_LIST, p_bool },
	{ "country_code", P_LIST, p_text }, { "country_code__in", P_LIST, p_text },
	{ "asn", P_LIST, p_asn }, { "asn_v4", P_LIST, p_asn },
	{ "asn_v4__in", P_LIST, p_asn_in }, { "asn_v6", P_LIST, p_asn },
	{ "asn_v6__in", P_LIST, p_asn_in },
	{ "prefix", P_LIST, p_text }, { "prefix_v4", P_LIST, p_text },
	{ "prefix_v6", P_LIST, p_text },
	{ "radius", P_LIST, p_location }, { "latitude", P_LIST, p_location },
	{ "longitude", P_LIST, p_location },
	{ "latitude__gt", P_LIST, p_location }, { "latitude__gte", P_LIST, p_location },
	{ "latitude__lt", P_LIST, p_location }, { "latitude__lte", P_LIST, p_location },
	{ "longitude__gt", P_LIST, p_location }, { "longitude__gte", P_LIST, p_location },
	{ "longitude__lt", P_LIST, p_location }, { "longitude__lte", P_LIST, p_location },
	/* the anchor object's own names */
	{ "country", A_LIST, p_anchor }, { "as_v4", A_LIST, p_anchor },
	{ "as_v6", A_LIST, p_anchor },
	/* status-check's arguments */
	{ "max_packet_loss", M_CHECK, p_check }, { "show_all", M_CHECK, p_check },
	{ "permitted_total_alerts", M_CHECK, p_check }, { "lookback", M_CHECK, p_check },
	{ "median_rtt_threshold", M_CHECK, p_check },
};

#define NPARAMS (sizeof params / sizeof params[0])
_Static_assert(NPARAMS <= 128, "api_query.seen has one bit per parameter");

/* Apply one decoded name=value to q; an unknown name is an error. */
static int apply(struct api_query *q, const char *name, const char *v, char *err, size_t errlen)
{
	for (size_t i = 0; i < NPARAMS; i++) {
		if (strcmp(name, params[i].name) != 0)
			continue;
		q->seen[i / 64] |= 1ULL << (i % 64);
		return params[i].fn(q, name, v, err, errlen);
	}
	snprintf(err, errlen, "%.40s: unknown filter or parameter", name);
	return -1;
}

/* See api_query.h. */
const char *api_query_param(size_t i, uint64_t *routes)
{
	if (i >= NPARAMS)
		return NULL;
	*routes = params[i].routes;
	return params[i].name;
}

/* See api_query.h. */
int api_query_check_route(const struct api_query *q, enum api_route_kind kind,
			  char *err, size_t errlen)
{
	for (size_t i = 0; i < NPARAMS; i++) {
		if (!(q->seen[i / 64] & (1ULL << (i % 64))) || (params[i].routes & API_ROUTE_BIT(kind)))
			continue;
		snprintf(err, errlen, "%s: not a filter of this endpoint", params[i].name);
		return -1;
	}
	if (q->format_txt && kind != ROUTE_MSM_RESULTS) {
		snprintf(err, errlen, "format: txt is served by /results/ only");
		return -1;
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
	q->is_public = -1;
	q->check = (struct api_status_args){ .max_packet_loss = 75, .lookback = 1,
					     .median_rtt_threshold = -1 };
	size_t i = 0;
	while (query && i < len) {
		size_t start = i;
		while (i < len && query[i] != '&')
			i++;
		const char *pair = query + start, *eq = memchr(pair, '=', i - start);
		size_t nlen = eq ? (size_t)(eq - pair) : i - start;
		char name[40];
		if (nlen > 0 && decode(pair, nlen, name, sizeof name) < 0) {
			snprintf(err, errlen, "%.*s: unknown filter or parameter", (int)(nlen < 40 ? nlen : 40), pair);
			return -1;
		}
		if (nlen > 0) {
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
