/*
 * api_probe_filter: the /probes/ filters RIPE Atlas serves (country_code
 * and country_code__in, asn, asn_v4, asn_v6, prefix, prefix_v4, prefix_v6,
 * status and status__in, tags, is_public, is_anchor, id__in and id ranges,
 * radius and latitude/longitude bounds)
 * and its sort, applied to API probe objects (api_probe.c). Pure.
 */
#ifndef VANTAGE_API_API_PROBE_FILTER_H
#define VANTAGE_API_API_PROBE_FILTER_H

#include <jansson.h>
#include <stddef.h>

#include "api/api_query.h"

/* True if q names a filter the store's probe page cannot apply itself. */
int api_probe_filter_needed(const struct api_query *q);

/*
 * Keep in probes (an array of probe objects) those that pass q's filters,
 * sorted as q->sort asks ("id" or "-id"). Returns 0, or -1 with err naming
 * a bad filter value (probes then unchanged).
 */
int api_probe_filter(json_t *probes, const struct api_query *q, char *err, size_t errlen);

#endif
