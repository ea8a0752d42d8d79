/*
 * fuzz_controller_config: arbitrary bytes as a vantage-controller
 * configuration file (src/controller/ctl_config.c, over util/kvfile.c), then
 * what it set: every target of the policy it built checked against a few
 * addresses, and the configuration printed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "controller/ctl_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = { "198.18.0.1", "10.0.0.1", "8.8.8.8", "2001:db8::1",
					      "fe80::1", "2a00::1" };
	struct ctl_config *cfg = malloc(sizeof *cfg);
	char err[1024], why[512];
	if (!cfg)
		return 0;
	ctl_config_defaults(cfg);
	if (ctl_config_parse(cfg, (const char *)data, size, "fuzz.conf", err, sizeof err) == 0) {
		ctl_config_resolve(cfg);
		for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
			targets_allowed_text(&cfg->targets, probes[i], why, sizeof why);
		FILE *null = fopen("/dev/null", "w");
		if (null) {
			ctl_config_print(cfg, null);
			fclose(null);
		}
	}
	free(cfg);
	return 0;
}
