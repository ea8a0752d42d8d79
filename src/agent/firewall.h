/*
 * firewall: the traffic a vantage point needs, from its configuration, in
 * the two forms a hosting site's admins ask for (`vantage-agent --firewall
 * nft|text`): an nftables ruleset to load as it is (default drop both ways,
 * a counter on every rule and on what is dropped), and the plain list Ark's
 * hosting FAQ gives. Out: the one TLS connection to the controller; probes
 * of the methods the site allows (policy/methods.h) to its allowed ranges
 * minus its forbidden ones, at its pps ceiling; DNS (UDP and TCP) to exactly
 * the name servers the agent's resolv_conf lists, which it asks for the
 * targets it resolves itself (resolve_on_probe; none when the site sets
 * `resolve_on_probe no` or `resolv_conf none`). In: the replies those draw
 * (connection tracking: echo replies, ICMP errors, TCP answers), IPv6
 * neighbour discovery, SSH from the operator's networks (`admin_from`),
 * nothing else: the agent listens on no port.
 */
#ifndef VANTAGE_AGENT_FIREWALL_H
#define VANTAGE_AGENT_FIREWALL_H

#include <stddef.h>
#include <stdio.h>

#include "agent/config.h"
#include "agent/resolv_servers.h"

enum firewall_format { FIREWALL_NFT, FIREWALL_TEXT };

/* "nft" or "text" into *out; 0, or -1 for any other name. */
int firewall_format_parse(const char *name, enum firewall_format *out);

/*
 * Write the rules cfg implies (source names the configuration file, for
 * the header; dns: the name servers to open, NULL for none) to out. Returns
 * 0, or -1 with a reason in err (a prefix of the config that does not
 * parse, a methods list that does not expand). Writes nothing else: pure
 * but for out.
 */
int firewall_write(const struct agent_config *cfg, const struct resolv_servers *dns,
		   const char *source, enum firewall_format fmt, FILE *out, char *err,
		   size_t errlen);

/*
 * The name servers cfg's agent asks (firewall_write's dns): none when the
 * site refuses resolve_on_probe, resolv_conf is "none" or its file does not
 * exist. 0, or -1 with err when the file cannot be read or parsed.
 */
int firewall_dns_load(const struct agent_config *cfg, struct resolv_servers *dns, char *err,
		      size_t errlen);

#endif
