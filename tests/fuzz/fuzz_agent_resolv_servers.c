/*
 * fuzz_agent_resolv_servers: arbitrary bytes as a site's resolv.conf,
 * through the reader of its name servers (src/agent/resolv_servers.c) that
 * `vantage-agent --firewall` opens for resolve_on_probe.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "agent/resolv_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resolv_servers dns;
	char err[300];
	if (resolv_servers_parse((const char *)data, size, &dns, err, sizeof err) == 0)
		for (int i = 0; i < dns.n; i++)
			if (!memchr(dns.s[i].addr, 0, sizeof dns.s[i].addr) || dns.s[i].port < 1)
				__builtin_trap();
	return 0;
}
