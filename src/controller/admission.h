/*
 * admission: the decision whether a vantage point may join the platform
 * (issue 15), as a pure function of the platform's rules (platform_policy.h)
 * and the facts the controller gathered about the agent (admission_ctl.c):
 * how many software probes already sit at its address and in its routed
 * prefix, how many anchors its account admitted in the last year, its
 * check-host report, and whether its address lies in a prefix or AS its
 * account registered as its own or was given permission for. The answer is
 * approved, pending (waits for something: a permission, a report) or refused,
 * always with a reason a person can act on. Unit-tested rule by rule at
 * each rule's edge (tests/unit/test_controller_admission.c).
 */
#ifndef VANTAGE_CONTROLLER_ADMISSION_H
#define VANTAGE_CONTROLLER_ADMISSION_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "controller/platform_policy.h"

#define ADMISSION_YEAR (365 * 86400LL)

enum admission_state { ADMISSION_APPROVED = 0, ADMISSION_PENDING, ADMISSION_REFUSED };

/* Where the agent's report stands against check-host's anchor requirements. */
enum admission_report { REPORT_NONE = 0, REPORT_PASS, REPORT_FAIL };

struct admission_facts {
	int anchor;                   /* role anchor (else software probe) */
	const char *address;          /* "" when none is known yet */
	int v6;                       /* the address is IPv6 */
	const char *prefix;           /* its routed prefix, "" when not in the table */
	int64_t asn;                  /* its origin AS, 0 when not in the table */
	int64_t at_address;           /* approved probes of the account at the address */
	int64_t account_in_prefix;    /* ... of the account in the prefix */
	int64_t in_prefix;            /* ... of every account in the prefix */
	int64_t anchors_year;         /* anchors the account admitted in the last year, not this one */
	int anchor_counted;           /* this anchor was admitted before (it holds its place) */
	enum admission_report report;
	const char *report_why;       /* what failed, for REPORT_FAIL */
	int location_ok;              /* the address is in the account's own or permitted space */
};

/* Decide; the reason (also for an approval) into why. Pure. */
enum admission_state admission_decide(const struct platform_policy *p,
				      const struct admission_facts *f, char *why, size_t wl);

/* "approved", "pending" or "refused". */
const char *admission_state_name(enum admission_state s);

/*
 * Judge a check-host report (`vantage check-host --role anchor --json`):
 * REPORT_PASS when it was checked for the anchor role and failed nothing
 * (a virtual machine passes when it meets the requirements), else
 * REPORT_FAIL with what failed in why. Pure.
 */
enum admission_report admission_report_judge(const json_t *report, char *why, size_t wl);

#endif
