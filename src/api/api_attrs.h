/*
 * api_attrs: the network attributes of an agent that RIPE Atlas probe
 * sources select on (asn_v4/asn_v6, country_code, prefix_v4/prefix_v6,
 * address_v4/address_v6), given at registration ("agents.add" on the admin
 * socket) and kept by the store's agent_attrs operation.
 */
#ifndef VANTAGE_API_API_ATTRS_H
#define VANTAGE_API_API_ATTRS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Check the attribute fields present in req; 0 or -1 with err naming the field. */
int api_attrs_check(const json_t *req, char *err, size_t errlen);

/* Store the attribute fields of req (already checked) for agent id; 0 or -1 with err. */
int api_attrs_store(struct store *st, int64_t id, const json_t *req, char *err, size_t errlen);

#endif
