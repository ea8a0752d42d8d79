/*
 * store_noprobe: the platform no-probe list in the store. Each entry is a
 * prefix (canonical text, e.g. "198.18.5.0/24") with who added it, when and
 * why; the list has a version that grows by one on every change (add or
 * remove), so agents can say which version they enforce and the controller
 * can tell who is behind. Version 0 is the empty list never changed.
 */
#ifndef VANTAGE_STORE_STORE_NOPROBE_H
#define VANTAGE_STORE_STORE_NOPROBE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_noprobe_ops {
	/*
	 * Add prefix (or replace its reason, who and time) unless the list
	 * holds max entries already and prefix is not one of them. The count
	 * and the insert are one step, also for several controllers sharing
	 * the store at once, so the list never holds more than max. Returns 0
	 * and the new version in *version, 1 when the list is full (nothing
	 * changed), or -1 with err.
	 */
	int (*add)(struct store *st, const char *prefix, const char *reason, const char *who,
		   int64_t now, int64_t max, int64_t *version, char *err, size_t errlen);
	/* Remove prefix: 1 and the new version, 0 if it was not listed (version unchanged), -1. */
	int (*remove)(struct store *st, const char *prefix, int64_t *version, char *err,
		      size_t errlen);
	/* The list, rows {prefix, reason, who, added} in prefix order, and its version. */
	int (*list)(struct store *st, json_t **out, int64_t *version, char *err, size_t errlen);
};

#endif
