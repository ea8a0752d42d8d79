/*
 * noprobe: the site's no-probe list, destinations that must never be probed.
 * Text format: one prefix per line ("198.18.5.0/24", "2001:db8:1::/48" or a
 * bare address); '#' starts a comment; blank lines and surrounding spaces are
 * ignored. Errors name the file and line ("list.txt:7: 'x' is not an
 * address").
 */
#ifndef VANTAGE_POLICY_NOPROBE_H
#define VANTAGE_POLICY_NOPROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "net/addr.h"
#include "policy/prefix.h"
#include "policy/trie.h"

/* Longest line accepted, in bytes. */
#define NOPROBE_LINE_MAX 256

/*
 * Add every prefix in text[0..len) to trie t (value: the line number).
 * `name` labels errors (a file name). Stops at the first bad line: returns
 * -1 with "name:line: problem" in err; the prefixes before it stay inserted,
 * so load into a fresh trie and swap on success. Returns the number of
 * prefixes read on success.
 */
int noprobe_load_text(struct ptrie *t, const char *text, size_t len,
                      const char *name, char *err, size_t errlen);

/*
 * Read the file at path (at most 16 MiB) and load it as noprobe_load_text
 * does. Returns the number of prefixes, or -1 with "path: problem" in err.
 */
int noprobe_load_file(struct ptrie *t, const char *path, char *err, size_t errlen);

#endif
