/*
 * Fuzz target: the /keys/ body parser (src/api/api_key_body.c) with RIPE's
 * grants array (src/api/api_perm.c). The first byte picks PATCH (odd) or
 * POST/PUT (even); the rest is the body. Whatever it holds, the stored
 * state must stay within its bounds, its grant names must read back to the
 * parsed bits, and a window must never end before it starts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_key_body.h"
#include "api/api_perm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct store_key_grants g = { .enabled = 1 };
	unsigned granted;
	char err[256];
	if (api_key_body_parse((const char *)data + 1, size - 1, data[0] & 1, &g, &granted, err,
			       sizeof err) < 0)
		return 0;
	if (memchr(g.label, 0, sizeof g.label) == NULL || memchr(g.grants, 0, sizeof g.grants) == NULL)
		abort();
	if (api_key_grants_mask(&g) != granted || (granted & ~API_PERM_ALL))
		abort();
	if (g.valid_from && g.valid_to && g.valid_to <= g.valid_from)
		abort();
	return 0;
}
