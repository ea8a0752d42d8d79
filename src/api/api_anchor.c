/*
 * api_anchor: RIPE's anchor object from a probe object (see api_anchor.h).
 */
#include "api/api_anchor.h"

/* Field name of probe, or null when it has none (so a thin object still packs). */
static json_t *get(const json_t *probe, const char *name)
{
	json_t *v = json_object_get(probe, name);
	return v ? v : json_null();
}

/* See api_anchor.h. */
json_t *api_anchor_json(const json_t *probe)
{
	const json_t *v6 = get(probe, "address_v6");
	return json_pack("{s:O,s:s,s:O,s:n,s:b,s:O,s:O,s:n,s:n,s:O,s:O,s:n,s:O,s:O,s:n,s:O,"
			 "s:O,s:s,s:b,s:O,s:n}",
		"id", get(probe, "id"), "type", "Feature",
		"probe", get(probe, "id"), "fqdn",
		"is_ipv4_only", !json_is_string(v6),
		"ip_v4", get(probe, "address_v4"),
		"as_v4", get(probe, "asn_v4"), "ip_v4_gw", "ip_v4_netmask",
		"ip_v6", v6, "as_v6", get(probe, "asn_v6"), "ip_v6_gw",
		"ip_v6_prefix", get(probe, "prefix_v6"),
		"country", get(probe, "country_code"), "city",
		"company", get(probe, "description"),
		"geometry", get(probe, "geometry"), "tlsa_record", "",
		"is_disabled", 0, "date_live", get(probe, "first_connected"),
		"hardware_version");
}

/* See api_anchor.h. */
int api_anchors_of(json_t *arr)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *a = api_anchor_json(json_array_get(arr, i));
		if (!a || json_array_set_new(arr, i, a) < 0)
			return -1;
	}
	return 0;
}
