/*
 * stream_result: a stored result as the RIPE Atlas API gives it, the same
 * object in /api/v2/measurements/N/results/ and in the stream's
 * atlas_result: the body as the agent sent it, with "prb_id" set to the
 * agent's id (the controller's word: agents send 0) and "msm_id" added when
 * the body lacks it.
 */
#ifndef VANTAGE_STREAM_STREAM_RESULT_H
#define VANTAGE_STREAM_STREAM_RESULT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The result object of body (len bytes of JSON); new reference, or NULL if body is no object. */
json_t *stream_result_object(const char *body, size_t len, int64_t prb_id, int64_t msm_id);

#endif
