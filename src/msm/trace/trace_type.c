/*
 * trace_type: the traceroute type's operations table (registered in
 * msm/msm_registry.c).
 */
#include "msm/trace/trace.h"

/* Free a finished trace result given as void *. */
static void result_free(void *r)
{
	trace_result_free(r);
}

const struct msm_type trace_type = {
	.name = "traceroute",
	.spec_size = sizeof(struct trace_spec),
	.spec_from_atlas = trace_spec_from_atlas,
	.start = trace_start,
	.abort = trace_abort,
	.to_atlas = NULL,
	.result_free = result_free,
	.proto = trace_proto,
};
