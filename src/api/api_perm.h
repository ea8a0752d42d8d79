/*
 * api_perm: what an API key may do. A key holds grants, each naming one
 * permission; an endpoint that changes or reveals something of an account
 * needs one permission, and a key without it gets 403 (RIPE Atlas's
 * model: "each action in the API requires a key with the appropriate
 * permission", and some permissions imply lesser ones: a key that may
 * create measurements may also view them).
 *
 * Names: RIPE's documentation confirms "create_measurement" (its keys
 * manual creates a key with {"permission": "create_measurement"}); it
 * lists the other actions (stop a measurement, add or remove probes, list
 * your measurements, view non-public measurements, credits, manage keys)
 * without their API names, so those are ours, in the same verb_object
 * form. GET /keys/permissions/ lists them all. Keys made before grants
 * existed (`vantage keys add`) hold every permission. Pure.
 */
#ifndef VANTAGE_API_API_PERM_H
#define VANTAGE_API_API_PERM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api_route.h"

enum api_perm {
	PERM_CREATE_MEASUREMENT,
	PERM_STOP_MEASUREMENT,
	PERM_UPDATE_MEASUREMENT,
	PERM_LIST_MEASUREMENTS,
	PERM_VIEW_MEASUREMENT,
	PERM_GET_CREDITS,
	PERM_MANAGE_KEYS,
	PERM_COUNT
};

#define API_PERM_ALL ((1u << PERM_COUNT) - 1)
#define API_PERM_NONE (-1)

/* The permission's API name ("create_measurement", ...), or NULL past the table. */
const char *api_perm_name(int perm);

/* The permission named name, or API_PERM_NONE. */
int api_perm_find(const char *name);

/* The mask of what the granted permissions allow, implied ones included. */
unsigned api_perm_closure(unsigned granted);

/*
 * The permission a request needs (route kind; get: a GET or HEAD), or
 * API_PERM_NONE when it needs none. Reads of private measurements need
 * PERM_VIEW_MEASUREMENT, which the caller checks where it knows the
 * measurement is private.
 */
int api_perm_required(enum api_route_kind kind, int get);

/*
 * Grants for one measurement each: RIPE's grant target {"type":
 * "measurement", "id": "ID"} ("required by some permissions, not allowed for
 * the rest"). Served for stop_measurement and update_measurement: the key
 * may stop, or change the probes and tags of, that measurement and no other.
 */
#define API_GRANTS_ONE_MAX 8
struct api_grants_one {
	size_t n;
	struct api_grant_one {
		int perm;
		int64_t msm;
	} g[API_GRANTS_ONE_MAX];
};

/* True if perm may take a target (a grant for one measurement). */
int api_perm_targetable(int perm);

/*
 * Parse RIPE's grants array [{"permission": NAME, "target": null or
 * {"type": "measurement", "id": "ID"}}, ...] into *granted (a bit per
 * permission for all of the account's objects, not closed) and *one (the
 * grants for one measurement). An unknown name, a target on a permission
 * that takes none, a target of another type and a repeated grant are
 * refused. 0, or -1 with err naming the grant.
 */
int api_perm_grants_parse(const json_t *grants, unsigned *granted, struct api_grants_one *one,
			  char *err, size_t errlen);

/* RIPE's grants array: [{"permission": NAME, "target": null or {type, id}}, ...]. */
json_t *api_perm_grants_json(unsigned granted, const struct api_grants_one *one);

/* True if perm is held on measurement msm: in closure (all objects) or by a grant in one. */
int api_perm_holds(unsigned closure, const struct api_grants_one *one, int perm, int64_t msm);

/* True if a grant in one names measurement msm. */
int api_perm_one_names(const struct api_grants_one *one, int64_t msm);

/* GET /keys/permissions/: {count, results: [{id, name, description, implies}]}. */
json_t *api_perm_list_json(void);

#endif
