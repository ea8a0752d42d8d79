/*
 * special: the table of ranges that are not public unicast (see special.h).
 * Entries follow the IANA registries as of their 2024 updates; where one
 * entry lies inside another (192.0.0.8/32 in 192.0.0.0/24) both are listed
 * and the more specific one names the reason.
 */
#include "policy/special.h"

#define V4 "IANA IPv4 Special-Purpose Address Registry"
#define V6 "IANA IPv6 Special-Purpose Address Registry"
#define M4 "IANA IPv4 Multicast Address Space Registry"
#define M6 "IANA IPv6 Multicast Address Space Registry"
#define S6 "IANA IPv6 Address Space registry"

static const struct special_range table[] = {
	{ "0.0.0.0/8", "\"This network\"", V4, "RFC 791" },
	{ "0.0.0.0/32", "\"This host on this network\"", V4, "RFC 1122" },
	{ "10.0.0.0/8", "Private-Use", V4, "RFC 1918" },
	{ "100.64.0.0/10", "Shared Address Space", V4, "RFC 6598" },
	{ "127.0.0.0/8", "Loopback", V4, "RFC 1122" },
	{ "169.254.0.0/16", "Link Local", V4, "RFC 3927" },
	{ "172.16.0.0/12", "Private-Use", V4, "RFC 1918" },
	{ "192.0.0.0/24", "IETF Protocol Assignments", V4, "RFC 6890" },
	{ "192.0.0.0/29", "IPv4 Service Continuity Prefix", V4, "RFC 7335" },
	{ "192.0.0.8/32", "IPv4 dummy address", V4, "RFC 7600" },
	{ "192.0.0.9/32", "Port Control Protocol Anycast", V4, "RFC 7723" },
	{ "192.0.0.10/32", "Traversal Using Relays around NAT Anycast", V4, "RFC 8155" },
	{ "192.0.0.170/32", "NAT64/DNS64 Discovery", V4, "RFC 7050" },
	{ "192.0.0.171/32", "NAT64/DNS64 Discovery", V4, "RFC 7050" },
	{ "192.0.2.0/24", "Documentation (TEST-NET-1)", V4, "RFC 5737" },
	{ "192.31.196.0/24", "AS112-v4", V4, "RFC 7535" },
	{ "192.52.193.0/24", "AMT", V4, "RFC 7450" },
	{ "192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", V4, "RFC 7526" },
	{ "192.168.0.0/16", "Private-Use", V4, "RFC 1918" },
	{ "192.175.48.0/24", "Direct Delegation AS112 Service", V4, "RFC 7534" },
	{ "198.18.0.0/15", "Benchmarking", V4, "RFC 2544" },
	{ "198.51.100.0/24", "Documentation (TEST-NET-2)", V4, "RFC 5737" },
	{ "203.0.113.0/24", "Documentation (TEST-NET-3)", V4, "RFC 5737" },
	{ "224.0.0.0/4", "Multicast", M4, "RFC 5771" },
	{ "240.0.0.0/4", "Reserved", V4, "RFC 1112" },
	{ "255.255.255.255/32", "Limited Broadcast", V4, "RFC 919" },

	{ "::/128", "Unspecified Address", V6, "RFC 4291" },
	{ "::1/128", "Loopback Address", V6, "RFC 4291" },
	{ "::ffff:0:0/96", "IPv4-mapped Address", V6, "RFC 4291" },
	{ "64:ff9b::/96", "IPv4-IPv6 Translat.", V6, "RFC 6052" },
	{ "64:ff9b:1::/48", "IPv4-IPv6 Translat.", V6, "RFC 8215" },
	{ "100::/64", "Discard-Only Address Block", V6, "RFC 6666" },
	{ "2001::/23", "IETF Protocol Assignments", V6, "RFC 2928" },
	{ "2001::/32", "TEREDO", V6, "RFC 4380" },
	{ "2001:1::1/128", "Port Control Protocol Anycast", V6, "RFC 7723" },
	{ "2001:1::2/128", "Traversal Using Relays around NAT Anycast", V6, "RFC 8155" },
	{ "2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", V6, "RFC 9665" },
	{ "2001:2::/48", "Benchmarking", V6, "RFC 5180" },
	{ "2001:3::/32", "AMT", V6, "RFC 7450" },
	{ "2001:4:112::/48", "AS112-v6", V6, "RFC 7535" },
	{ "2001:10::/28", "Deprecated (previously ORCHID)", V6, "RFC 4843" },
	{ "2001:20::/28", "ORCHIDv2", V6, "RFC 7343" },
	{ "2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", V6, "RFC 9374" },
	{ "2001:db8::/32", "Documentation", V6, "RFC 3849" },
	{ "2002::/16", "6to4", V6, "RFC 3056" },
	{ "2620:4f:8000::/48", "Direct Delegation AS112 Service", V6, "RFC 7534" },
	{ "3fff::/20", "Documentation", V6, "RFC 9637" },
	{ "5f00::/16", "Segment Routing (SRv6) SIDs", V6, "RFC 9602" },
	{ "fc00::/7", "Unique-Local", V6, "RFC 4193" },
	{ "fe80::/10", "Link-Local Unicast", V6, "RFC 4291" },
	{ "ff00::/8", "Multicast", M6, "RFC 4291" },
	/* Outside 2000::/3, the only block IANA allocates as global unicast. */
	{ "::/3", "Reserved by IETF", S6, "RFC 4291" },
	{ "4000::/2", "Reserved by IETF", S6, "RFC 4291" },
	{ "8000::/2", "Reserved by IETF", S6, "RFC 4291" },
	{ "c000::/3", "Reserved by IETF", S6, "RFC 4291" },
	{ "e000::/4", "Reserved by IETF", S6, "RFC 4291" },
	{ "f000::/5", "Reserved by IETF", S6, "RFC 4291" },
	{ "f800::/6", "Reserved by IETF", S6, "RFC 4291" },
	{ "fe00::/9", "Reserved by IETF", S6, "RFC 4291" },
	{ "fec0::/10", "Reserved by IETF (deprecated site-local)", S6, "RFC 3879" },
};

/* See special.h. */
const struct special_range *special_ranges(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}
