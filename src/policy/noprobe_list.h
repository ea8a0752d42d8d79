/*
 * noprobe_list: the controller-wide no-probe list as the controller checks
 * it at every create (beside the target policy, targets.h). Operators add
 * prefixes with a reason (`vantage noprobe add PREFIX --reason TEXT`); the
 * list lives in the store with a version that grows on every change, and this
 * is its in-memory copy: a short array of prefixes, longest match wins. The
 * list is an operator's, so a few hundred entries at most; a linear scan is
 * plenty at create time.
 */
#ifndef VANTAGE_POLICY_NOPROBE_LIST_H
#define VANTAGE_POLICY_NOPROBE_LIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/prefix.h"

#define NOPROBE_LIST_MAX 4096        /* entries accepted */
#define NOPROBE_REASON_MAX 256       /* bytes of a reason, with the NUL */

struct noprobe_entry {
	struct net_prefix prefix;
	char reason[NOPROBE_REASON_MAX];
};

struct noprobe_list {
	struct noprobe_entry *e;
	size_t n;
	int64_t version;
};

/*
 * Replace l's contents with rows, an array of objects with "prefix" and
 * "reason" strings (the store's listing), at version. 0, or -1 with err
 * naming the bad row; l is unchanged on error.
 */
int noprobe_list_set(struct noprobe_list *l, const json_t *rows, int64_t version,
		     char *err, size_t errlen);

/*
 * True if the address text falls in an entry: why gets "198.18.5.1 is on the
 * platform's no-probe list (198.18.5.0/24: complaint from AS64500)". Text
 * that is not an address is not on the list (the target policy refuses it).
 */
bool noprobe_list_blocks(const struct noprobe_list *l, const char *target, char *why,
			 size_t whylen);

void noprobe_list_free(struct noprobe_list *l);

#endif
