/*
 * api_deffields: the fields of a RIPE Atlas ping or traceroute definition
 * beyond the runner's options and the schedule (api_create.c), each with
 * what this platform does with it, so that none is silently dropped:
 *  - stored and echoed in the measurement object (tags, is_public,
 *    auto_topup*, target_update_hours, group_id, skip_dns_check,
 *    resolve_on_probe: with a host name the agents resolve it, api_create.c);
 *  - translated into the runner's option (response_timeout -> timeout);
 *  - accepted only at the value the agents measure with (dont_fragment
 *    false, include_probe_id false, hop_by_hop_option_size and
 *    destination_option_size 0), any other value refused with the reason;
 *  - documented by RIPE but not honoured (duplicate_timeout): refused with
 *    the reason.
 * Pure and bounded: the definition is hostile.
 */
#ifndef VANTAGE_API_API_DEFFIELDS_H
#define VANTAGE_API_API_DEFFIELDS_H

#include <jansson.h>
#include <stddef.h>

/* True if name is a field this file handles for type ("ping" or "traceroute"). */
int api_deffield_known(const char *name, const char *type);

/*
 * Check the fields of def this file handles. Fills *extra (a new object of
 * the fields to store and echo) and *is_public (1 unless def says false),
 * and sets "timeout" in run from response_timeout. Returns 0, or -1 with err
 * naming where and the field.
 */
int api_deffields_parse(const json_t *def, const char *type, json_t *run, json_t **extra,
			int *is_public, const char *where, char *err, size_t errlen);

#endif
