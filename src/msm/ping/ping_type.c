/*
 * ping_type: the ping type's operations table (registered in
 * msm/msm_registry.c).
 */
#include "msm/ping/ping.h"

/* Free a finished ping result given as void *. */
static void result_free(void *r)
{
	ping_result_free(r);
}

const struct msm_type ping_type = {
	.name = "ping",
	.spec_size = sizeof(struct ping_spec),
	.spec_from_atlas = ping_spec_from_atlas,
	.start = ping_start,
	.abort = ping_abort,
	.to_atlas = NULL,
	.result_free = result_free,
	.proto = ping_proto,
};
