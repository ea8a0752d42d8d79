/*
 * Fuzz target: the prefix table `vantage prefixes load` reads
 * (src/team/prefix_table.c) over arbitrary text. It either fails with the
 * table empty and a reason naming a line (or the limit), or holds every
 * entry with counts that agree: a /24 count no larger than what its IPv4
 * prefixes can cover, two IPv6 targets at most per IPv6 prefix.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "team/prefix_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	char err[256];
	struct prefix_table t;
	memcpy(text, data, size);
	long n = prefix_table_parse(&t, text, size, err, sizeof err);
	if (n < 0) {
		if (t.n != 0 || t.e != NULL || (!strstr(err, "line ") && !strstr(err, "prefixes")))
			abort();
	} else {
		uint64_t cover = 0;
		for (size_t i = 0; i < t.n; i++) {
			const struct pfx2as_entry *e = &t.e[i];
			if (e->prefix.addr.family == AF_INET)
				cover += e->prefix.len >= 24 ? 1 : 1ull << (24 - e->prefix.len);
		}
		if ((size_t)n != t.n || t.v4_prefixes + t.v6_prefixes != t.n ||
		    t.slash24s > cover || t.v6_targets > 2 * t.v6_prefixes)
			abort();
	}
	prefix_table_free(&t);
	free(text);
	return 0;
}
