/*
 * status: a running lab described as JSON, for `vantage lab status`, the
 * test fixture and the demo.
 */
#ifndef VANTAGE_LAB_STATUS_H
#define VANTAGE_LAB_STATUS_H

#include "lab/lab.h"

#include <jansson.h>

/* Describe lab (loaded with lab_load) as a new JSON object. */
json_t *lab_status_json(const struct lab *lab);

#endif
