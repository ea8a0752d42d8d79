/*
 * admission: the pure decision (see admission.h). Rules are checked in a
 * fixed order, refusals before waits, so an agent that breaks a cap is told
 * so rather than asked for a permission it could not use.
 */
#include "controller/admission.h"

#include <stdio.h>
#include <string.h>

/* See admission.h. */
const char *admission_state_name(enum admission_state s)
{
	return s == ADMISSION_APPROVED ? "approved" : s == ADMISSION_PENDING ? "pending" : "refused";
}

/* The software probe caps; 1 with why when one is reached. */
static int over_probe_caps(const struct platform_policy *p, const struct admission_facts *f,
			   char *why, size_t wl)
{
	long long per_prefix = f->v6 ? p->probes_per_prefix_v6 : p->probes_per_prefix_v4;
	if (f->address[0] && f->at_address >= p->probes_per_address) {
		snprintf(why, wl, "its account has %lld software probes at %s already"
			 " (probes_per_address %lld)", (long long)f->at_address, f->address,
			 p->probes_per_address);
		return 1;
	}
	if (f->prefix[0] && f->account_in_prefix >= p->probes_per_account_prefix) {
		snprintf(why, wl, "its account has %lld software probes in %s already"
			 " (probes_per_account_prefix %lld)", (long long)f->account_in_prefix,
			 f->prefix, p->probes_per_account_prefix);
		return 1;
	}
	if (f->prefix[0] && f->in_prefix >= per_prefix) {
		snprintf(why, wl, "%lld software probes are in %s already (probes_per_prefix_v%d %lld)",
			 (long long)f->in_prefix, f->prefix, f->v6 ? 6 : 4, per_prefix);
		return 1;
	}
	return 0;
}

/* The anchor rules: -1 refused (why says which), 0 passed. */
static int anchor_rules(const struct platform_policy *p, const struct admission_facts *f,
			char *why, size_t wl)
{
	if (!f->anchor_counted && f->anchors_year >= p->anchors_per_account_year) {
		snprintf(why, wl, "its account admitted %lld anchors in the last 365 days"
			 " (anchors_per_account_year %lld)", (long long)f->anchors_year,
			 p->anchors_per_account_year);
		return -1;
	}
	if (!p->anchor_check)
		return 0;
	if (f->report == REPORT_FAIL) {
		snprintf(why, wl, "its check-host report fails the anchor requirements: %s",
			 f->report_why ? f->report_why : "");
		return -1;
	}
	return 0;
}

/* See admission.h. */
enum admission_state admission_decide(const struct platform_policy *p,
				      const struct admission_facts *f, char *why, size_t wl)
{
	if (!f->anchor && over_probe_caps(p, f, why, wl))
		return ADMISSION_REFUSED;
	int a = f->anchor ? anchor_rules(p, f, why, wl) : 0;
	if (a < 0)
		return ADMISSION_REFUSED;
	if (a > 0)
		return ADMISSION_PENDING;
	if (p->location_check && f->prefix[0] && !f->location_ok) {
		snprintf(why, wl, "%s is in %s (AS%lld), which its account has not registered as its"
			 " own: waiting for `vantage permissions grant`", f->address, f->prefix,
			 (long long)f->asn);
		return ADMISSION_PENDING;
	}
	/* An anchor registered without a report is let in on the operator's own
	 * approval (an operator approves every agent); the reason says so. */
	const char *note = f->anchor && p->anchor_check && f->report == REPORT_NONE ?
		"; no check-host report came with its registration" : "";
	if (!f->address[0])
		snprintf(why, wl, "meets the rules; its address is checked when it connects%s", note);
	else
		snprintf(why, wl, "meets the rules at %s%s%s%s", f->address, f->prefix[0] ? " in " : "",
			 f->prefix, note);
	return ADMISSION_APPROVED;
}

/* See admission.h. */
enum admission_report admission_report_judge(const json_t *report, char *why, size_t wl)
{
	const char *role = json_string_value(json_object_get(report, "role"));
	const json_t *fail = json_object_get(json_object_get(report, "summary"), "fail");
	if (!role || strcmp(role, "anchor") != 0) {
		snprintf(why, wl, "the report was not made for the anchor role (check-host --role anchor)");
		return REPORT_FAIL;
	}
	if (!json_is_integer(fail)) {
		snprintf(why, wl, "the report has no summary.fail count");
		return REPORT_FAIL;
	}
	if (json_integer_value(fail) == 0)
		return REPORT_PASS;
	size_t i, n = 0;
	const json_t *l;
	why[0] = 0;
	json_array_foreach(json_object_get(report, "checks"), i, l) {
		const char *st = json_string_value(json_object_get(l, "status"));
		const char *name = json_string_value(json_object_get(l, "name"));
		if (st && name && strcmp(st, "fail") == 0 && strlen(why) + strlen(name) + 3 < wl)
			n += (size_t)snprintf(why + n, wl - n, "%s%s", n ? ", " : "", name);
	}
	if (!why[0])
		snprintf(why, wl, "%lld checks failed", (long long)json_integer_value(fail));
	return REPORT_FAIL;
}
