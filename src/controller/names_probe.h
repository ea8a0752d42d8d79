/*
 * names_probe: the DNS name of a vantage point from its API probe object
 * (src/api/api_probe.c), by a naming convention (dnsname.h). Shared by the
 * API's "fqdn" and `vantage agents names`, so both say the same name.
 */
#ifndef VANTAGE_CONTROLLER_NAMES_PROBE_H
#define VANTAGE_CONTROLLER_NAMES_PROBE_H

#include <jansson.h>
#include <stddef.h>

/* The name of the probe object o in zone by conv (NULL: DNSNAME_DEFAULT) into
   out, without a trailing dot; 0, or -1 with err. Role from is_anchor,
   country from country_code, ASN from asn_v4 (else asn_v6), org from description. */
int names_probe_fqdn(const json_t *o, const char *zone, const char *conv, char *out, size_t len,
		     char *err, size_t errlen);

#endif
