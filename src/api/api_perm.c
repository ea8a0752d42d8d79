/*
 * api_perm: the permission table, what each implies, and which endpoint
 * needs which (see api_perm.h).
 */
#include "api/api_perm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *description;
	unsigned implies;
} perms[PERM_COUNT] = {
	[PERM_CREATE_MEASUREMENT] = { "create_measurement", "Create a new user-defined measurement",
				      1u << PERM_VIEW_MEASUREMENT },
	[PERM_STOP_MEASUREMENT] = { "stop_measurement", "Stop a measurement of yours",
				    1u << PERM_VIEW_MEASUREMENT },
	[PERM_UPDATE_MEASUREMENT] = { "update_measurement",
				      "Add or remove probes and tags of a measurement of yours",
				      1u << PERM_VIEW_MEASUREMENT },
	[PERM_LIST_MEASUREMENTS] = { "list_measurements", "List your measurements",
				     1u << PERM_VIEW_MEASUREMENT },
	[PERM_VIEW_MEASUREMENT] = { "view_measurement",
				    "View your non-public measurements and their results", 0 },
	[PERM_GET_CREDITS] = { "get_credits", "View your credit balance and transactions", 0 },
	[PERM_MANAGE_KEYS] = { "manage_keys", "List, create, change and delete your API keys", 0 },
};

/* See api_perm.h. */
const char *api_perm_name(int perm)
{
	return perm >= 0 && perm < PERM_COUNT ? perms[perm].name : NULL;
}

/* See api_perm.h. */
int api_perm_find(const char *name)
{
	for (int i = 0; i < PERM_COUNT; i++)
		if (strcmp(name, perms[i].name) == 0)
			return i;
	return API_PERM_NONE;
}

/* See api_perm.h. */
unsigned api_perm_closure(unsigned granted)
{
	unsigned m = granted & API_PERM_ALL;
	for (int i = 0; i < PERM_COUNT; i++)
		if (m & (1u << i))
			m |= perms[i].implies;
	return m;
}

/* See api_perm.h. */
int api_perm_required(enum api_route_kind kind, int get)
{
	switch (kind) {
	case ROUTE_MSM_LIST:
		return get ? API_PERM_NONE : PERM_CREATE_MEASUREMENT;
	case ROUTE_MSM_ONE:
		return get ? API_PERM_NONE : PERM_STOP_MEASUREMENT;
	case ROUTE_MSM_MY:
		return PERM_LIST_MEASUREMENTS;
	case ROUTE_MSM_TAGS: case ROUTE_MSM_TAG_ONE:
		return PERM_UPDATE_MEASUREMENT;
	case ROUTE_MSM_PARTICIPATION:
		return get ? API_PERM_NONE : PERM_UPDATE_MEASUREMENT;
	case ROUTE_CREDITS: case ROUTE_CREDITS_TRANSACTIONS:
		return PERM_GET_CREDITS;
	case ROUTE_KEY_LIST: case ROUTE_KEY_ONE:
		return PERM_MANAGE_KEYS;
	default:
		return API_PERM_NONE;
	}
}

/* See api_perm.h. */
int api_perm_targetable(int perm)
{
	return perm == PERM_STOP_MEASUREMENT || perm == PERM_UPDATE_MEASUREMENT;
}

/* The measurement id of target t ({"type": "measurement", "id": "ID"}) into *msm; 0 or -1. */
static int target_of(const json_t *t, size_t i, int64_t *msm, char *err, size_t errlen)
{
	const json_t *type = json_object_get(t, "type"), *id = json_object_get(t, "id");
	const char *k;
	json_t *v;
	char *end = NULL;
	if (!json_is_object(t) || !json_is_string(type) ||
	    strcmp(json_string_value(type), "measurement") != 0) {
		snprintf(err, errlen, "grants[%zu].target.type: only 'measurement' targets are"
			 " served here", i);
		return -1;
	}
	json_object_foreach((json_t *)t, k, v)
		if (strcmp(k, "type") != 0 && strcmp(k, "id") != 0) {
			snprintf(err, errlen, "grants[%zu].target.%.40s: unknown field", i, k);
			return -1;
		}
	long long n = json_is_string(id) ? strtoll(json_string_value(id), &end, 10)
		      : json_is_integer(id) ? json_integer_value(id) : 0;
	if ((json_is_string(id) && (!json_string_value(id)[0] || *end ||
				    json_string_length(id) > 16)) ||
	    n < 1 || n > (1LL << 53)) {
		snprintf(err, errlen, "grants[%zu].target.id: must be a measurement id", i);
		return -1;
	}
	*msm = n;
	return 0;
}

/* Parse grant i into *perm and *msm (0: all objects); 0 or -1 with err. */
static int one_grant(const json_t *g, size_t i, int *perm, int64_t *msm, char *err,
		     size_t errlen)
{
	const json_t *p = json_object_get(g, "permission"), *t = json_object_get(g, "target");
	const char *k;
	json_t *v;
	if (!json_is_object(g) || !json_is_string(p)) {
		snprintf(err, errlen, "grants[%zu].permission: required, a permission name", i);
		return -1;
	}
	json_object_foreach((json_t *)g, k, v)
		if (strcmp(k, "permission") != 0 && strcmp(k, "target") != 0) {
			snprintf(err, errlen, "grants[%zu].%.40s: unknown field", i, k);
			return -1;
		}
	*perm = api_perm_find(json_string_value(p));
	if (*perm == API_PERM_NONE) {
		snprintf(err, errlen, "grants[%zu].permission: '%.60s' is not a permission"
			 " (GET /api/v2/keys/permissions/ lists them)", i, json_string_value(p));
		return -1;
	}
	*msm = 0;
	if (!t || json_is_null(t))
		return 0;
	if (!api_perm_targetable(*perm)) {
		snprintf(err, errlen, "grants[%zu].target: not allowed for '%s' (only"
			 " stop_measurement and update_measurement take one)", i, perms[*perm].name);
		return -1;
	}
	return target_of(t, i, msm, err, errlen);
}

/* Add grant (perm, msm) of index i; 0, or -1 with err when repeated or too many. */
static int add_grant(unsigned *granted, struct api_grants_one *one, int perm, int64_t msm,
		     size_t i, char *err, size_t errlen)
{
	if (msm == 0 ? (*granted & (1u << perm)) != 0 : api_perm_holds(0, one, perm, msm)) {
		snprintf(err, errlen, "grants[%zu]: '%s' is granted twice", i, perms[perm].name);
		return -1;
	}
	if (msm == 0) {
		*granted |= 1u << perm;
		return 0;
	}
	if (one->n == API_GRANTS_ONE_MAX) {
		snprintf(err, errlen, "grants[%zu]: at most %d grants for one measurement",
			 i, API_GRANTS_ONE_MAX);
		return -1;
	}
	one->g[one->n++] = (struct api_grant_one){ perm, msm };
	return 0;
}

/* See api_perm.h. */
int api_perm_grants_parse(const json_t *grants, unsigned *granted, struct api_grants_one *one,
			  char *err, size_t errlen)
{
	size_t i;
	const json_t *g;
	*granted = 0;
	one->n = 0;
	if (!json_is_array(grants)) {
		snprintf(err, errlen, "grants: must be an array of {permission, target}");
		return -1;
	}
	json_array_foreach(grants, i, g) {
		int perm;
		int64_t msm;
		if (one_grant(g, i, &perm, &msm, err, errlen) < 0 ||
		    add_grant(granted, one, perm, msm, i, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* See api_perm.h. */
json_t *api_perm_grants_json(unsigned granted, const struct api_grants_one *one)
{
	json_t *a = json_array();
	char id[24];
	for (int i = 0; a && i < PERM_COUNT; i++)
		if (granted & (1u << i))
			json_array_append_new(a, json_pack("{s:s,s:n}", "permission", perms[i].name,
							   "target"));
	for (size_t i = 0; a && one && i < one->n; i++) {
		snprintf(id, sizeof id, "%lld", (long long)one->g[i].msm);
		json_array_append_new(a, json_pack("{s:s,s:{s:s,s:s}}", "permission",
						   perms[one->g[i].perm].name, "target", "type",
						   "measurement", "id", id));
	}
	return a;
}

/* See api_perm.h. */
int api_perm_holds(unsigned closure, const struct api_grants_one *one, int perm, int64_t msm)
{
	if (closure & (1u << perm))
		return 1;
	for (size_t i = 0; one && i < one->n; i++)
		if (one->g[i].perm == perm && one->g[i].msm == msm)
			return 1;
	return 0;
}

/* See api_perm.h. */
int api_perm_one_names(const struct api_grants_one *one, int64_t msm)
{
	for (size_t i = 0; one && i < one->n; i++)
		if (one->g[i].msm == msm)
			return 1;
	return 0;
}

/* See api_perm.h. */
json_t *api_perm_list_json(void)
{
	json_t *r = json_array();
	for (int i = 0; r && i < PERM_COUNT; i++) {
		json_t *imp = json_array();
		for (int k = 0; k < PERM_COUNT; k++)
			if (perms[i].implies & (1u << k))
				json_array_append_new(imp, json_string(perms[k].name));
		json_array_append_new(r, json_pack("{s:s,s:s,s:s,s:o}", "id", perms[i].name,
						   "name", perms[i].name, "description",
						   perms[i].description, "implies", imp));
	}
	return json_pack("{s:i,s:n,s:n,s:o}", "count", PERM_COUNT, "next", "previous", "results", r);
}
