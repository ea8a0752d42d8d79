/*
 * api_create: a RIPE Atlas "create measurements" request body, and the
 * probe sources of a participation request, parsed and checked into typed
 * structs before anything is stored. Each definition becomes the runner
 * definition the agents execute (src/msm/msm_runner.h), checked by the
 * measurement type's own parser, plus its schedule. Targets must be address
 * literals the platform's target policy (policy/targets.h) allows, or host
 * names, which the caller resolves (api_lookup.c) and hands back through
 * api_def_resolved before anything is stored. Pure and bounded: the body is
 * hostile.
 */
#ifndef VANTAGE_API_API_CREATE_H
#define VANTAGE_API_API_CREATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api_cidr.h"
#include "policy/noprobe_list.h"
#include "policy/targets.h"

#define API_MAX_DEFS 10
#define API_MAX_SOURCES 20
#define API_MAX_REQUESTED 10000
#define API_MAX_BODY (64 * 1024)

/* What the platform allows. */
struct api_limits {
	const struct target_policy *targets; /* what targets may be */
	const struct noprobe_list *noprobe; /* never these (NULL: none) */
	int64_t min_interval;              /* seconds, periodic measurements */
};

/* One definition, ready for the scheduler. */
struct api_def {
	json_t *run;              /* runner definition (owned) */
	char type[16];            /* "ping" or "traceroute" */
	int af;
	char target[64];          /* the address measured */
	char name[256];           /* the target as given: an address or a host name */
	int resolve;              /* name is a host name: target is a placeholder of family
				     af until api_def_resolved sets the address it resolved to */
	char description[256];
	int is_oneoff;
	int64_t interval, spread; /* seconds; 0 for one-offs */
	int is_public;            /* RIPE's default: true */
	json_t *extra;            /* fields stored to be echoed (api_deffields.h), and the
				     target as given with its resolved_ips (owned) */
};

/* One probe source: {type, value, requested, tags: {include, exclude}} (+ action). */
struct api_source {
	char type[16];            /* probes, asn, prefix, country, area, msm */
	char value[4096];
	int64_t requested;
	int remove;               /* participation request with action "remove" */
	json_t *include, *exclude; /* arrays of strings, or NULL (owned) */
};

struct api_create {
	size_t ndefs, nsrc;
	struct api_def defs[API_MAX_DEFS];
	struct api_source src[API_MAX_SOURCES];
	int64_t start, stop;      /* Unix seconds, 0 = unset */
};

/*
 * Parse the create body (len bytes) into *c. Returns 0, or -1 with a reason
 * naming the field (e.g. "definitions[0].target: ...") in err; c then holds
 * nothing to free.
 */
int api_create_parse(const char *body, size_t len, const struct api_limits *lim,
		     struct api_create *c, char *err, size_t errlen);

/*
 * Parse a participation request body (an array of sources with "action"
 * add or remove) into c->src. Returns 0 or -1 with err.
 */
int api_change_parse(const char *body, size_t len, struct api_create *c, char *err, size_t errlen);

/*
 * The host name of definition i of c resolved to addr: check addr against
 * the target policy and make it the target. 0, or -1 with a reason naming
 * the definition, the name and the address.
 */
int api_def_resolved(struct api_create *c, size_t i, const char *addr,
		     const struct api_limits *lim, char *err, size_t errlen);

/* True if any definition of c has a host name to resolve. */
int api_create_needs_lookup(const struct api_create *c);

/* True if text is a host name (RFC 1123 labels of letters, digits and '-'). */
int api_hostname_valid(const char *text);

/* Free what a successful parse holds. */
void api_create_free(struct api_create *c);

#endif
