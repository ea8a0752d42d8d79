/*
 * fuzz_platform_policy: arbitrary bytes as the controller's platform policy
 * file (src/controller/platform_policy.c, over util/kvfile.c), then the rules
 * it set shown as `vantage policy show` would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "controller/platform_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform_policy *p = malloc(sizeof *p);
	char err[1400];
	if (!p)
		return 0;
	platform_policy_defaults(p);
	if (platform_policy_parse(p, (const char *)data, size, "fuzz.conf", err, sizeof err) == 0)
		json_decref(platform_policy_json(p));
	free(p);
	return 0;
}
