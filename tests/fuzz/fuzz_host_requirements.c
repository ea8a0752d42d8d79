/*
 * fuzz_host_requirements: arbitrary bytes as a host requirements file, as an
 * operator's (possibly broken) file reaches `vantage check-host`.
 */
#include <stddef.h>
#include <stdint.h>

#include "host/requirements.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_requirements r;
	char err[512];
	requirements_parse((const char *)data, size, "fuzz", ROLE_PROBE, &r, err, sizeof err);
	return 0;
}
