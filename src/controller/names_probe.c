/*
 * names_probe: a probe object's fields into a dnsname_probe, then its name
 * (see names_probe.h).
 */
#include "controller/names_probe.h"

#include "controller/dnsname.h"

/* See names_probe.h. */
int names_probe_fqdn(const json_t *o, const char *zone, const char *conv, char *out, size_t len,
		     char *err, size_t errlen)
{
	json_int_t asn = json_integer_value(json_object_get(o, "asn_v4"));
	struct dnsname_probe p = {
		.id = json_integer_value(json_object_get(o, "id")),
		.role = json_is_true(json_object_get(o, "is_anchor")) ? "anchor" : "probe",
		.country = json_string_value(json_object_get(o, "country_code")),
		.asn = asn > 0 ? asn : json_integer_value(json_object_get(o, "asn_v6")),
		.org = json_string_value(json_object_get(o, "description")),
	};
	return dnsname_make(conv ? conv : DNSNAME_DEFAULT, zone, &p, out, len, err, errlen);
}
