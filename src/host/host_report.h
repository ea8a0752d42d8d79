/*
 * host_report: the check-host report an agent sends its controller
 * (HOST_REPORT, proto/msg.h), as the controller reads it. The report is the
 * JSON object `vantage check-host --json` prints (check_json.c); this checks
 * its shape (bounded sizes, known statuses, the types of the fields read)
 * and gives back the few facts the platform derives tags and admission
 * from. Pure and fuzzed (tests/fuzz/fuzz_host_report.c).
 */
#ifndef VANTAGE_HOST_HOST_REPORT_H
#define VANTAGE_HOST_HOST_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Largest report accepted, as compact JSON text. */
#define HOST_REPORT_MAX_BYTES 32768
/* Most check lines and addresses a report may list. */
#define HOST_REPORT_MAX_CHECKS 24
#define HOST_REPORT_MAX_ADDRS 64

/* What the platform reads from a report. */
struct host_report_facts {
	char role[8];            /* "probe" or "anchor" */
	int npass, nwarn, nfail; /* from "summary" */
	bool virtualised;        /* host.virt.virtualised */
	bool ipv4_rfc1918;       /* an RFC 1918 address is configured */
	bool ipv6_ula;           /* an IPv6 unique local address (fc00::/7) is configured */
};

/*
 * Check report and fill *out. Returns 0, or -1 with the first problem in
 * err (naming the field): not an object, too big, a required field missing
 * or of the wrong type, too many lines or addresses, an unknown status.
 */
int host_report_check(const json_t *report, struct host_report_facts *out,
		      char *err, size_t errlen);

#endif
