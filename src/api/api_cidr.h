/*
 * api_cidr: IPv4/IPv6 prefixes for the API's checks (the allowed target
 * ranges, "prefix" probe sources, probes' default prefixes), on inet_pton.
 * Pure and bounded.
 */
#ifndef VANTAGE_API_API_CIDR_H
#define VANTAGE_API_API_CIDR_H

#include <stddef.h>

struct api_cidr {
	int family;               /* 4 or 6 */
	unsigned char a[16];
	int len;                  /* prefix length */
};

/* Parse an address literal into c (len = full length); 0 or -1. */
int api_addr_parse(const char *text, struct api_cidr *c);

/* Parse "ADDR/LEN" (host bits must be zero) into c; 0 or -1. */
int api_cidr_parse(const char *text, struct api_cidr *c);

/* True if the address text lies inside c. */
int api_cidr_contains(const struct api_cidr *c, const char *addr);

/* The covering prefix of address text (/24 for IPv4, /48 for IPv6) into out; 0 or -1. */
int api_cidr_cover(const char *addr, char *out, size_t len);

#endif
