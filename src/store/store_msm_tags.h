/*
 * store_msm_tags: the tags of a measurement (RIPE Atlas's
 * /measurements/{id}/tags/), kept as the "tags" list of the fields the API
 * stores to echo (api_msm_meta.extra), so they come back in the measurement
 * object and the tags= filter sees them. A measurement made before the API
 * stored its metadata gets a row (private) on its first tag.
 */
#ifndef VANTAGE_STORE_STORE_MSM_TAGS_H
#define VANTAGE_STORE_STORE_MSM_TAGS_H

#include <stddef.h>
#include <stdint.h>

struct store;

struct store_msm_tags_ops {
	/* Add tag to measurement msm_id (or, with remove, take it away); adding a tag it has,
	   or removing one it has not, changes nothing. 0 or -1 with err. */
	int (*set)(struct store *st, int64_t msm_id, const char *tag, int remove, char *err,
		   size_t errlen);
};

#endif
