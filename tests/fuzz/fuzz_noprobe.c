/*
 * Fuzz target: the no-probe list loader and prefix parser (src/policy):
 * arbitrary text is loaded into a small trie (so the node budget is hit too);
 * whatever was inserted must then be found by lookup of its own address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/noprobe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptrie *t = ptrie_new(2048);
	char *text = malloc(size ? size : 1);
	char err[256];
	memcpy(text, data, size);
	int n = noprobe_load_text(t, text, size, "fuzz", err, sizeof err);
	if (n < 0 && strncmp(err, "fuzz:", 5) != 0)
		abort();
	if (n >= 0 && ptrie_count(t) > (size_t)n)
		abort();
	struct net_prefix p;
	char line[NOPROBE_LINE_MAX + 1];
	size_t l = size < NOPROBE_LINE_MAX ? size : NOPROBE_LINE_MAX;
	memcpy(line, data, l);
	line[l] = '\0';
	if (net_prefix_parse(line, &p, err, sizeof err) && ptrie_insert(t, &p, 1) == 0 &&
	    !ptrie_lookup(t, &p.addr, NULL, NULL))
		abort();
	free(text);
	ptrie_free(t);
	return 0;
}
