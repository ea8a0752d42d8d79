/*
 * api_anchor: an anchor as RIPE Atlas's /anchors/ endpoint writes it (id,
 * probe, fqdn, ip_v4, as_v4, ip_v6, as_v6, ip_v6_prefix, country, city,
 * company, geometry, is_ipv4_only, is_disabled, ...), made from the API
 * probe object of an agent with the anchor role (api_probe.c). The anchor's
 * id is its probe's id (the platform numbers agents once); what the platform
 * does not know (fqdn, city, gateways, location) is null. Pure.
 */
#ifndef VANTAGE_API_API_ANCHOR_H
#define VANTAGE_API_API_ANCHOR_H

#include <jansson.h>

/* The anchor object of probe (a probe object); new reference or NULL. */
json_t *api_anchor_json(const json_t *probe);

/* Replace every probe object of arr by its anchor object; 0 or -1. */
int api_anchors_of(json_t *arr);

#endif
