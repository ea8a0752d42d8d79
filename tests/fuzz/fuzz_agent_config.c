/*
 * fuzz_agent_config: arbitrary bytes as an agent configuration file, and the
 * prefixes in it through the site-policy gate's parser.
 */
#include <stddef.h>
#include <stdint.h>

#include "agent/config.h"
#include "agent/gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct agent_config cfg;
	char err[512];
	if (config_parse(&cfg, (const char *)data, size, "fuzz.conf", err, sizeof err) == 0) {
		struct gate_prefix p;
		for (int i = 0; i < cfg.n_forbid; i++)
			gate_prefix_parse(cfg.forbid[i], &p, err, sizeof err);
		for (int i = 0; i < cfg.n_allow; i++)
			gate_prefix_parse(cfg.allow[i], &p, err, sizeof err);
	}
	return 0;
}
