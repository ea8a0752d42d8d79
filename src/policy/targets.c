/*
 * targets: the platform's target policy (see targets.h): default refusals
 * from special.c, the operator's rules, and the most-specific-wins decision.
 */
#include "policy/targets.h"

#include <stdio.h>
#include <string.h>

/* See targets.h. */
void targets_init(struct target_policy *tp)
{
	size_t n;
	const struct special_range *s = special_ranges(&n);
	memset(tp, 0, sizeof *tp);
	for (size_t i = 0; i < n && i < sizeof tp->special / sizeof tp->special[0]; i++) {
		char err[128];
		/* The table is constant and covered by the unit test; a bad entry is skipped. */
		if (net_prefix_parse(s[i].prefix, &tp->special[tp->nspecial], err, sizeof err))
			tp->nspecial++;
	}
}

/* See targets.h. */
int targets_add(struct target_policy *tp, const char *rule, const char *origin,
		char *err, size_t errlen)
{
	bool allow;
	const char *p;
	if (strncmp(rule, "allow", 5) == 0 && (rule[5] == ' ' || rule[5] == '\t')) {
		allow = true;
		p = rule + 5;
	} else if (strncmp(rule, "refuse", 6) == 0 && (rule[6] == ' ' || rule[6] == '\t')) {
		allow = false;
		p = rule + 6;
	} else {
		snprintf(err, errlen, "expected 'allow PREFIX' or 'refuse PREFIX', not '%.60s'", rule);
		return -1;
	}
	p += strspn(p, " \t");
	if (tp->nrules == TARGETS_MAX_RULES) {
		snprintf(err, errlen, "more than %d target rules", TARGETS_MAX_RULES);
		return -1;
	}
	struct target_rule *r = &tp->rules[tp->nrules];
	if (!net_prefix_parse(p, &r->prefix, err, errlen))
		return -1;
	r->allow = allow;
	snprintf(r->origin, sizeof r->origin, "%s", origin);
	tp->nrules++;
	return 0;
}

/* The longest special range containing addr, or -1. */
static int special_match(const struct target_policy *tp, const struct net_addr *addr)
{
	int best = -1;
	for (size_t i = 0; i < tp->nspecial; i++)
		if (net_prefix_contains(&tp->special[i], addr) &&
		    (best < 0 || tp->special[i].len > tp->special[best].len))
			best = (int)i;
	return best;
}

/* The deciding operator rule containing addr (longest; refuse wins a tie), or -1. */
static int rule_match(const struct target_policy *tp, const struct net_addr *addr)
{
	int best = -1;
	for (size_t i = 0; i < tp->nrules; i++) {
		const struct target_rule *r = &tp->rules[i];
		if (!net_prefix_contains(&r->prefix, addr))
			continue;
		if (best < 0 || r->prefix.len > tp->rules[best].prefix.len ||
		    (r->prefix.len == tp->rules[best].prefix.len && !r->allow))
			best = (int)i;
	}
	return best;
}

/* See targets.h. */
bool targets_allowed(const struct target_policy *tp, const struct net_addr *addr,
		     char *why, size_t whylen)
{
	char a[NET_ADDR_STRLEN], p[64];
	int s = special_match(tp, addr), r = rule_match(tp, addr);
	net_addr_str(addr, a, sizeof a);
	if (r >= 0 && (s < 0 || tp->rules[r].prefix.len >= tp->special[s].len)) {
		if (tp->rules[r].allow)
			return true;
		snprintf(why, whylen, "%s is in %s, refused by this platform's 'targets refuse'"
			 " rule (%s)", a, net_prefix_str(&tp->rules[r].prefix, p, sizeof p),
			 tp->rules[r].origin);
		return false;
	}
	if (s < 0)
		return true;
	size_t n;
	const struct special_range *e = &special_ranges(&n)[s];
	snprintf(why, whylen, "%s is in %s, %s (%s, %s), which this platform does not measure"
		 " unless its configuration says 'targets allow %s'", a, e->prefix, e->name,
		 e->registry, e->ref, e->prefix);
	return false;
}

/* See targets.h. */
bool targets_allowed_text(const struct target_policy *tp, const char *text,
			  char *why, size_t whylen)
{
	struct net_addr addr;
	char err[96];
	if (!net_addr_parse(text, &addr, err, sizeof err)) {
		snprintf(why, whylen, "'%.64s' is not an IP address", text);
		return false;
	}
	return targets_allowed(tp, &addr, why, whylen);
}
