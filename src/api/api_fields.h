/*
 * api_fields: RIPE Atlas's "fields" query parameter: an object of a listing
 * or a single read reduced to the comma-separated fields asked for (its
 * "id" always kept). A name the object does not have is an error, never
 * ignored. Pure and bounded. Also the one walk over a comma-separated list
 * the API's filters share.
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

/* True if the comma-separated list has item (n bytes), as is or ignoring case. */
int api_list_has(const char *list, const char *item, size_t n, int nocase);

/* The same for every object of the array arr. */
int api_fields_apply_all(json_t *arr, const char *fields, const char *what, char *err,
			 size_t errlen);

#endif
