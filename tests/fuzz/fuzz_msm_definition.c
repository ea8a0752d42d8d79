/*
 * Fuzz target: RIPE Atlas measurement definitions (from the controller,
 * hostile) read by each measurement type's option parser. Whatever the
 * input, parsing ends with a spec within its bounds or an error message.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "msm/ping/ping.h"
#include "msm/trace/trace.h"

/* Check a parsed trace spec is within the bounds its parser promises. */
static void check_trace(const struct trace_spec *s)
{
	if (s->first_ttl == 0 || s->first_ttl > s->max_ttl || s->attempts == 0 ||
	    s->attempts > 16 || s->gap_limit == 0 || s->method > TRACE_METHOD_TCP_SYN ||
	    s->wait_ms == 0 || s->wait_ms > 60000 || s->dport == 0)
		abort();
}

/* Check a parsed ping spec likewise. */
static void check_ping(const struct ping_spec *s)
{
	if (s->count == 0 || s->count > 16 || s->ttl == 0 || s->method > PING_METHOD_TCP_ACK ||
	    s->interval_ms < 2 || s->timeout_ms == 0 || s->size > 2048)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *def = json_loadb((const char *)data, size, 0, NULL);
	char err[256];
	int af;
	if (def == NULL)
		return 0;
	struct ping_spec ps;
	struct trace_spec ts;
	if (ping_spec_from_atlas(def, &ps, &af, err, sizeof err) == 0) {
		check_ping(&ps);
		if (af != 4 && af != 6)
			abort();
	}
	if (trace_spec_from_atlas(def, &ts, &af, err, sizeof err) == 0) {
		check_trace(&ts);
		if (af != 4 && af != 6)
			abort();
	}
	json_decref(def);
	return 0;
}
