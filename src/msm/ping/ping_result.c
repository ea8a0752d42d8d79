/*
 * ping_result: freeing a finished ping and naming its methods.
 */
#include "msm/ping/ping_result.h"

#include <stdlib.h>

/* Free a result and what it owns. */
void ping_result_free(struct ping_result *res)
{
	if (res == NULL)
		return;
	free(res->dst_name);
	free(res->replies);
	free(res);
}

/* The command-line name of a ping method, or "?". */
const char *ping_method_name(unsigned method)
{
	static const char *const names[] = { "icmp-echo", "udp", "tcp-syn", "tcp-ack" };
	return method < sizeof names / sizeof names[0] ? names[method] : "?";
}
