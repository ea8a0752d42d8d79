/*
 * pfx2as: see pfx2as.h. A line is split on tabs (spaces are accepted too:
 * hand-written files use them); each field is copied into a bounded buffer
 * before the address and number parsers see it.
 */
#include "scan/pfx2as.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"

#define FIELD_MAX 64

/* Copy the next whitespace-delimited field of s[*pos..len) into f. */
static bool next_field(const char *s, size_t len, size_t *pos, char *f)
{
	size_t i = *pos;
	while (i < len && (s[i] == '\t' || s[i] == ' '))
		i++;
	size_t start = i;
	while (i < len && s[i] != '\t' && s[i] != ' ')
		i++;
	if (i == start || i - start >= FIELD_MAX)
		return false;
	memcpy(f, s + start, i - start);
	f[i - start] = '\0';
	*pos = i;
	return true;
}

/* The first AS of "N", "N_M..." or "N,M...". */
static bool parse_asn(char *f, uint32_t *asn)
{
	f[strcspn(f, "_,")] = '\0';
	long long v;
	char why[64];
	if (f[0] < '0' || f[0] > '9' || !parse_bounded(f, 0, UINT32_MAX, &v, why, sizeof why))
		return false;
	*asn = (uint32_t)v;
	return true;
}

int pfx2as_parse_line(const char *text, size_t len, struct pfx2as_entry *out,
		      char *err, size_t errlen)
{
	char addr[FIELD_MAX], plen[FIELD_MAX], asn[FIELD_MAX], extra[FIELD_MAX];
	char cidr[2 * FIELD_MAX + 2];
	size_t pos = 0;
	while (pos < len && (text[pos] == ' ' || text[pos] == '\t'))
		pos++;
	if (pos == len || text[pos] == '#')
		return 0;
	if (len > PFX2AS_LINE_MAX) {
		snprintf(err, errlen, "line longer than %d bytes", PFX2AS_LINE_MAX);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL || !next_field(text, len, &pos, addr) ||
	    !next_field(text, len, &pos, plen) || !next_field(text, len, &pos, asn) ||
	    next_field(text, len, &pos, extra)) {
		snprintf(err, errlen, "expected prefix<TAB>length<TAB>ASN");
		return -1;
	}
	if (plen[0] < '0' || plen[0] > '9') {
		snprintf(err, errlen, "bad prefix length '%s'", plen);
		return -1;
	}
	snprintf(cidr, sizeof cidr, "%s/%s", addr, plen);
	if (!net_prefix_parse(cidr, &out->prefix, err, errlen))
		return -1;
	if (!parse_asn(asn, &out->asn)) {
		snprintf(err, errlen, "bad ASN '%s'", asn);
		return -1;
	}
	return 1;
}

int pfx2as_parse(const char *text, size_t len, pfx2as_fn fn, void *ctx,
		 char *err, size_t errlen)
{
	size_t pos = 0;
	unsigned long line = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		line++;
		struct pfx2as_entry e;
		char why[160];
		int rc = pfx2as_parse_line(text + pos, n, &e, why, sizeof why);
		if (rc < 0) {
			snprintf(err, errlen, "line %lu: %s", line, why);
			return -1;
		}
		if (rc == 1 && (rc = fn(&e, ctx)) != 0)
			return rc;
		pos = end + 1;
	}
	return 0;
}
