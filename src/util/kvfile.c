/*
 * kvfile: split `key value` lines (see kvfile.h); what a key means is the
 * caller's.
 */
#include "util/kvfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split one line into key and value (trimmed); returns 0 if blank, 1 if a setting, -1 if bad. */
static int split(char *line, char **key, char **value)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	char *p = line + strspn(line, " \t\r");
	char *end = p + strlen(p);
	while (end > p && strchr(" \t\r", end[-1]))
		*--end = 0;
	if (!*p)
		return 0;
	*key = p;
	p += strcspn(p, " \t");
	if (!*p)
		return -1;
	*p++ = 0;
	*value = p + strspn(p, " \t");
	return 1;
}

/* See kvfile.h. */
int kvfile_parse(const char *text, size_t len, const char *name, kvfile_fn fn, void *arg,
		 char *err, size_t errlen)
{
	size_t off = 0;
	for (int lineno = 1; off < len; lineno++) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (text + off)) : len - off;
		char line[KVFILE_LINE_MAX], why[256] = "", *key, *value;
		int kind = -1;
		if (ll < sizeof line && !memchr(text + off, 0, ll)) {
			memcpy(line, text + off, ll);
			line[ll] = 0;
			kind = split(line, &key, &value);
		}
		if (kind < 0 || (kind == 1 && fn(arg, key, value, lineno, why, sizeof why) < 0)) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno,
				 why[0] ? why : kind < 0 && ll >= sizeof line ? "line too long"
					       : "expected 'key value'");
			return -1;
		}
		off += ll + 1;
	}
	return 0;
}

/* See kvfile.h. */
int kvfile_load(const char *path, kvfile_fn fn, void *arg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	static const size_t max = 1 << 20;
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	fclose(f);
	int rc = -1;
	if (!buf)
		snprintf(err, errlen, "%s: out of memory", path);
	else if (n > max)
		snprintf(err, errlen, "%s: larger than 1 MiB", path);
	else
		rc = kvfile_parse(buf, n, path, fn, arg, err, errlen);
	free(buf);
	return rc;
}
