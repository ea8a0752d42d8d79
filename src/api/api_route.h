/*
 * api_route: which endpoint of the RIPE Atlas API v2 subset a request path
 * names, and the object id in it. Pure and bounded: the path is hostile.
 */
#ifndef VANTAGE_API_API_ROUTE_H
#define VANTAGE_API_API_ROUTE_H

#include <stddef.h>
#include <stdint.h>

enum api_route_kind {
	ROUTE_NONE = 0,
	ROUTE_MSM_LIST,          /* /api/v2/measurements/ */
	ROUTE_MSM_ONE,           /* /api/v2/measurements/{id}/ */
	ROUTE_MSM_RESULTS,       /* /api/v2/measurements/{id}/results/ */
	ROUTE_MSM_LATEST,        /* /api/v2/measurements/{id}/latest/ */
	ROUTE_MSM_PARTICIPATION, /* /api/v2/measurements/{id}/participation-requests/ */
	ROUTE_PROBE_LIST,        /* /api/v2/probes/ */
	ROUTE_PROBE_ONE,         /* /api/v2/probes/{id}/ */
	ROUTE_ANCHOR_LIST,       /* /api/v2/anchors/ */
	ROUTE_ANCHOR_ONE,        /* /api/v2/anchors/{id}/ */
	ROUTE_MSM_MY,            /* /api/v2/measurements/my/ */
	ROUTE_MSM_TAGS,          /* /api/v2/measurements/{id}/tags/ */
	ROUTE_MSM_TAG_ONE,       /* /api/v2/measurements/{id}/tags/{tag}/ */
	ROUTE_PROBE_TIMING,      /* /api/v2/probes/{id}/timing/ (ours: timing reports) */
	ROUTE_PROBE_CONNECTIONS, /* /api/v2/probes/{id}/connections/ (ours: sessions) */
	ROUTE_TEAM_ONE,          /* /api/v2/teams/{id}/ (vantage's own: a team's status) */
	ROUTE_MSM_STATUS_CHECK,  /* /api/v2/measurements/{id}/status-check/ */
	ROUTE_TEAM_LIST,         /* /api/v2/teams/ (vantage's own: every team's status) */
	ROUTE_CREDITS,           /* /api/v2/credits/ */
	ROUTE_CREDITS_TRANSACTIONS, /* /api/v2/credits/transactions/ */
	ROUTE_ANCHOR_MSM_LIST,   /* /api/v2/anchor-measurements/ */
	ROUTE_ANCHOR_MSM_ONE,    /* /api/v2/anchor-measurements/{id}/ */
	ROUTE_KEY_LIST,          /* /api/v2/keys/ */
	ROUTE_KEY_ONE,           /* /api/v2/keys/{key}/: the key text or its id, in tag */
	ROUTE_KEY_PERMISSIONS,   /* /api/v2/keys/permissions/ */
	ROUTE_PROBE_HOST_REPORT, /* /api/v2/probes/{id}/host-report/ (ours: its check-host report) */
	ROUTE_KIND_COUNT         /* not a route: how many kinds there are (keep it last) */
};

struct api_route {
	enum api_route_kind kind;
	int64_t id;              /* for the {id} routes, 1..2^53 */
	char tag[72];            /* ROUTE_MSM_TAG_ONE: the tag as given; ROUTE_KEY_ONE: the key */
};

/*
 * Match path (len bytes, no query string; the trailing slash is optional)
 * against the endpoints. Returns 0 with *r filled, or -1 when no endpoint
 * matches (r->kind is ROUTE_NONE).
 */
int api_route_parse(const char *path, size_t len, struct api_route *r);

#endif
