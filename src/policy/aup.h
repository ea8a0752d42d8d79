/*
 * aup: the site's acceptable-use policy, enforced by the engine before each
 * send (DESIGN invariant 4). It holds the methods the site allows (by name:
 * "ping", "trace", ...), a packets-per-second ceiling, destination prefixes
 * that are allowed (when any are listed, only those) and forbidden (always
 * win), and the no-probe list. The agent's config fills it through the
 * aup_set_* functions, which take text and explain bad values.
 */
#ifndef VANTAGE_POLICY_AUP_H
#define VANTAGE_POLICY_AUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "policy/spacing.h"
#include "policy/trie.h"

#define AUP_METHODS_MAX 32
#define AUP_METHOD_NAME_MAX 32
#define AUP_PPS_MAX 10000000
#define AUP_REASON_MAX 160   /* room a reason string needs */
#define AUP_GAP_US_MAX 60000000 /* longest per-destination gap: one minute */
#define AUP_SPACING_SLOTS 65536 /* destinations the spacing table tracks at once */

struct aup {
	bool methods_restricted;          /* false: every method allowed */
	size_t n_methods;
	char methods[AUP_METHODS_MAX][AUP_METHOD_NAME_MAX];
	uint32_t pps_max;                 /* 0: no ceiling set */
	struct ptrie *allow;              /* allowed destinations (empty: all) */
	struct ptrie *deny;               /* forbidden destinations */
	struct ptrie *noprobe;            /* the no-probe list */
	const struct ptrie *platform_noprobe; /* the controller's list (borrowed; NULL: none) */
	struct spacing *spacing;          /* per-destination gap; NULL: none */
	uint64_t gap_ns;
};

enum aup_verdict { AUP_ALLOW = 0, AUP_DENY = 1 };

/*
 * Initialise an AUP that allows everything, with prefix tables of
 * max_prefix_nodes nodes each. Returns 0, or -1 with err filled.
 */
int aup_init(struct aup *a, size_t max_prefix_nodes, char *err, size_t errlen);

/* Release what aup_init allocated. */
void aup_free(struct aup *a);

/*
 * Restrict methods to a comma- or space-separated list of names ("ping,
 * trace"). Names are [a-z0-9_-], 1..31 chars. Returns 0, or -1 with err
 * naming the bad name; the AUP is unchanged on error.
 */
int aup_set_methods(struct aup *a, const char *list, char *err, size_t errlen);

/* Set the pps ceiling from text (1..AUP_PPS_MAX, via numparse). 0 / -1 as above. */
int aup_set_pps(struct aup *a, const char *text, char *err, size_t errlen);

/* Add one allowed destination prefix from text. 0 / -1 as above. */
int aup_allow_prefix(struct aup *a, const char *text, char *err, size_t errlen);

/* Add one forbidden destination prefix from text. 0 / -1 as above. */
int aup_forbid_prefix(struct aup *a, const char *text, char *err, size_t errlen);

/* Load a no-probe list file into the AUP (see noprobe.h). Count or -1. */
int aup_load_noprobe(struct aup *a, const char *path, char *err, size_t errlen);

/*
 * Require at least `text` microseconds (1..AUP_GAP_US_MAX, via numparse)
 * between two probes to one destination, enforced by aup_check_at. 0 / -1.
 */
int aup_set_spacing(struct aup *a, const char *text, char *err, size_t errlen);

/*
 * Decide whether a packet of `method` to dst may be sent while the sender
 * runs at `pps` packets per second (0 if not known). Returns AUP_ALLOW, or
 * AUP_DENY with a reason in reason (e.g. "198.18.5.1 is on the no-probe list
 * (198.18.5.0/24)", "... is on the platform no-probe list (...)",
 * "method 'dns' not allowed by site policy",
 * "rate 2000 pps above site ceiling 1000"). Order: method, rate, no-probe
 * list, platform no-probe list, forbidden prefixes, allowed prefixes.
 */
enum aup_verdict aup_check(const struct aup *a, const char *method,
                           const struct net_addr *dst, uint32_t pps,
                           char *reason, size_t reasonlen);

/*
 * aup_check, then (when allowed and a spacing is set) the per-destination
 * gap at monotonic time now_ns: denies with "198.18.3.2 probed 200 us ago,
 * site minimum gap 1000 us" and records the send when allowed. This is the
 * check to call right before a packet leaves.
 */
enum aup_verdict aup_check_at(struct aup *a, const char *method,
                              const struct net_addr *dst, uint32_t pps, uint64_t now_ns,
                              char *reason, size_t reasonlen);

#endif
