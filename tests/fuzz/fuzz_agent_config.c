/*
 * fuzz_agent_config: arbitrary bytes as an agent configuration file, and the
 * prefixes in it through the site policy's prefix parser and its method
 * names through the type-to-method mapping (src/policy), then the firewall
 * rules such a configuration implies (src/agent/firewall.c), in both forms.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agent/config.h"
#include "agent/firewall.h"
#include "policy/methods.h"
#include "policy/prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct agent_config cfg;
	char err[512];
	if (config_parse(&cfg, (const char *)data, size, "fuzz.conf", err, sizeof err) == 0) {
		struct net_prefix p;
		char methods[512];
		for (int i = 0; i < cfg.n_forbid; i++)
			net_prefix_parse(cfg.forbid[i], &p, err, sizeof err);
		for (int i = 0; i < cfg.n_allow; i++)
			net_prefix_parse(cfg.allow[i], &p, err, sizeof err);
		policy_methods_expand(cfg.methods, methods, sizeof methods);
		FILE *out = fopen("/dev/null", "w");
		if (out) {
			firewall_write(&cfg, NULL, "fuzz.conf", FIREWALL_NFT, out, err, sizeof err);
			firewall_write(&cfg, NULL, "fuzz.conf", FIREWALL_TEXT, out, err, sizeof err);
			fclose(out);
		}
	}
	return 0;
}
