/*
 * noprobe: load the site's no-probe list (one prefix per line, '#'
 * comments) into a prefix trie, with errors that name file:line.
 */
#include "policy/noprobe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOPROBE_FILE_MAX (16u << 20)

/* Shrink [*s, *e) past leading/trailing blanks and a '#' comment. */
static void trim_line(const char **s, const char **e)
{
	const char *hash = memchr(*s, '#', (size_t)(*e - *s));
	if (hash)
		*e = hash;
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/* Parse one trimmed line into t; 0, or -1 with "name:line: problem" in err. */
static int load_line(struct ptrie *t, const char *s, size_t n, const char *name,
                     unsigned lineno, char *err, size_t errlen)
{
	char buf[NOPROBE_LINE_MAX + 1], why[160];
	struct net_prefix p;
	if (n > NOPROBE_LINE_MAX) {
		snprintf(err, errlen, "%s:%u: line longer than %u bytes", name, lineno,
		         NOPROBE_LINE_MAX);
		return -1;
	}
	if (memchr(s, '\0', n) != NULL) {
		snprintf(err, errlen, "%s:%u: NUL byte in line", name, lineno);
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!net_prefix_parse(buf, &p, why, sizeof why)) {
		snprintf(err, errlen, "%s:%u: %s", name, lineno, why);
		return -1;
	}
	if (ptrie_insert(t, &p, lineno) < 0) {
		snprintf(err, errlen, "%s:%u: no-probe list too large (%zu trie nodes)", name,
		         lineno, ptrie_nodes_max(t));
		return -1;
	}
	return 0;
}

/* Load text[0..len) into t; returns the prefix count or -1 with err filled. */
int noprobe_load_text(struct ptrie *t, const char *text, size_t len,
                      const char *name, char *err, size_t errlen)
{
	int count = 0;
	unsigned lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p;
		lineno++;
		p = nl ? nl + 1 : end;
		trim_line(&s, &e);
		if (s == e)
			continue;
		if (load_line(t, s, (size_t)(e - s), name, lineno, err, errlen) < 0)
			return -1;
		if (count < 0x7fffffff)
			count++;
	}
	return count;
}

/* Read path (bounded) and load it; count or -1 with "path: problem". */
int noprobe_load_file(struct ptrie *t, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(NOPROBE_FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, NOPROBE_FILE_MAX + 1, f) : 0;
	int bad = ferror(f);
	fclose(f);
	int rc = -1;
	if (buf == NULL)
		snprintf(err, errlen, "%s: out of memory", path);
	else if (bad)
		snprintf(err, errlen, "%s: read error", path);
	else if (n > NOPROBE_FILE_MAX)
		snprintf(err, errlen, "%s: larger than %u bytes", path, NOPROBE_FILE_MAX);
	else
		rc = noprobe_load_text(t, buf, n, path, err, errlen);
	free(buf);
	return rc;
}
