/*
 * check_json: JSON form of a host check (see check_json.c).
 */
#ifndef VANTAGE_HOST_CHECK_JSON_H
#define VANTAGE_HOST_CHECK_JSON_H

#include "host/check.h"

struct json_t;

/*
 * Encode the check (requirements from `source`: a file name or "built-in"),
 * its facts and its report as one JSON object; caller owns the reference.
 */
struct json_t *check_report_json(const struct host_requirements *req,
				 const char *source, const struct host_facts *f,
				 const struct check_report *r);

#endif
