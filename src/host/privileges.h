/*
 * privileges: can this process measure here? CAP_NET_RAW (libcap), whether a
 * raw ICMP socket really opens (no packet is sent), which interface carries
 * the default route (the measuring interface), and what timestamping that
 * interface offers (SIOCETHTOOL ETHTOOL_GET_TS_INFO: software receive and
 * transmit timestamps, hardware timestamps and the PTP clock).
 */
#ifndef VANTAGE_HOST_PRIVILEGES_H
#define VANTAGE_HOST_PRIVILEGES_H

#include <stddef.h>
#include <stdint.h>

struct host_privileges {
	int cap_net_raw;        /* CAP_NET_RAW in the effective set        */
	int raw_socket;         /* a raw ICMP socket opened                 */
	char raw_error[64];     /* why not, when it did not                 */
	char ifname[32];        /* measuring interface ("" if none found)   */
	int ts_info_ok;         /* ETHTOOL_GET_TS_INFO answered             */
	uint32_t so_timestamping; /* its SOF_TIMESTAMPING_* capabilities    */
	int phc_index;          /* PTP hardware clock, -1 if none           */
	int sw_rx, sw_tx;       /* software RX / TX timestamps available    */
	int hw_rx, hw_tx;       /* hardware RX / TX timestamps available    */
};

/*
 * Fill *out for interface ifname, or for the default route's interface when
 * ifname is NULL or empty. Returns 0.
 */
int host_privileges(const char *ifname, struct host_privileges *out);

/*
 * Find the interface of the default route in /proc/net/route text (IPv4) or
 * /proc/net/ipv6_route text (IPv6); writes it to name. Returns 0 or -1. Pure.
 */
int route_default_ifname(const char *text, size_t len, int ipv6, char *name,
			 size_t size);

#endif
