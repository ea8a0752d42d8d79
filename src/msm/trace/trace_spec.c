/*
 * trace_spec: the defaults of a traceroute's options.
 */
#include "msm/trace/trace.h"

#include <string.h>

/* The defaults. */
void trace_spec_default(struct trace_spec *s)
{
	memset(s, 0, sizeof *s);
	s->method = TRACE_METHOD_UDP_PARIS;
	s->first_ttl = 1;
	s->max_ttl = 32;
	s->attempts = 3;
	s->gap_limit = 5;
	s->size = 48;
	s->dport = 33435;
	s->paris_id = 1;
	s->wait_ms = 1000;
}
