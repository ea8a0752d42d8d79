/*
 * dnsname: the names vantage points get in the DNS, by a naming convention
 * the operator chooses (Ark names monitors by site and country, RIPE Atlas
 * its anchors by country, city and host). A convention is a dotted template
 * like "p{id}.{role}" with the fields {id}, {role}, {country}, {asn} and
 * {org}; the zone is appended. Field values are folded into host-name
 * letters (a-z, 0-9, '-'); a missing value is an error, not a guess. Also
 * the reverse names (in-addr.arpa, ip6.arpa) of addresses. Pure functions.
 */
#ifndef VANTAGE_CONTROLLER_DNSNAME_H
#define VANTAGE_CONTROLLER_DNSNAME_H

#include <stddef.h>
#include <stdint.h>

#define DNSNAME_DEFAULT "p{id}.{role}"
#define DNSNAME_MAX 254         /* a name of at most 253 characters, and its NUL */
#define DNSNAME_PTR_MAX 74      /* 32 nibbles of ip6.arpa, and its NUL */

/* What a name can be made of; NULL strings and asn 0 are unknown. */
struct dnsname_probe {
	int64_t id;
	const char *role;      /* "probe" or "anchor" */
	const char *country;   /* ISO 3166 code */
	int64_t asn;
	const char *org;
};

/* 0 if conv is a usable convention, or -1 with err naming the problem. */
int dnsname_check_convention(const char *conv, char *err, size_t errlen);

/* 0 if zone is a usable domain name (a trailing dot allowed), or -1 with err. */
int dnsname_check_zone(const char *zone, char *err, size_t errlen);

/* The name of p by conv in zone (no trailing dot) into out; 0, or -1 with err. */
int dnsname_make(const char *conv, const char *zone, const struct dnsname_probe *p,
		 char *out, size_t len, char *err, size_t errlen);

/* The reverse name of the IPv4 or IPv6 address text addr (no trailing dot)
   into out (DNSNAME_PTR_MAX); 0, or -1 when addr is not an address. */
int dnsname_ptr(const char *addr, char *out, size_t len);

#endif
