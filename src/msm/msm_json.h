/*
 * msm_json: bounded reading of the fields of a RIPE Atlas measurement
 * definition (a JSON object from the controller: hostile until checked).
 */
#ifndef VANTAGE_MSM_MSM_JSON_H
#define VANTAGE_MSM_MSM_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Read integer field `key` of obj into *out, within [min, max]; when absent
 * *out keeps its value. Returns 0, or -1 with "KEY: reason" in err. Integer
 * JSON numbers and decimal strings are accepted (via util/numparse).
 */
int msm_json_int(const json_t *obj, const char *key, long long min, long long max,
		 long long *out, char *err, size_t errlen);

/* Read string field key (NULL when absent); -1 with err if not a string. */
int msm_json_str(const json_t *obj, const char *key, const char **out,
		 char *err, size_t errlen);

/* The address family from "af" (4 or 6, default 4): 0 or -1 with err. */
int msm_json_af(const json_t *obj, int *af, char *err, size_t errlen);

#endif
