/*
 * api_probe_filter: each filter a small predicate over one probe object;
 * a probe is kept when every filter given holds (see api_probe_filter.h).
 */
#include "api/api_probe_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_cidr.h"
#include "api/api_fields.h"

/* Integer field of o, or -1 when absent or null. */
static long long ival(const json_t *o, const char *name)
{
	const json_t *v = json_object_get(o, name);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* See api_probe_filter.h. */
int api_probe_filter_needed(const struct api_query *q)
{
	return q->country[0] || q->asn || q->asn_v4 || q->asn_v6 || q->asn_v4_in[0] ||
	       q->asn_v6_in[0] || q->prefix[0] ||
	       q->prefix_v4[0] || q->prefix_v6[0] || q->status_mask || q->tags[0] ||
	       q->is_public >= 0 || q->is_anchor == 0 || q->id.gt || q->id.lt || q->sort[0] ||
	       api_geo_filter_given(&q->geo);
}

/* True if the comma-separated list has the item (case-insensitive). */
static int in_list(const char *list, const char *item)
{
	return api_list_has(list, item, strlen(item), 1);
}

/* True if the probe has the tag (its slug). */
static int has_tag(const json_t *probe, const char *tag, size_t n)
{
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(probe, "tags"), i, t) {
		const char *slug = json_string_value(json_object_get(t, "slug"));
		if (slug && strlen(slug) == n && strncmp(slug, tag, n) == 0)
			return 1;
	}
	return 0;
}

/* True if the probe has every tag of the comma-separated list. */
static int all_tags(const json_t *probe, const char *tags)
{
	for (const char *p = tags; *p;) {
		size_t k = strcspn(p, ",");
		if (k && !has_tag(probe, p, k))
			return 0;
		p += k + (p[k] == ',');
	}
	return 1;
}

/* The parsed prefixes of q: [0] prefix (either family), [1] v4, [2] v6. */
struct prefixes {
	int given[3];
	struct api_cidr p[3];
};

/* Parse q's prefix filters; 0 or -1 with err. */
static int parse_prefixes(const struct api_query *q, struct prefixes *px, char *err,
			  size_t errlen)
{
	const char *text[3] = { q->prefix, q->prefix_v4, q->prefix_v6 };
	static const char *const names[3] = { "prefix", "prefix_v4", "prefix_v6" };
	for (int i = 0; i < 3; i++) {
		px->given[i] = text[i][0] != 0;
		if (px->given[i] && (api_cidr_parse(text[i], &px->p[i]) < 0 ||
				     (i > 0 && px->p[i].family != (i == 1 ? 4 : 6)))) {
			snprintf(err, errlen, "%s: '%.60s' is not an IPv%s prefix ADDR/LEN", names[i],
				 text[i], i == 1 ? "4" : i == 2 ? "6" : "4 or IPv6");
			return -1;
		}
	}
	return 0;
}

/* True if the probe's address of the family lies in p. */
static int addr_in(const json_t *probe, const char *field, const struct api_cidr *p)
{
	const char *a = json_string_value(json_object_get(probe, field));
	return a && api_cidr_contains(p, a);
}

/* True if the probe passes the prefix filters. */
static int prefixes_ok(const struct prefixes *px, const json_t *probe)
{
	if (px->given[0] && !addr_in(probe, "address_v4", &px->p[0]) &&
	    !addr_in(probe, "address_v6", &px->p[0]))
		return 0;
	if (px->given[1] && !addr_in(probe, "address_v4", &px->p[1]))
		return 0;
	return !px->given[2] || addr_in(probe, "address_v6", &px->p[2]);
}

/* True if the probe's id passes id__in and the id range. */
static int id_ok(const struct api_query *q, long long id)
{
	if (q->id.gt && id <= q->id.gt)
		return 0;
	if (q->id.lt && id >= q->id.lt)
		return 0;
	if (!q->ids.present)
		return 1;
	for (size_t i = 0; i < q->ids.n; i++)
		if (q->ids.v[i] == id)
			return 1;
	return 0;
}

/* True if the probe passes every filter of q. */
static int keep(const struct api_query *q, const struct prefixes *px, const json_t *p)
{
	const char *cc = json_string_value(json_object_get(p, "country_code"));
	long long a4 = ival(p, "asn_v4"), a6 = ival(p, "asn_v6");
	long long st = ival(json_object_get(p, "status"), "id");
	if (!id_ok(q, ival(p, "id")) || (q->country[0] && (!cc || !in_list(q->country, cc))))
		return 0;
	if ((q->asn && a4 != q->asn && a6 != q->asn) || (q->asn_v4 && a4 != q->asn_v4) ||
	    (q->asn_v6 && a6 != q->asn_v6))
		return 0;
	char n4[24], n6[24];
	snprintf(n4, sizeof n4, "%lld", a4);
	snprintf(n6, sizeof n6, "%lld", a6);
	if ((q->asn_v4_in[0] && !in_list(q->asn_v4_in, n4)) ||
	    (q->asn_v6_in[0] && !in_list(q->asn_v6_in, n6)))
		return 0;
	if (q->status_mask && (st < 0 || st > 8 || !(q->status_mask & (1u << st))))
		return 0;
	if (q->is_public >= 0 && json_is_true(json_object_get(p, "is_public")) != q->is_public)
		return 0;
	if (q->is_anchor >= 0 && json_is_true(json_object_get(p, "is_anchor")) != q->is_anchor)
		return 0;
	return all_tags(p, q->tags) && prefixes_ok(px, p) && api_geo_filter_keep(&q->geo, p);
}

/* qsort order of probe objects by id, descending. */
static int by_id_desc(const void *a, const void *b)
{
	long long x = ival(*(json_t *const *)a, "id"), y = ival(*(json_t *const *)b, "id");
	return (x < y) - (x > y);
}

/* Sort probes by id descending. */
static int sort_desc(json_t *probes)
{
	size_t n = json_array_size(probes);
	json_t **v = calloc(n + 1, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(probes, i));
	qsort(v, n, sizeof *v, by_id_desc);
	json_array_clear(probes);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(probes, v[i]);
	free(v);
	return 0;
}

/* See api_probe_filter.h. */
int api_probe_filter(json_t *probes, const struct api_query *q, char *err, size_t errlen)
{
	struct prefixes px;
	if (q->sort[0] && strcmp(q->sort, "id") != 0 && strcmp(q->sort, "-id") != 0) {
		snprintf(err, errlen, "sort: '%s' is not id or -id", q->sort);
		return -1;
	}
	if (q->status_mask & ~0xfu) {
		snprintf(err, errlen, "status: probe status ids are 0 to 3");
		return -1;
	}
	if (parse_prefixes(q, &px, err, errlen) < 0)
		return -1;
	for (size_t i = json_array_size(probes); i-- > 0;)
		if (!keep(q, &px, json_array_get(probes, i)))
			json_array_remove(probes, i);
	if (strcmp(q->sort, "-id") == 0 && sort_desc(probes) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}
