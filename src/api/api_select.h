/*
 * api_select: choose the probes of a measurement from RIPE Atlas probe
 * sources (type probes / asn / prefix / country / area / msm, requested,
 * tags include/exclude) over the registered probes. Pure: the probes come
 * in as API probe objects (api_probe.h) and the participants of another
 * measurement through a callback. Connected probes are chosen first. As
 * on RIPE Atlas, a source that matches fewer probes than requested gives
 * what it matches (the measurement says probes_requested and
 * probes_scheduled); an explicit probe id that does not exist is an error.
 */
#ifndef VANTAGE_API_API_SELECT_H
#define VANTAGE_API_API_SELECT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api_create.h"

/* The probe ids taking part in measurement msm into a new array *ids; 0 or -1 with err. */
typedef int (*api_msm_probes_fn)(void *arg, int64_t msm, json_t **ids, char *err, size_t errlen);

/*
 * Choose probes for the sources of c among probes (array of probe objects).
 * Fills a new array *out (free it) of *n distinct ids. Returns 0, or -1
 * with a reason naming the source (unknown probe ids, bad value) in err.
 */
int api_select(const json_t *probes, const struct api_create *c, api_msm_probes_fn msm_fn,
	       void *arg, int64_t **out, size_t *n, char *err, size_t errlen);

#endif
