/*
 * fuzz_atlas_read: the RIPE Atlas JSON reader (src/format/atlas_read) on
 * arbitrary bytes. Whatever it accepts must encode again in every format
 * without reading outside the result's arrays; what it refuses must come
 * with a reason and leave nothing allocated.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/atlas_read.h"
#include "fuzz_format_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = json_loadb((const char *)data, size, 0, NULL);
	if (o == NULL)
		return 0;
	char err[256] = "";
	struct atlas_any any;
	if (atlas_read(o, &any, err, sizeof err) == 0) {
		fuzz_encode_all(any.ping, any.trace, NULL);
	} else if (err[0] == '\0' || any.ping || any.trace) {
		abort(); /* a refusal must say why and keep nothing */
	}
	ping_result_free(any.ping);
	trace_result_free(any.trace);
	json_decref(o);
	return 0;
}
