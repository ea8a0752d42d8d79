/*
 * targets_text: reading a prefix list into a target set. Each line is a
 * pfx2as entry (three fields) or a CIDR / bare address (one field); the
 * line's shape decides, so RouteViews files, hand-written lists and a
 * mix of both read alike.
 */
#include "scan/targets.h"

#include <stdio.h>
#include <string.h>

#include "scan/pfx2as.h"

/* Parse one line into *p: 1 a prefix, 0 nothing on it, -1 bad (err). */
static int parse_line(const char *s, size_t n, struct net_prefix *p, char *err, size_t errlen)
{
	struct pfx2as_entry e;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t j = i;
	while (j < n && s[j] != ' ' && s[j] != '\t')
		j++;
	size_t k = j;
	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	if (i == n || s[i] == '#')
		return 0;
	if (k < n) { /* more than one field: pfx2as */
		int rc = pfx2as_parse_line(s, n, &e, err, errlen);
		*p = e.prefix;
		return rc;
	}
	char buf[PFX2AS_LINE_MAX];
	if (j - i >= sizeof buf) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	memcpy(buf, s + i, j - i);
	buf[j - i] = '\0';
	return net_prefix_parse(buf, p, err, errlen) ? 1 : -1;
}

long scan_targets_add_text(struct scan_targets *t, const char *text, size_t len,
			   const char *name, char *err, size_t errlen)
{
	size_t pos = 0;
	unsigned long line = 0;
	long count = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		line++;
		struct net_prefix p;
		char why[160];
		int rc = parse_line(text + pos, n, &p, why, sizeof why);
		if (rc < 0 || memchr(text + pos, '\0', n) != NULL) {
			snprintf(err, errlen, "%s line %lu: %s", name, line,
				 rc < 0 ? why : "NUL byte in line");
			return -1;
		}
		if (rc == 1) {
			if (scan_targets_add(t, &p, err, errlen) != 0)
				return -1;
			count++;
		}
		pos = end + 1;
	}
	return count;
}
