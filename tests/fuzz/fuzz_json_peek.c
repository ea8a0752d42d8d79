/*
 * fuzz_json_peek: arbitrary bytes through json_peek_int (the agent's upload
 * reads msm_id of a spooled result with it): it must stay inside the bytes
 * on any input, and on jansson's compact printing of any object jansson reads
 * from them (what a SPOOL_OBJECT record holds) it must find exactly the
 * integer msm_id jansson finds.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_peek.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);    /* exact size: any overread is seen */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	int64_t v = 0;
	(void)json_peek_int(copy, size, "msm_id", &v);
	free(copy);
	json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	char *text = json_is_object(o) ? json_dumps(o, JSON_COMPACT) : NULL;
	if (text) {
		json_t *m = json_object_get(o, "msm_id");
		int found = json_peek_int(text, strlen(text), "msm_id", &v);
		if (found != json_is_integer(m) || (found && v != json_integer_value(m)))
			abort();
		free(text);
	}
	json_decref(o);
	return 0;
}
