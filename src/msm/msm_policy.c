/*
 * msm_policy: a measurement definition against the site's AUP (see msm_policy.h).
 * It relies on the measurement types' registry (msm/msm_type.h) for the one
 * thing policy cannot know: which packet method a definition's options mean.
 */
#include "msm/msm_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msm/msm_type.h"
#include "net/addr.h"

/* The packet method def's options select, into method; 0 or -1 with reason. */
static int def_method(const struct msm_type *t, const json_t *def, char *method, size_t mlen,
		      char *reason, size_t len)
{
	void *spec = calloc(1, t->spec_size);
	int af;
	if (!spec) {
		snprintf(reason, len, "out of memory");
		return -1;
	}
	int rc = t->spec_from_atlas(def, spec, &af, reason, len);
	if (rc == 0)
		snprintf(method, mlen, "%s", t->method(spec));
	free(spec);
	return rc < 0 ? -1 : 0;
}

/* See msm_policy.h. */
int msm_policy_check(const struct aup *a, const json_t *def, char *reason, size_t len)
{
	const char *type = json_string_value(json_object_get(def, "type"));
	const char *target = json_string_value(json_object_get(def, "target"));
	if (!type || !target) {
		snprintf(reason, len, "definition lacks a type or a target");
		return -1;
	}
	const struct msm_type *t = msm_type_find(type);
	char method[AUP_METHOD_NAME_MAX], why[AUP_REASON_MAX];
	struct net_addr dst;
	if (!t) {
		snprintf(reason, len, "'%.32s' is not a measurement type", type);
		return -1;
	}
	if (def_method(t, def, method, sizeof method, reason, len) < 0)
		return -1;
	if (!net_addr_parse(target, &dst, why, sizeof why)) {
		snprintf(reason, len, "target '%.64s' is not an address", target);
		return -1;
	}
	if (aup_check(a, method, &dst, 0, why, sizeof why) == AUP_ALLOW)
		return 0;
	if (strncmp(why, "method ", 7) == 0)
		snprintf(reason, len, "method '%s' not allowed by site policy (it sends %s)", type,
			 method);
	else
		snprintf(reason, len, "%s", why);
	return -1;
}
