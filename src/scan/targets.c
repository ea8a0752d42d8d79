/*
 * targets: see targets.h. IPv4 targets are gathered in a 2 MB bitmap of all
 * 2^24 /24s, which deduplicates and sorts them for free; the address inside
 * each /24 is derived from the seed when asked for, never stored.
 */
#include "scan/targets.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V4_SLASH24S (1u << 24)
#define TARGETS_PURPOSE 0x74617267 /* "targ" */

int scan_targets_init(struct scan_targets *t, int family, uint64_t seed,
		      char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->family = family;
	t->key = keyhash_derive(seed, TARGETS_PURPOSE);
	if (family == AF_INET && (t->bitmap = calloc(V4_SLASH24S / 8, 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Append one IPv6 address. */
static int push6(struct scan_targets *t, const uint8_t a[16], char *err, size_t errlen)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		void *v = realloc(t->v6, cap * sizeof *t->v6);
		if (v == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->v6 = v;
		t->cap = cap;
	}
	memcpy(t->v6[t->n++], a, 16);
	return 0;
}

/* The ::1 of an IPv6 prefix and a keyed random address in it. */
static int add6(struct scan_targets *t, const struct net_prefix *p, char *err, size_t errlen)
{
	uint8_t one[16], rnd[16];
	memcpy(one, p->addr.a, 16);
	one[15] |= 1;
	uint64_t h[2] = { keyhash(&t->key, p->addr.a, 16), keyhash_u64(&t->key, p->len) };
	for (int i = 0; i < 16; i++) {
		uint8_t r = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
		unsigned keep = p->len > 8 * i ? p->len - 8 * i : 0; /* prefix bits here */
		uint8_t mask = keep >= 8 ? 0xff : (uint8_t)(0xff00 >> keep);
		rnd[i] = (uint8_t)((p->addr.a[i] & mask) | (r & ~mask));
	}
	return push6(t, one, err, errlen) != 0 || push6(t, rnd, err, errlen) != 0 ? -1 : 0;
}

int scan_targets_add(struct scan_targets *t, const struct net_prefix *p,
		     char *err, size_t errlen)
{
	if (p->addr.family != t->family) {
		t->other_family++;
		return 0;
	}
	if (t->family == AF_INET6) {
		if (p->len > SCAN_V6_MAX_LEN) {
			t->too_long++;
			return 0;
		}
		return add6(t, p, err, errlen);
	}
	uint32_t first = ((uint32_t)p->addr.a[0] << 16) | ((uint32_t)p->addr.a[1] << 8) |
			 p->addr.a[2];
	uint32_t count = p->len >= 24 ? 1 : 1u << (24 - p->len);
	for (uint32_t i = 0; i < count; i++)
		t->bitmap[(first + i) >> 3] |= (uint8_t)(1u << ((first + i) & 7));
	return 0;
}

/* Order of two IPv6 addresses. */
static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

int scan_targets_finish(struct scan_targets *t, char *err, size_t errlen)
{
	if (t->family == AF_INET6) {
		if (t->n > 1)
			qsort(t->v6, t->n, 16, cmp16);
		size_t k = 0;
		for (size_t i = 0; i < t->n; i++)
			if (k == 0 || memcmp(t->v6[k - 1], t->v6[i], 16) != 0)
				memmove(t->v6[k++], t->v6[i], 16);
		t->n = k;
		return 0;
	}
	size_t n = 0;
	for (uint32_t i = 0; i < V4_SLASH24S / 8; i++)
		n += (size_t)__builtin_popcount(t->bitmap[i]);
	free(t->v4);
	t->v4 = malloc((n ? n : 1) * sizeof *t->v4);
	if (t->v4 == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->n = 0;
	/* byte by byte, lowest bit first: ascending, and empty bytes cost one test */
	for (uint32_t byte = 0; byte < V4_SLASH24S / 8; byte++)
		for (unsigned b = t->bitmap[byte]; b; b &= b - 1)
			t->v4[t->n++] = byte * 8 + (uint32_t)__builtin_ctz(b);
	free(t->bitmap);
	t->bitmap = NULL;
	return 0;
}

/* The keyed host byte (1..254) of /24 number s. */
static uint8_t host_byte(const struct scan_targets *t, uint32_t s)
{
	return (uint8_t)(1 + keyhash_u64(&t->key, s) % 254);
}

void scan_targets_addr(const struct scan_targets *t, size_t i, struct net_addr *out)
{
	memset(out, 0, sizeof *out);
	out->family = (uint8_t)t->family;
	if (t->family == AF_INET6) {
		memcpy(out->a, t->v6[i], 16);
		return;
	}
	uint32_t s = t->v4[i];
	out->a[0] = (uint8_t)(s >> 16);
	out->a[1] = (uint8_t)(s >> 8);
	out->a[2] = (uint8_t)s;
	out->a[3] = host_byte(t, s);
}

long scan_targets_find(const struct scan_targets *t, const struct net_addr *a)
{
	if (a->family != t->family)
		return -1;
	size_t lo = 0, hi = t->n;
	if (t->family == AF_INET) {
		uint32_t s = ((uint32_t)a->a[0] << 16) | ((uint32_t)a->a[1] << 8) | a->a[2];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (t->v4[mid] < s)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < t->n && t->v4[lo] == s && a->a[3] == host_byte(t, s) ? (long)lo : -1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(t->v6[mid], a->a, 16) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && memcmp(t->v6[lo], a->a, 16) == 0 ? (long)lo : -1;
}

void scan_targets_free(struct scan_targets *t)
{
	free(t->v4);
	free(t->v6);
	free(t->bitmap);
	memset(t, 0, sizeof *t);
}
