/*
 * resolv_servers: the name servers a resolv.conf lists, as the agent's
 * resolver (util/dns_base, libevent's evdns) reads them: `nameserver ADDR`
 * lines, ADDR an IPv4 or IPv6 address, optionally with a port as evdns
 * takes it (1.2.3.4:5353, [2001:db8::1]:5353; default 53). `--firewall`
 * opens exactly these for resolve_on_probe (agent/firewall.h). A file
 * that lists none makes evdns ask 127.0.0.1, which the firewall's loopback
 * rule already lets through.
 */
#ifndef VANTAGE_AGENT_RESOLV_SERVERS_H
#define VANTAGE_AGENT_RESOLV_SERVERS_H

#include <stddef.h>

#define RESOLV_MAX_SERVERS 16

struct resolv_server {
	char addr[64];   /* numeric, normalised ("2001:db8::1") */
	int port;
	int v6;
};

struct resolv_servers {
	struct resolv_server s[RESOLV_MAX_SERVERS];
	int n;
};

/*
 * Read the name servers of a resolv.conf text (len bytes, no NUL needed)
 * into out. Returns 0, or -1 with "line N: reason" in err (a nameserver
 * that is not a numeric address or has a bad port, more than
 * RESOLV_MAX_SERVERS). Other lines are not read. Pure.
 */
int resolv_servers_parse(const char *text, size_t len, struct resolv_servers *out, char *err,
			 size_t errlen);

/*
 * The name servers of the file at path into out: 0 read (maybe none), 1 no
 * such file (evdns then asks none: host names come from the hosts file), -1
 * with "path: reason" in err when it cannot be read or parsed.
 */
int resolv_servers_load(const char *path, struct resolv_servers *out, char *err, size_t errlen);

#endif
