/*
 * dnsname: vantage-point names by a convention, and reverse names (see
 * dnsname.h). A convention is read left to right: literal host-name letters
 * and dots, or a {field}; the expanded name is checked label by label
 * (1 to 63 characters, no hyphen at either end) and as a whole (253).
 */
#include "controller/dnsname.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define FIELD_MAX 256     /* longer values make a label over 63: refused */

/* A growing name: text, its length and whether it has overflowed. */
struct namebuf {
	char *out;
	size_t len, n;
	int over;
};

static void put(struct namebuf *b, char ch)
{
	if (b->n + 1 >= b->len) {
		b->over = 1;
		return;
	}
	b->out[b->n++] = ch;
	b->out[b->n] = 0;
}

/* True for the letters a convention may hold outside fields. */
static int literal_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
}

/* The length of the field name at s (after '{'), or 0 if there is no '}'. */
static size_t field_len(const char *s)
{
	const char *end = strchr(s, '}');
	return end ? (size_t)(end - s) : 0;
}

/* The text of field name (n bytes) of p into val; 1 known, 0 unknown, -1 no such field. */
static int field_value(const char *name, size_t n, const struct dnsname_probe *p, char *val,
		       size_t len)
{
	const char *s = NULL;
	val[0] = 0;
	if (n == 2 && memcmp(name, "id", 2) == 0)
		snprintf(val, len, "%lld", (long long)p->id);
	else if (n == 3 && memcmp(name, "asn", 3) == 0 && p->asn > 0)
		snprintf(val, len, "as%lld", (long long)p->asn);
	else if (n == 4 && memcmp(name, "role", 4) == 0)
		s = p->role;
	else if (n == 7 && memcmp(name, "country", 7) == 0)
		s = p->country;
	else if (n == 3 && memcmp(name, "org", 3) == 0)
		s = p->org;
	else if (!(n == 3 && memcmp(name, "asn", 3) == 0))
		return -1;
	if (s)
		snprintf(val, len, "%s", s);
	return val[0] != 0;
}

/* Put a field value folded into host-name letters: lower case, every run of
   other characters one '-', none at either end. */
static void put_folded(struct namebuf *b, const char *val)
{
	int dash = 0, any = 0;
	for (const unsigned char *s = (const unsigned char *)val; *s; s++) {
		if (isalnum(*s) && *s < 128) {
			if (dash && any)
				put(b, '-');
			put(b, (char)tolower(*s));
			dash = 0;
			any = 1;
		} else {
			dash = 1;
		}
	}
}

/* Check the labels of name: 0, or -1 with err. */
static int check_labels(const char *name, const char *what, char *err, size_t errlen)
{
	size_t n = strlen(name);
	if (n == 0 || n > 253) {
		snprintf(err, errlen, "%s '%.80s' is %s", what, name, n ? "over 253 characters" : "empty");
		return -1;
	}
	for (const char *l = name; *l;) {
		const char *dot = strchr(l, '.');
		size_t ln = dot ? (size_t)(dot - l) : strlen(l);
		if (ln == 0 || ln > 63 || l[0] == '-' || l[ln - 1] == '-') {
			snprintf(err, errlen, "%s '%.80s' has a label that is %s", what, name,
				 ln == 0 ? "empty" : ln > 63 ? "over 63 characters" :
				 "starting or ending with '-'");
			return -1;
		}
		l += ln + (dot ? 1 : 0);
		if (dot && !*l) {
			snprintf(err, errlen, "%s '%.80s' ends with a dot", what, name);
			return -1;
		}
	}
	return 0;
}

/* Expand conv for p into b; 0, or -1 with err. p NULL only checks the syntax. */
static int expand(const char *conv, const struct dnsname_probe *p, struct namebuf *b,
		  char *err, size_t errlen)
{
	static const struct dnsname_probe sample = { 1, "probe", "nl", 3333, "org" };
	for (const char *s = conv; *s;) {
		if (*s != '{') {
			if (!literal_ok(*s)) {
				snprintf(err, errlen, "naming convention '%.80s': '%c' is not allowed"
					 " (a-z, 0-9, '-', '.' and {fields})", conv,
					 isprint((unsigned char)*s) ? *s : '?');
				return -1;
			}
			put(b, *s++);
			continue;
		}
		size_t n = field_len(s + 1);
		char val[FIELD_MAX];
		int known = n ? field_value(s + 1, n, p ? p : &sample, val, sizeof val) : -1;
		if (known < 0) {
			snprintf(err, errlen, "naming convention '%.80s': unknown field at '%.20s'"
				 " (fields: {id} {role} {country} {asn} {org})", conv, s);
			return -1;
		}
		if (!known) {
			snprintf(err, errlen, "probe %lld has no %.*s for the name", (long long)p->id,
				 (int)n, s + 1);
			return -1;
		}
		put_folded(b, val);
		s += n + 2;
	}
	return 0;
}

/* See dnsname.h. */
int dnsname_check_convention(const char *conv, char *err, size_t errlen)
{
	char out[DNSNAME_MAX];
	struct namebuf b = { out, sizeof out, 0, 0 };
	out[0] = 0;
	if (expand(conv, NULL, &b, err, errlen) < 0)
		return -1;
	if (b.over) {
		snprintf(err, errlen, "naming convention '%.80s' is too long", conv);
		return -1;
	}
	return check_labels(out, "naming convention", err, errlen);
}

/* See dnsname.h. */
int dnsname_check_zone(const char *zone, char *err, size_t errlen)
{
	char z[DNSNAME_MAX];
	size_t n = strlen(zone);
	if (n > 0 && zone[n - 1] == '.')
		n--;
	if (n >= sizeof z) {
		snprintf(err, errlen, "zone '%.80s' is over 253 characters", zone);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!literal_ok(zone[i])) {
			snprintf(err, errlen, "zone '%.80s': '%c' is not allowed (a-z, 0-9, '-', '.')",
				 zone, isprint((unsigned char)zone[i]) ? zone[i] : '?');
			return -1;
		}
	memcpy(z, zone, n);
	z[n] = 0;
	return check_labels(z, "zone", err, errlen);
}

/* See dnsname.h. */
int dnsname_make(const char *conv, const char *zone, const struct dnsname_probe *p,
		 char *out, size_t len, char *err, size_t errlen)
{
	struct namebuf b = { out, len, 0, 0 };
	if (len == 0 || dnsname_check_zone(zone, err, errlen) < 0)
		return -1;
	out[0] = 0;
	if (expand(conv, p, &b, err, errlen) < 0)
		return -1;
	put(&b, '.');
	for (const char *z = zone; *z && !(z[0] == '.' && !z[1]); z++)
		put(&b, *z);
	if (b.over) {
		snprintf(err, errlen, "the name of probe %lld is over %zu characters",
			 (long long)p->id, len - 1);
		return -1;
	}
	return check_labels(out, "name", err, errlen);
}

/* See dnsname.h. */
int dnsname_ptr(const char *addr, char *out, size_t len)
{
	unsigned char a[16];
	if (len < DNSNAME_PTR_MAX)
		return -1;
	if (inet_pton(AF_INET, addr, a) == 1) {
		snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, a) != 1)
		return -1;
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (int i = 15; i >= 0; i--) {
		out[n++] = hex[a[i] & 15];
		out[n++] = '.';
		out[n++] = hex[a[i] >> 4];
		out[n++] = '.';
	}
	snprintf(out + n, len - n, "ip6.arpa");
	return 0;
}
