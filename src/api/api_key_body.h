/*
 * api_key_body: the JSON body of POST /keys/ and PUT or PATCH
 * /keys/{key}/ in RIPE Atlas's shape ({label, valid_from, valid_to,
 * enabled, grants: [{permission, target}]}) parsed onto a key's stored
 * state. Unknown fields are refused by name, as everywhere in the API. Pure.
 */
#ifndef VANTAGE_API_API_KEY_BODY_H
#define VANTAGE_API_API_KEY_BODY_H

#include <stddef.h>

#include "api/api_perm.h"
#include "store/store_key_grants.h"

/*
 * Apply body (len bytes) to *g: with partial (PATCH) only the fields given
 * change; otherwise (POST, PUT) absent ones take RIPE's defaults (no label,
 * enabled, valid from now on, never expiring, no grants). *granted gets the
 * grants' permission bits for all objects (api_perm.h) and g->grants the
 * names of every grant, those for one measurement too. valid_to
 * must be after valid_from. Returns 0, or -1 with err naming the field.
 */
int api_key_body_parse(const char *body, size_t len, int partial, struct store_key_grants *g,
		       unsigned *granted, char *err, size_t errlen);

/*
 * Write the names of the granted bits, then the grants for one measurement
 * as NAME@measurement:ID (one may be NULL), comma-separated, into g->grants.
 */
void api_key_grants_set(struct store_key_grants *g, unsigned granted,
			const struct api_grants_one *one);

/* The permission bits of g->grants for all objects (names unknown to this
   build, and grants for one measurement, are skipped). */
unsigned api_key_grants_mask(const struct store_key_grants *g);

/* The grants of g->grants for one measurement into *one. */
void api_key_grants_one(const struct store_key_grants *g, struct api_grants_one *one);

#endif
