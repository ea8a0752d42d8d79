/*
 * api_key_body: one small parser per field of a key's body, applied in
 * order onto the stored state (see api_key_body.h).
 */
#include "api/api_key_body.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_perm.h"
#include "api/api_time.h"

/* A time field: null (open) or Unix seconds / ISO-8601; 0 or -1. */
static int time_field(const json_t *v, const char *name, int64_t *out, char *err, size_t errlen)
{
	if (json_is_null(v)) {
		*out = 0;
		return 0;
	}
	if (api_time_json(v, out) < 0) {
		snprintf(err, errlen, "%s: must be null, Unix seconds or an ISO-8601 time", name);
		return -1;
	}
	return 0;
}

/* See api_key_body.h. */
void api_key_grants_set(struct store_key_grants *g, unsigned granted,
			const struct api_grants_one *one)
{
	g->grants[0] = 0;
	for (int i = 0; api_perm_name(i); i++)
		if (granted & (1u << i))
			snprintf(g->grants + strlen(g->grants), sizeof g->grants - strlen(g->grants),
				 "%s%s", g->grants[0] ? "," : "", api_perm_name(i));
	for (size_t i = 0; one && i < one->n; i++)
		snprintf(g->grants + strlen(g->grants), sizeof g->grants - strlen(g->grants),
			 "%s%s@measurement:%lld", g->grants[0] ? "," : "",
			 api_perm_name(one->g[i].perm), (long long)one->g[i].msm);
}

/* See api_key_body.h. */
unsigned api_key_grants_mask(const struct store_key_grants *g)
{
	unsigned m = 0;
	char copy[sizeof g->grants], *save = NULL;
	snprintf(copy, sizeof copy, "%s", g->grants);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int p = api_perm_find(t);
		if (p != API_PERM_NONE)
			m |= 1u << p;
	}
	return m;
}

/* See api_key_body.h. */
void api_key_grants_one(const struct store_key_grants *g, struct api_grants_one *one)
{
	char copy[sizeof g->grants], *save = NULL;
	snprintf(copy, sizeof copy, "%s", g->grants);
	one->n = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *at = strchr(t, '@'), *end = NULL;
		if (!at || strncmp(at, "@measurement:", 13) != 0 || one->n == API_GRANTS_ONE_MAX)
			continue;
		*at = 0;
		long long msm = strtoll(at + 13, &end, 10);
		int p = api_perm_find(t);
		if (p != API_PERM_NONE && api_perm_targetable(p) && *end == 0 && msm > 0)
			one->g[one->n++] = (struct api_grant_one){ p, msm };
	}
}

/* Apply one field k = v onto g; 0 or -1. */
static int field(const char *k, const json_t *v, struct store_key_grants *g, unsigned *granted,
		 char *err, size_t errlen)
{
	if (strcmp(k, "label") == 0) {
		if (!json_is_string(v) || json_string_length(v) >= sizeof g->label) {
			snprintf(err, errlen, "label: must be a text of at most %zu bytes",
				 sizeof g->label - 1);
			return -1;
		}
		snprintf(g->label, sizeof g->label, "%s", json_string_value(v));
		return 0;
	}
	if (strcmp(k, "enabled") == 0) {
		if (!json_is_boolean(v)) {
			snprintf(err, errlen, "enabled: must be true or false");
			return -1;
		}
		g->enabled = json_is_true(v);
		return 0;
	}
	if (strcmp(k, "valid_from") == 0)
		return time_field(v, k, &g->valid_from, err, errlen);
	if (strcmp(k, "valid_to") == 0)
		return time_field(v, k, &g->valid_to, err, errlen);
	if (strcmp(k, "grants") == 0) {
		struct api_grants_one one;
		if (api_perm_grants_parse(v, granted, &one, err, errlen) < 0)
			return -1;
		api_key_grants_set(g, *granted, &one);
		return 0;
	}
	snprintf(err, errlen, "%.40s: unknown field", k);
	return -1;
}

/* See api_key_body.h. */
int api_key_body_parse(const char *body, size_t len, int partial, struct store_key_grants *g,
		       unsigned *granted, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o)) {
		snprintf(err, errlen, "the body must be a JSON object%s%.80s", o ? "" : ": ",
			 o ? "" : jerr.text);
		json_decref(o);
		return -1;
	}
	if (!partial)
		*g = (struct store_key_grants){ .enabled = 1 };
	*granted = api_key_grants_mask(g);
	const char *k;
	json_t *v;
	int rc = 0;
	json_object_foreach(o, k, v)
		if (rc == 0)
			rc = field(k, v, g, granted, err, errlen);
	json_decref(o);
	if (rc == 0 && g->valid_from && g->valid_to && g->valid_to <= g->valid_from) {
		snprintf(err, errlen, "valid_to: must be after valid_from");
		rc = -1;
	}
	return rc;
}
