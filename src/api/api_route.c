/*
 * api_route: split a request path into at most six segments and match them
 * against the API's endpoints (see api_route.h).
 */
#include "api/api_route.h"

#include <string.h>

#include "util/numparse.h"

#define MAX_SEGS 6
#define MAX_SEG 72

_Static_assert(sizeof(((struct api_route *)0)->tag) == MAX_SEG, "a tag is one segment");

struct segs {
	char s[MAX_SEGS][MAX_SEG];
	int n;
};

/* Split path on '/' into segs (empty segments dropped); -1 if too many or too long. */
static int split(const char *path, size_t len, struct segs *g)
{
	g->n = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && path[i] == '/')
			i++;
		size_t start = i;
		while (i < len && path[i] != '/')
			i++;
		if (i == start)
			break;
		if (g->n == MAX_SEGS || i - start >= MAX_SEG)
			return -1;
		memcpy(g->s[g->n], path + start, i - start);
		g->s[g->n][i - start] = 0;
		g->n++;
	}
	return 0;
}

/* Parse an object id segment into *id; 0 or -1. */
static int parse_id(const char *text, int64_t *id)
{
	long long v;
	char err[64];
	if (!parse_bounded(text, 1, 1LL << 53, &v, err, sizeof err))
		return -1;
	*id = v;
	return 0;
}

/* The route below a measurement id: "", "results", "latest", "participation-requests",
   "tags", "tags/{tag}", "status-check". */
static enum api_route_kind msm_sub(const struct segs *g, struct api_route *r)
{
	if (g->n == 4)
		return ROUTE_MSM_ONE;
	if (g->n == 6 && strcmp(g->s[4], "tags") == 0) {
		memcpy(r->tag, g->s[5], sizeof r->tag);   /* both MAX_SEG bytes */
		return ROUTE_MSM_TAG_ONE;
	}
	if (g->n != 5)
		return ROUTE_NONE;
	if (strcmp(g->s[4], "tags") == 0)
		return ROUTE_MSM_TAGS;
	if (strcmp(g->s[4], "results") == 0)
		return ROUTE_MSM_RESULTS;
	if (strcmp(g->s[4], "latest") == 0)
		return ROUTE_MSM_LATEST;
	if (strcmp(g->s[4], "participation-requests") == 0)
		return ROUTE_MSM_PARTICIPATION;
	if (strcmp(g->s[4], "status-check") == 0)
		return ROUTE_MSM_STATUS_CHECK;
	return ROUTE_NONE;
}

/* The route below a probe id: "", "timing", "connections", "host-report". */
static enum api_route_kind probe_sub(const struct segs *g)
{
	if (g->n == 4)
		return ROUTE_PROBE_ONE;
	if (g->n != 5)
		return ROUTE_NONE;
	if (strcmp(g->s[4], "timing") == 0)
		return ROUTE_PROBE_TIMING;
	if (strcmp(g->s[4], "connections") == 0)
		return ROUTE_PROBE_CONNECTIONS;
	if (strcmp(g->s[4], "host-report") == 0)
		return ROUTE_PROBE_HOST_REPORT;
	return ROUTE_NONE;
}

/* /api/v2/teams/ (every team) or /api/v2/teams/{id}/ (one team's status). 0 or -1. */
static int team_route(const struct segs *g, struct api_route *r)
{
	if (g->n == 3) {
		r->kind = ROUTE_TEAM_LIST;
		return 0;
	}
	if (g->n != 4 || parse_id(g->s[3], &r->id) < 0)
		return -1;
	r->kind = ROUTE_TEAM_ONE;
	return 0;
}

/* /api/v2/credits/ and /api/v2/credits/transactions/. 0 or -1. */
static int credits_route(const struct segs *g, struct api_route *r)
{
	if (g->n == 3)
		r->kind = ROUTE_CREDITS;
	else if (g->n == 4 && strcmp(g->s[3], "transactions") == 0)
		r->kind = ROUTE_CREDITS_TRANSACTIONS;
	return r->kind == ROUTE_NONE ? -1 : 0;
}

/* /api/v2/anchor-measurements/ and /api/v2/anchor-measurements/{id}/. 0 or -1. */
static int anchor_msm_route(const struct segs *g, struct api_route *r)
{
	if (g->n == 3)
		r->kind = ROUTE_ANCHOR_MSM_LIST;
	else if (g->n == 4 && parse_id(g->s[3], &r->id) == 0)
		r->kind = ROUTE_ANCHOR_MSM_ONE;
	return r->kind == ROUTE_NONE ? -1 : 0;
}

/* /api/v2/keys/, /api/v2/keys/permissions/ and /api/v2/keys/{key}/. 0 or -1. */
static int keys_route(const struct segs *g, struct api_route *r)
{
	if (g->n == 3)
		r->kind = ROUTE_KEY_LIST;
	else if (g->n == 4 && strcmp(g->s[3], "permissions") == 0)
		r->kind = ROUTE_KEY_PERMISSIONS;
	else if (g->n == 4) {
		memcpy(r->tag, g->s[3], sizeof r->tag);   /* both MAX_SEG bytes */
		r->kind = ROUTE_KEY_ONE;
	}
	return r->kind == ROUTE_NONE ? -1 : 0;
}

/* See api_route.h. */
int api_route_parse(const char *path, size_t len, struct api_route *r)
{
	struct segs g;
	r->kind = ROUTE_NONE;
	r->id = 0;
	r->tag[0] = 0;
	if (split(path, len, &g) < 0 || g.n < 3 || strcmp(g.s[0], "api") != 0 ||
	    strcmp(g.s[1], "v2") != 0)
		return -1;
	const char *coll = g.s[2];
	int msm = strcmp(coll, "measurements") == 0, probe = strcmp(coll, "probes") == 0,
	    anchor = strcmp(coll, "anchors") == 0;
	if (strcmp(coll, "teams") == 0)
		return team_route(&g, r);
	if (strcmp(coll, "credits") == 0)
		return credits_route(&g, r);
	if (strcmp(coll, "anchor-measurements") == 0)
		return anchor_msm_route(&g, r);
	if (strcmp(coll, "keys") == 0)
		return keys_route(&g, r);
	if (!msm && !probe && !anchor)
		return -1;
	if (g.n == 3) {
		r->kind = msm ? ROUTE_MSM_LIST : probe ? ROUTE_PROBE_LIST : ROUTE_ANCHOR_LIST;
		return 0;
	}
	if (msm && g.n == 4 && strcmp(g.s[3], "my") == 0) {
		r->kind = ROUTE_MSM_MY;
		return 0;
	}
	if (parse_id(g.s[3], &r->id) < 0)
		return -1;
	if (msm)
		r->kind = msm_sub(&g, r);
	else if (probe)
		r->kind = probe_sub(&g);
	else if (g.n == 4)
		r->kind = ROUTE_ANCHOR_ONE;
	return r->kind == ROUTE_NONE ? -1 : 0;
}
