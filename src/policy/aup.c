/*
 * aup: the site's acceptable-use policy: set from text values (the agent's
 * config), checked by the engine before every send.
 */
#include "policy/aup.h"

#include <stdio.h>
#include <string.h>

#include "policy/noprobe.h"
#include "util/numparse.h"

/* Initialise an allow-everything AUP with three prefix tables. */
int aup_init(struct aup *a, size_t max_prefix_nodes, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->allow = ptrie_new(max_prefix_nodes);
	a->deny = ptrie_new(max_prefix_nodes);
	a->noprobe = ptrie_new(max_prefix_nodes);
	if (a->allow == NULL || a->deny == NULL || a->noprobe == NULL) {
		aup_free(a);
		snprintf(err, errlen, "aup: cannot allocate prefix tables of %zu nodes",
		         max_prefix_nodes);
		return -1;
	}
	return 0;
}

/* Free the AUP's tables. */
void aup_free(struct aup *a)
{
	ptrie_free(a->allow);
	ptrie_free(a->deny);
	ptrie_free(a->noprobe);
	spacing_free(a->spacing);
	a->allow = a->deny = a->noprobe = NULL;
	a->spacing = NULL;
}

/* True when name is 1..31 chars of [a-z0-9_-]. */
static bool valid_method(const char *name, size_t n)
{
	if (n == 0 || n >= AUP_METHOD_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return false;
	return true;
}

/* Restrict the methods to the names in list; unchanged on error. */
int aup_set_methods(struct aup *a, const char *list, char *err, size_t errlen)
{
	char names[AUP_METHODS_MAX][AUP_METHOD_NAME_MAX];
	size_t n = 0;
	for (const char *p = list; *p;) {
		size_t skip = strspn(p, ", \t"), len;
		p += skip;
		if ((len = strcspn(p, ", \t")) == 0)
			break;
		if (!valid_method(p, len)) {
			snprintf(err, errlen, "methods: '%.*s' is not a method name", (int)(len > 40 ? 40 : len), p);
			return -1;
		}
		if (n == AUP_METHODS_MAX) {
			snprintf(err, errlen, "methods: more than %d names", AUP_METHODS_MAX);
			return -1;
		}
		memcpy(names[n], p, len);
		names[n++][len] = '\0';
		p += len;
	}
	memcpy(a->methods, names, sizeof names);
	a->n_methods = n;
	a->methods_restricted = true;
	return 0;
}

/* Parse a setting's value in [1, max]; false with "label: 'text' why" in err. */
static bool setting_num(const char *label, const char *text, long long max, long long *v,
                        char *err, size_t errlen)
{
	char why[96];
	if (parse_bounded(text, 1, max, v, why, sizeof why))
		return true;
	snprintf(err, errlen, "%s: '%.40s' %s", label, text, why);
	return false;
}

/* Set the pps ceiling from text. */
int aup_set_pps(struct aup *a, const char *text, char *err, size_t errlen)
{
	long long v;
	if (!setting_num("pps", text, AUP_PPS_MAX, &v, err, errlen))
		return -1;
	a->pps_max = (uint32_t)v;
	return 0;
}

/* Set the per-destination gap from text in microseconds. */
int aup_set_spacing(struct aup *a, const char *text, char *err, size_t errlen)
{
	long long us;
	if (!setting_num("spacing", text, AUP_GAP_US_MAX, &us, err, errlen))
		return -1;
	struct spacing *s = spacing_new(AUP_SPACING_SLOTS, (uint64_t)us * 1000);
	if (s == NULL) {
		snprintf(err, errlen, "spacing: cannot allocate %d slots", AUP_SPACING_SLOTS);
		return -1;
	}
	spacing_free(a->spacing);
	a->spacing = s;
	a->gap_ns = (uint64_t)us * 1000;
	return 0;
}

/* Parse text as a prefix and add it to t; label names the list in errors. */
static int add_prefix(struct ptrie *t, const char *label, const char *text, char *err,
                      size_t errlen)
{
	struct net_prefix p;
	char why[160];
	if (!net_prefix_parse(text, &p, why, sizeof why)) {
		snprintf(err, errlen, "%s: %s", label, why);
		return -1;
	}
	if (ptrie_insert(t, &p, 0) < 0) {
		snprintf(err, errlen, "%s: too many prefixes", label);
		return -1;
	}
	return 0;
}

/* Add an allowed destination prefix. */
int aup_allow_prefix(struct aup *a, const char *text, char *err, size_t errlen)
{
	return add_prefix(a->allow, "allowed destinations", text, err, errlen);
}

/* Add a forbidden destination prefix. */
int aup_forbid_prefix(struct aup *a, const char *text, char *err, size_t errlen)
{
	return add_prefix(a->deny, "forbidden destinations", text, err, errlen);
}

/* Load a no-probe list file. */
int aup_load_noprobe(struct aup *a, const char *path, char *err, size_t errlen)
{
	return noprobe_load_file(a->noprobe, path, err, errlen);
}

/* True when method is in the allowed list (or methods are not restricted). */
static bool method_allowed(const struct aup *a, const char *method)
{
	if (!a->methods_restricted)
		return true;
	for (size_t i = 0; i < a->n_methods; i++)
		if (strcmp(a->methods[i], method) == 0)
			return true;
	return false;
}

/* Deny with a reason naming dst and the prefix it fell in. */
static enum aup_verdict deny_prefix(const struct net_addr *dst, const struct net_prefix *p,
                                    const char *what, char *reason, size_t len)
{
	char a[NET_ADDR_STRLEN], pb[NET_ADDR_STRLEN + 8];
	snprintf(reason, len, "%s is %s (%s)", net_addr_str(dst, a, sizeof a), what,
	         net_prefix_str(p, pb, sizeof pb));
	return AUP_DENY;
}

/* Decide one send; see aup.h for the order of the checks. */
enum aup_verdict aup_check(const struct aup *a, const char *method,
                           const struct net_addr *dst, uint32_t pps,
                           char *reason, size_t reasonlen)
{
	struct net_prefix p;
	char ab[NET_ADDR_STRLEN];
	if (method == NULL || !method_allowed(a, method)) {
		snprintf(reason, reasonlen, "method '%.31s' not allowed by site policy",
		         method ? method : "");
		return AUP_DENY;
	}
	if (a->pps_max != 0 && pps > a->pps_max) {
		snprintf(reason, reasonlen, "rate %u pps above site ceiling %u", pps, a->pps_max);
		return AUP_DENY;
	}
	if (dst->family != AF_INET && dst->family != AF_INET6) {
		snprintf(reason, reasonlen, "destination has no address family");
		return AUP_DENY;
	}
	if (ptrie_lookup(a->noprobe, dst, NULL, &p))
		return deny_prefix(dst, &p, "on the no-probe list", reason, reasonlen);
	if (a->platform_noprobe && ptrie_lookup(a->platform_noprobe, dst, NULL, &p))
		return deny_prefix(dst, &p, "on the platform no-probe list", reason, reasonlen);
	if (ptrie_lookup(a->deny, dst, NULL, &p))
		return deny_prefix(dst, &p, "in a forbidden range", reason, reasonlen);
	if (ptrie_count(a->allow) > 0 && !ptrie_lookup(a->allow, dst, NULL, NULL)) {
		snprintf(reason, reasonlen, "%s is outside the allowed ranges",
		         net_addr_str(dst, ab, sizeof ab));
		return AUP_DENY;
	}
	snprintf(reason, reasonlen, "allowed");
	return AUP_ALLOW;
}

/* aup_check plus the per-destination gap; see aup.h. */
enum aup_verdict aup_check_at(struct aup *a, const char *method,
                              const struct net_addr *dst, uint32_t pps, uint64_t now_ns,
                              char *reason, size_t reasonlen)
{
	enum aup_verdict v = aup_check(a, method, dst, pps, reason, reasonlen);
	uint64_t wait;
	if (v != AUP_ALLOW || a->spacing == NULL || spacing_try(a->spacing, dst, now_ns, &wait))
		return v;
	char ab[NET_ADDR_STRLEN];
	snprintf(reason, reasonlen, "%s probed %llu us ago, site minimum gap %llu us",
	         net_addr_str(dst, ab, sizeof ab),
	         (unsigned long long)((a->gap_ns - wait) / 1000),
	         (unsigned long long)(a->gap_ns / 1000));
	return AUP_DENY;
}
