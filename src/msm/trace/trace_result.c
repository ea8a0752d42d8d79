/*
 * trace_result: freeing a finished trace and naming its methods and stop
 * reasons.
 */
#include "msm/trace/trace_result.h"

#include <stdlib.h>

/* Free a result and what it owns. */
void trace_result_free(struct trace_result *res)
{
	if (res == NULL)
		return;
	free(res->dst_name);
	free(res->probes);
	free(res->mpls);
	free(res);
}

/* The command-line name of a trace method, or "?". */
const char *trace_method_name(unsigned method)
{
	static const char *const names[] = { "udp", "udp-paris", "icmp",
					     "icmp-paris", "tcp-ack", "tcp-syn" };
	return method < sizeof names / sizeof names[0] ? names[method] : "?";
}

/* The name of a stop reason, or "?". */
const char *trace_stop_name(unsigned reason)
{
	static const char *const names[] = { "none", "completed", "unreach",
					     "gaplimit", "loop", "hoplimit",
					     "refused", "error" };
	return reason < sizeof names / sizeof names[0] ? names[reason] : "?";
}
