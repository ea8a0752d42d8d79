/*
 * trace_type: the traceroute type's operations table (registered in
 * msm/msm_registry.c).
 */
#include "msm/trace/trace.h"

#include "format/atlas_json.h"
#include "format/result_sink.h"
#include "msm/trace/trace_result.h"

/* Free a finished trace result given as void *. */
static void result_free(void *r)
{
	trace_result_free(r);
}

/* The RIPE Atlas object of a finished result, as JSON text into out. */
static int atlas_line(struct wbuf *out, const void *r, const struct atlas_meta *m)
{
	return atlas_trace_line(out, r, m);
}

/* Write a finished result to a sink. */
static int sink_write(struct result_sink *s, const void *r, char *err, size_t errlen)
{
	return result_sink_trace(s, r, err, errlen);
}

/* The packet method name of a spec. */
static const char *method(const void *spec)
{
	return trace_method_name(((const struct trace_spec *)spec)->method);
}

const struct msm_type trace_type = {
	.name = "traceroute",
	.spec_size = sizeof(struct trace_spec),
	.spec_from_atlas = trace_spec_from_atlas,
	.start = trace_start,
	.abort = trace_abort,
	.atlas_line = atlas_line,
	.sink_write = sink_write,
	.result_free = result_free,
	.proto = trace_proto,
	.method = method,
};
