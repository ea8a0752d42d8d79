/*
 * fuzz_host_report: arbitrary bytes as the body of an agent's HOST_REPORT
 * (its check-host report, as the controller receives it): parsed as JSON,
 * then checked by host_report_check. An accepted report must name a known
 * role and summary counts within the bound; a refused one must say why.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *r = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!r)
		return 0;
	struct host_report_facts f;
	char err[256] = "";
	if (host_report_check(r, &f, err, sizeof err) == 0) {
		if ((strcmp(f.role, "probe") && strcmp(f.role, "anchor")) ||
		    f.npass > HOST_REPORT_MAX_CHECKS || f.nwarn > HOST_REPORT_MAX_CHECKS ||
		    f.nfail > HOST_REPORT_MAX_CHECKS)
			abort();
	} else if (!err[0]) {
		abort();
	}
	json_decref(r);
	return 0;
}
