/*
 * api_query: the query string of an API request (key, pagination, filters)
 * parsed into a typed struct. Pure and bounded. Every parameter name is
 * looked up in one table (api_query.c) that says on which endpoints it is a
 * filter: an unknown name, or a known one on an endpoint that has no such
 * filter, is refused with the name (a researcher's typo must not silently
 * widen a selection); a bad value of a known one is an error naming it.
 */
#ifndef VANTAGE_API_API_QUERY_H
#define VANTAGE_API_API_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "api/api_geo.h"
#include "api/api_route.h"

#define API_MAX_IDS 1000         /* probe_ids / id__in entries at most */
#define API_MAX_VERSIONS 50      /* latest?versions=N at most (RIPE documents no bound) */
#define API_STATUS_LOOKBACK_MAX 10 /* status-check?lookback=N at most: read on the loop */
#define API_PAGE_SIZE_MAX 500
#define API_PAGE_SIZE_DEFAULT 50
#define API_QUERY_TEXT 256       /* text filters (target, description, tags, ...) */

struct api_idlist {
	int present;
	size_t n;
	int64_t v[API_MAX_IDS];
};

/* A numeric filter with its comparison: == (eq), __gt, __gte, __lt, __lte. */
struct api_range {
	int64_t gt, lt;               /* exclusive bounds; 0 = open */
};

/* What status-check compares (RIPE's arguments, with RIPE's defaults set by api_query_parse). */
struct api_status_args {
	int max_packet_loss;          /* percent a probe may lose before it alerts: 75 */
	int show_all;                 /* every probe's RTTs, not only the alerting ones' */
	int permitted_total_alerts;   /* probes that may alert before the global alert: 0 */
	int lookback;                 /* results of each probe the median is taken over: 1 */
	double median_rtt_threshold;  /* ms above the median that alerts; < 0: not asked */
};

struct api_query {
	char key[80];                 /* ?key=, empty when absent */
	long long page;               /* 1.. */
	long long page_size;          /* 1..500 */
	long long start, stop;        /* results window, 0 = open */
	struct api_idlist probe_ids;  /* results/latest: probe_ids= (ids and ranges a-b) */
	struct api_idlist ids;        /* listings: id__in= (or id=) */
	struct api_range id;          /* listings: id__gt/gte/lt/lte */
	int format_txt;               /* format=txt */
	int status;                   /* status=N as given (first of status__in), 0 = any */
	unsigned status_mask;         /* status / status__in: bit N set; 0 = any */
	char type[16];                /* measurements: type=ping|traceroute */
	int is_anchor;                /* probes: is_anchor=true; -1 = any */
	int is_public;                /* measurements, probes: -1 = any */
	int af;                       /* measurements: 4, 6, 0 = any */
	char target[API_QUERY_TEXT], target_contains[API_QUERY_TEXT];
	char description[API_QUERY_TEXT], description_contains[API_QUERY_TEXT];
	char search[API_QUERY_TEXT];  /* measurements: target or description contains */
	char tags[API_QUERY_TEXT];    /* comma-separated, all must be present */
	struct api_range start_time, stop_time;   /* measurements */
	int64_t current_probe;        /* measurements: current_probes=ID, 0 = any */
	char sort[24];                /* "id", "-id", "start_time", ...; "" = default */
	char fields[API_QUERY_TEXT];  /* comma-separated field names, "" = all */
	char optional_fields[API_QUERY_TEXT];
	char country[API_QUERY_TEXT]; /* probes: country_code(__in), comma-separated */
	long long asn, asn_v4, asn_v6;            /* probes; 0 = any */
	char asn_v4_in[API_QUERY_TEXT], asn_v6_in[API_QUERY_TEXT];  /* "1,2": any of them */
	char prefix[64], prefix_v4[64], prefix_v6[64];
	struct api_geo_filter geo;    /* probes: radius, latitude(__*), longitude(__*) */
	int anchors_only, public_only;            /* results */
	int versions;                 /* latest: versions=N (1..API_MAX_VERSIONS), 0 = 1 */
	int lookback_days;            /* latest: 0 = any */
	struct api_status_args check; /* status-check */
	unsigned long long seen[2];   /* bit i: parameter i of the table was given */
};

/*
 * Parse query (len bytes, without the '?'; NULL allowed) into *q.
 * Returns 0, or -1 with "PARAM: reason" in err (an unknown name included).
 */
int api_query_parse(const char *query, size_t len, struct api_query *q, char *err, size_t errlen);

/*
 * Check that every parameter q holds is a filter of the endpoint kind (see
 * api_route.h); 0, or -1 with err naming the first that is not.
 */
int api_query_check_route(const struct api_query *q, enum api_route_kind kind,
			  char *err, size_t errlen);

/* The bit of route kind k in a parameter's set of endpoints. */
#define API_ROUTE_BIT(k) (UINT64_C(1) << (k))

/*
 * Parameter i of the table (NULL past its end), with the endpoints where it
 * is a filter as bits (API_ROUTE_BIT(enum api_route_kind)) in *routes.
 * For tests.
 */
const char *api_query_param(size_t i, uint64_t *routes);

/*
 * Parse a comma-separated list of ids (1..2^53) into *l; 0 or -1 with err
 * naming param.
 */
int api_idlist_parse(const char *param, const char *text, struct api_idlist *l,
		     char *err, size_t errlen);

#endif
