/*
 * api_select: match each source against every probe and take up to
 * "requested" of those not chosen yet (see api_select.h).
 */
#include "api/api_select.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_geo.h"
#include "api/api_query.h"
#include "util/numparse.h"

/* Integer field of o, or -1. */
static int64_t ival(const json_t *o, const char *name)
{
	const json_t *v = json_object_get(o, name);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* True if the probe has a tag (name or slug) equal to tag. */
static int has_tag(const json_t *probe, const char *tag)
{
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(probe, "tags"), i, t) {
		const char *slug = json_string_value(json_object_get(t, "slug"));
		const char *name = json_string_value(json_object_get(t, "name"));
		if ((slug && strcmp(slug, tag) == 0) || (name && strcmp(name, tag) == 0))
			return 1;
	}
	return 0;
}

/* True if the probe passes the source's tag include/exclude lists. */
static int tags_ok(const struct api_source *s, const json_t *probe)
{
	size_t i;
	const json_t *t;
	json_array_foreach(s->include, i, t)
		if (!has_tag(probe, json_string_value(t)))
			return 0;
	json_array_foreach(s->exclude, i, t)
		if (has_tag(probe, json_string_value(t)))
			return 0;
	return 1;
}

/* True if the probe's address of either family lies in prefix text. */
static int in_prefix(const json_t *probe, const struct api_cidr *p)
{
	static const char *const fields[] = { "address_v4", "address_v6" };
	for (int i = 0; i < 2; i++) {
		const char *a = json_string_value(json_object_get(probe, fields[i]));
		if (a && api_cidr_contains(p, a))
			return 1;
	}
	return 0;
}

/* The parsed value of one source: an id list, a number, a prefix or a text. */
struct match {
	const struct api_source *s;
	struct api_idlist *ids;   /* probes, msm */
	long long asn;
	struct api_cidr prefix;
	struct api_geo_circle circle;   /* radius */
};

/* True if the two-letter code cc is in list, a checked "NL,DE,FR". */
static int in_countries(const char *list, const char *cc)
{
	for (const char *p = list; cc && strlen(cc) == 2 && *p; p += p[2] ? 3 : 2)
		if (strncasecmp(p, cc, 2) == 0)
			return 1;
	return 0;
}

/* True if text is a comma-separated list of 1 to 64 two-letter country codes. */
static int countries_ok(const char *text)
{
	size_t n = strlen(text);
	if (n < 2 || n > 64 * 3 - 1 || (n + 1) % 3 != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i % 3 == 2 ? text[i] != ',' : !isalpha((unsigned char)text[i]))
			return 0;
	return 1;
}

/* True if probe matches m (ignoring tags). */
static int matches(const struct match *m, const json_t *probe)
{
	const char *t = m->s->type;
	int64_t id = ival(probe, "id");
	if (strcmp(t, "probes") == 0 || strcmp(t, "msm") == 0) {
		for (size_t i = 0; i < m->ids->n; i++)
			if (m->ids->v[i] == id)
				return 1;
		return 0;
	}
	if (strcmp(t, "asn") == 0)
		return ival(probe, "asn_v4") == m->asn || ival(probe, "asn_v6") == m->asn;
	if (strcmp(t, "country") == 0) {
		const char *cc = json_string_value(json_object_get(probe, "country_code"));
		return cc && strcasecmp(cc, m->s->value) == 0;
	}
	if (strcmp(t, "countries") == 0)
		return in_countries(m->s->value, json_string_value(json_object_get(probe,
										   "country_code")));
	if (strcmp(t, "prefix") == 0)
		return in_prefix(probe, &m->prefix);
	/* area and radius go by the probe's coarsened point; WW also takes
	   probes without one, the others never do (fewer than requested) */
	double lat, lon;
	if (strcmp(t, "area") == 0 && strcmp(m->s->value, "WW") == 0)
		return 1;
	if (!api_geo_probe_point(probe, &lat, &lon))
		return 0;
	if (strcmp(t, "radius") == 0)
		return api_geo_in_circle(&m->circle, lat, lon);
	return api_geo_in_area(m->s->value, lat, lon);
}

/* Participants of another measurement into ids. */
static int msm_ids(struct match *m, api_msm_probes_fn fn, void *arg, const char *where,
		   char *err, size_t errlen)
{
	long long msm;
	char why[256];
	json_t *arr = NULL;
	if (!parse_bounded(m->s->value, 1, 1LL << 53, &msm, why, sizeof why)) {
		snprintf(err, errlen, "%svalue: '%.40s' %s", where, m->s->value, why);
		return -1;
	}
	if (fn(arg, msm, &arr, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s%s", where, why);
		return -1;
	}
	m->ids->present = 1;
	m->ids->n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (m->ids->n < API_MAX_IDS)
			m->ids->v[m->ids->n++] = json_integer_value(v);
	json_decref(arr);
	return 0;
}

/* Parse the value of source s into m. */
static int prepare(struct match *m, api_msm_probes_fn fn, void *arg, const char *where,
		   char *err, size_t errlen)
{
	const char *t = m->s->type, *v = m->s->value;
	char why[128];
	if (strcmp(t, "probes") == 0)
		return api_idlist_parse("value", v, m->ids, err, errlen);
	if (strcmp(t, "msm") == 0)
		return msm_ids(m, fn, arg, where, err, errlen);
	if (strcmp(t, "asn") == 0 && !parse_bounded(v, 1, 4294967295LL, &m->asn, why, sizeof why)) {
		snprintf(err, errlen, "%svalue: '%.40s' %s", where, v, why);
		return -1;
	}
	if (strcmp(t, "prefix") == 0 && api_cidr_parse(v, &m->prefix) < 0) {
		snprintf(err, errlen, "%svalue: '%.60s' is not a prefix ADDR/LEN", where, v);
		return -1;
	}
	if (strcmp(t, "countries") == 0 && !countries_ok(v)) {
		snprintf(err, errlen, "%svalue: '%.60s' is not a comma-separated list of two-letter"
			 " country codes", where, v);
		return -1;
	}
	if (strcmp(t, "country") == 0 && strlen(v) != 2) {
		snprintf(err, errlen, "%svalue: '%.40s' is not a two-letter country code", where, v);
		return -1;
	}
	if (strcmp(t, "radius") == 0 &&
	    api_geo_circle_parse(v, &m->circle, why, sizeof why) < 0) {
		snprintf(err, errlen, "%svalue: %s", where, why);
		return -1;
	}
	if (strcmp(t, "area") == 0 && !api_geo_area_known(v)) {
		snprintf(err, errlen, "%svalue: '%.40s' is not an area (WW, West, North-Central,"
			 " South-Central, North-East, South-East)", where, v);
		return -1;
	}
	return 0;
}

/* True if id is among the n ids of out. */
static int chosen(const int64_t *out, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (out[i] == id)
			return 1;
	return 0;
}

/* Take up to s->requested matching probes (connected ones first) into out. */
static int64_t take(const struct match *m, const json_t *probes, int64_t *out, size_t *n)
{
	int64_t got = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		const json_t *p;
		json_array_foreach(probes, i, p) {
			int conn = ival(json_object_get(p, "status"), "id") == 1;
			int64_t id = ival(p, "id");
			if (conn != (pass == 0) || got >= m->s->requested || chosen(out, *n, id) ||
			    !matches(m, p) || !tags_ok(m->s, p))
				continue;
			out[(*n)++] = id;
			got++;
		}
	}
	return got;
}

/* Check that each id of an explicit probe list exists. */
static int ids_exist(const struct match *m, const json_t *probes, const char *where,
		     char *err, size_t errlen)
{
	for (size_t k = 0; k < m->ids->n; k++) {
		size_t i;
		const json_t *p;
		int found = 0;
		json_array_foreach(probes, i, p)
			found |= ival(p, "id") == m->ids->v[k];
		if (!found) {
			snprintf(err, errlen, "%svalue: probe %lld does not exist", where,
				 (long long)m->ids->v[k]);
			return -1;
		}
	}
	return 0;
}

/* Select for one source into out; 0 or -1 with err. */
static int one_source(const struct api_source *s, size_t k, const json_t *probes,
		      api_msm_probes_fn fn, void *arg, int64_t *out, size_t *n,
		      char *err, size_t errlen)
{
	char where[32];
	snprintf(where, sizeof where, "probes[%zu].", k);
	struct api_idlist *ids = calloc(1, sizeof *ids);
	struct match m = { .s = s, .ids = ids };
	int rc = -1;
	if (ids && prepare(&m, fn, arg, where, err, errlen) == 0 &&
	    (strcmp(s->type, "probes") != 0 || ids_exist(&m, probes, where, err, errlen) == 0)) {
		take(&m, probes, out, n);   /* fewer than requested is no error (RIPE) */
		rc = 0;
	}
	free(ids);
	return rc;
}

/* See api_select.h. */
int api_select(const json_t *probes, const struct api_create *c, api_msm_probes_fn msm_fn,
	       void *arg, int64_t **out, size_t *n, char *err, size_t errlen)
{
	*n = 0;
	*out = calloc(json_array_size(probes) + 1, sizeof **out);
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t k = 0; k < c->nsrc; k++) {
		if (one_source(&c->src[k], k, probes, msm_fn, arg, *out, n, err, errlen) < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return -1;
		}
	}
	return 0;
}
