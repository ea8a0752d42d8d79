/*
 * ping_type: the ping type's operations table (registered in
 * msm/msm_registry.c).
 */
#include "msm/ping/ping.h"

#include "format/atlas_json.h"
#include "format/result_sink.h"
#include "msm/ping/ping_result.h"

/* Free a finished ping result given as void *. */
static void result_free(void *r)
{
	ping_result_free(r);
}

/* The RIPE Atlas object of a finished result, as JSON text into out. */
static int atlas_line(struct wbuf *out, const void *r, const struct atlas_meta *m)
{
	return atlas_ping_line(out, r, m);
}

/* Write a finished result to a sink. */
static int sink_write(struct result_sink *s, const void *r, char *err, size_t errlen)
{
	return result_sink_ping(s, r, err, errlen);
}

/* The packet method name of a spec. */
static const char *method(const void *spec)
{
	return ping_method_name(((const struct ping_spec *)spec)->method);
}

const struct msm_type ping_type = {
	.name = "ping",
	.spec_size = sizeof(struct ping_spec),
	.spec_from_atlas = ping_spec_from_atlas,
	.start = ping_start,
	.abort = ping_abort,
	.atlas_line = atlas_line,
	.sink_write = sink_write,
	.result_free = result_free,
	.proto = ping_proto,
	.method = method,
};
