/*
 * api_fields: RIPE Atlas's "fields" query parameter: an object of a listing
 * or a single read reduced to the comma-separated fields asked for (its
 * "id" always kept). A name the object does not have is an error, never
 * ignored. Pure and bounded.
 */
#ifndef VANTAGE_API_API_FIELDS_H
#define VANTAGE_API_API_FIELDS_H

#include <jansson.h>
#include <stddef.h>

/*
 * Keep in obj only the fields listed in fields ("" or NULL: all). Returns 0,
 * or -1 with err naming the first unknown field (obj then unchanged).
 */
int api_fields_apply(json_t *obj, const char *fields, const char *what, char *err,
		     size_t errlen);

/* The same for every object of the array arr. */
int api_fields_apply_all(json_t *arr, const char *fields, const char *what, char *err,
			 size_t errlen);

#endif
