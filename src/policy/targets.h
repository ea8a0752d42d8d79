/*
 * targets: which destinations the platform may measure. The default is
 * public unicast only: every range of special.h (the IANA special-purpose
 * registries, multicast, IPv6 outside 2000::/3) is refused with a reason
 * naming its registry entry. The operator adds rules, `targets allow
 * PREFIX` and `targets refuse PREFIX`.
 *
 * The rule: among the default ranges and the operator's rules that contain
 * the address, the most specific (longest) prefix decides. At equal length
 * an operator's rule beats a default one, and refuse beats allow. An address
 * no rule contains is public unicast and allowed. So `targets allow
 * 198.18.0.0/15` opens the benchmarking range, and `targets refuse
 * 198.18.5.0/24` closes a part of it again; allowing 0.0.0.0/0 opens nothing,
 * as every default range is more specific.
 *
 * The same policy governs every place the controller assigns a target (API
 * creates, the admin socket's creates, the reach check); the site's AUP and
 * the no-probe list still apply on the agent. Pure; built once at start and
 * read-only after.
 */
#ifndef VANTAGE_POLICY_TARGETS_H
#define VANTAGE_POLICY_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "net/addr.h"
#include "policy/prefix.h"
#include "policy/special.h"

#define TARGETS_MAX_RULES 256
#define TARGETS_ORIGIN_MAX 96

/* One operator rule and where it came from ("file ctl.conf:7", "flag"). */
struct target_rule {
	struct net_prefix prefix;
	bool allow;
	char origin[TARGETS_ORIGIN_MAX];
};

struct target_policy {
	struct target_rule rules[TARGETS_MAX_RULES];
	size_t nrules;
	struct net_prefix special[96];   /* special_ranges() parsed, same order */
	size_t nspecial;
};

/* The default policy (no operator rules). */
void targets_init(struct target_policy *tp);

/*
 * Add the rule "allow|refuse PREFIX" (text as after the `targets` key),
 * labelled origin. Returns 0, or -1 with a reason in err.
 */
int targets_add(struct target_policy *tp, const char *rule, const char *origin,
		char *err, size_t errlen);

/*
 * True if the policy allows addr. Refused: false, with a reason in why
 * ("10.1.2.3 is in 10.0.0.0/8, Private-Use (IANA IPv4 Special-Purpose
 * Address Registry, RFC 1918), which this platform does not measure").
 */
bool targets_allowed(const struct target_policy *tp, const struct net_addr *addr,
		     char *why, size_t whylen);

/* targets_allowed on address text; text that is no address is refused. */
bool targets_allowed_text(const struct target_policy *tp, const char *text,
			  char *why, size_t whylen);

#endif
