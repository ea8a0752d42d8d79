/*
 * api_query: the query string of an API request (key, pagination, filters)
 * parsed into a typed struct. Pure and bounded: unknown parameters are
 * ignored, as RIPE Atlas does; a bad value of a known one is an error naming
 * the parameter.
 */
#ifndef VANTAGE_API_API_QUERY_H
#define VANTAGE_API_API_QUERY_H

#include <stddef.h>
#include <stdint.h>

#define API_MAX_IDS 1000         /* probe_ids / id__in entries at most */
#define API_PAGE_SIZE_MAX 500
#define API_PAGE_SIZE_DEFAULT 50

struct api_idlist {
	int present;
	size_t n;
	int64_t v[API_MAX_IDS];
};

struct api_query {
	char key[80];                 /* ?key=, empty when absent */
	long long page;               /* 1.. */
	long long page_size;          /* 1..500 */
	long long start, stop;        /* results window, 0 = open */
	struct api_idlist probe_ids;  /* results/latest: probe_ids= */
	struct api_idlist ids;        /* listings: id__in= (or id=) */
	int format_txt;               /* format=txt */
	int status;                   /* measurements: status=2 (ongoing) / 4 (stopped); 0 = any */
	char type[16];                /* measurements: type=ping|traceroute */
	int is_anchor;                /* probes: is_anchor=true; -1 = any */
};

/*
 * Parse query (len bytes, without the '?'; NULL allowed) into *q.
 * Returns 0, or -1 with "PARAM: reason" in err.
 */
int api_query_parse(const char *query, size_t len, struct api_query *q, char *err, size_t errlen);

/*
 * Parse a comma-separated list of ids (1..2^53) into *l; 0 or -1 with err
 * naming param.
 */
int api_idlist_parse(const char *param, const char *text, struct api_idlist *l,
		     char *err, size_t errlen);

#endif
