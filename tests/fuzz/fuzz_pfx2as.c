/*
 * Fuzz target: the prefix-to-AS reader (src/scan/pfx2as.c) and the scan's
 * prefix-list reader over arbitrary text. Every entry it gives must be a
 * valid prefix (length within its family, no host bits); an error must
 * name its line; the target set it fills stays within the IPv4 space.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/pfx2as.h"
#include "scan/targets.h"

static int check(const struct pfx2as_entry *e, void *ctx)
{
	(void)ctx;
	unsigned max = e->prefix.addr.family == AF_INET ? 32 : 128;
	if ((e->prefix.addr.family != AF_INET && e->prefix.addr.family != AF_INET6) ||
	    e->prefix.len > max || !net_prefix_contains(&e->prefix, &e->prefix.addr))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	char err[256];
	memcpy(text, data, size);
	if (pfx2as_parse(text, size, check, NULL, err, sizeof err) < 0 &&
	    strncmp(err, "line ", 5) != 0)
		abort();
	/* the list reader, IPv6 (IPv4 would sweep a 2 MB bitmap every run) */
	struct scan_targets t;
	if (scan_targets_init(&t, AF_INET6, 1, err, sizeof err) == 0) {
		if (scan_targets_add_text(&t, text, size, "f", err, sizeof err) < 0 &&
		    strncmp(err, "f line ", 7) != 0)
			abort();
		if (scan_targets_finish(&t, err, sizeof err) == 0 && t.n > 2 * size)
			abort();
		scan_targets_free(&t);
	}
	free(text);
	return 0;
}
