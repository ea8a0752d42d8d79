/*
 * stream_result: the API's form of a stored result (see stream_result.h),
 * shared by the REST API's results and the live stream so both give the
 * same objects.
 */
#include "stream/stream_result.h"

/* See stream_result.h. */
json_t *stream_result_object(const char *body, size_t len, int64_t prb_id, int64_t msm_id)
{
	json_error_t jerr;
	json_t *r = body ? json_loadb(body, len, 0, &jerr) : NULL;
	if (!json_is_object(r)) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "prb_id", json_integer(prb_id));
	if (!json_object_get(r, "msm_id"))
		json_object_set_new(r, "msm_id", json_integer(msm_id));
	return r;
}
