/*
 * store_msm_requests: the participation requests of a measurement (RIPE
 * Atlas's /measurements/{id}/participation-requests/): the probe sources it
 * was created with and every later add or remove, in the order made, so
 * they can be listed as RIPE lists them. Reached as st->ops->msm_requests
 * (NULL on a store without them); 0 or -1 with a reason in err.
 */
#ifndef VANTAGE_STORE_STORE_MSM_REQUESTS_H
#define VANTAGE_STORE_STORE_MSM_REQUESTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* One probe source asked for. */
struct store_msm_request {
	int64_t msm_id;
	const char *action;         /* "add" or "remove" */
	const char *type, *value;   /* RIPE's source: area WW, country NL, probes 1,2, ... */
	int64_t requested;
	const char *tags;           /* JSON {"include": [...], "exclude": [...]} or NULL */
	int64_t created;            /* Unix seconds */
};

struct store_msm_requests_ops {
	/* Record n requests (each r[i].msm_id's) in one transaction. */
	int (*add)(struct store *st, const struct store_msm_request *r, size_t n, char *err,
		   size_t errlen);
	/* One page, oldest first, of rows {id, msm_id, action, type, value, requested, tags,
	   created} of measurement msm_id, and how many it has. */
	int (*page)(struct store *st, int64_t msm_id, int64_t offset, int limit, json_t **rows,
		    int64_t *count, char *err, size_t errlen);
};

#endif
