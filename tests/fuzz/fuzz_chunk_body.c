/*
 * fuzz_chunk_body: arbitrary JSON as the body of a CHUNK from the
 * controller, read by the agent (src/proto/chunk_body.c): either an error
 * with a reason or a body whose fields hold what chunk_body.h promises.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "proto/chunk_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	struct chunk_body cb;
	char err[256] = "";
	if (body == NULL)
		return 0;
	if (chunk_body_parse(body, &cb, err, sizeof err) < 0) {
		if (err[0] == '\0')
			abort();
	} else if (cb.team < 0 || cb.cycle < 0 || cb.chunk < 0 || cb.pps > CHUNK_PPS_MAX ||
		   !json_is_object(cb.def) || !json_is_array(cb.targets) ||
		   json_array_size(cb.targets) > CHUNK_TARGETS_MAX) {
		abort();
	}
	json_decref(body);
	return 0;
}
