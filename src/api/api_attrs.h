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

/* getopt_long entries for the attributes of `vantage agents add`, and their codes. */
#define API_ATTR_FIRST 0x1a0
#define API_ATTRS_OPTIONS \
	{ "asn", 1, NULL, API_ATTR_FIRST }, { "asn6", 1, NULL, API_ATTR_FIRST + 1 }, \
	{ "country", 1, NULL, API_ATTR_FIRST + 2 }, { "prefix", 1, NULL, API_ATTR_FIRST + 3 }, \
	{ "prefix6", 1, NULL, API_ATTR_FIRST + 4 }, { "address", 1, NULL, API_ATTR_FIRST + 5 }, \
	{ "address6", 1, NULL, API_ATTR_FIRST + 6 }
#define API_ATTR_LAST (API_ATTR_FIRST + 6)
#define API_ATTRS_USAGE "[--asn N] [--asn6 N] [--country CC] [--prefix P] [--prefix6 P]" \
	" [--address A] [--address6 A]"

/*
 * Set the attribute of option code ch (API_ATTR_FIRST..API_ATTR_LAST) in req
 * from arg (the AS numbers through util/numparse); 0 or -1 with err naming
 * the option. The other fields are checked by api_attrs_check.
 */
int api_attrs_option(int ch, const char *arg, json_t *req, char *err, size_t errlen);

/* Check the attribute fields present in req; 0 or -1 with err naming the field. */
int api_attrs_check(const json_t *req, char *err, size_t errlen);

/* Store the attribute fields of req (already checked) for agent id; 0 or -1 with err. */
int api_attrs_store(struct store *st, int64_t id, const json_t *req, char *err, size_t errlen);

#endif
