/*
 * kvfile: the `key value` configuration format shared by the agent's and the
 * controller's files: one setting a line, the key up to the first blank,
 * the value the rest (trimmed); '#' starts a comment; blank lines are
 * skipped. Errors name the file and the line. Pure and bounded (lines of at
 * most KVFILE_LINE_MAX bytes, no NUL bytes), for hostile files; fuzzed
 * through the parsers that use it.
 */
#ifndef VANTAGE_UTIL_KVFILE_H
#define VANTAGE_UTIL_KVFILE_H

#include <stddef.h>

#define KVFILE_LINE_MAX 1200

/* Apply one setting of line lineno; 0, or -1 with a reason in why. */
typedef int (*kvfile_fn)(void *arg, const char *key, const char *value, int lineno,
			 char *why, size_t whylen);

/*
 * Call fn for each setting of text (len bytes) of the file named name.
 * Returns 0, or -1 at the first bad line with "name:line: reason" in err.
 */
int kvfile_parse(const char *text, size_t len, const char *name, kvfile_fn fn, void *arg,
		 char *err, size_t errlen);

/*
 * Read the file at path (at most 1 MiB) and parse it as kvfile_parse does;
 * "path: reason" when it cannot be read.
 */
int kvfile_load(const char *path, kvfile_fn fn, void *arg, char *err, size_t errlen);

#endif
