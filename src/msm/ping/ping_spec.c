/*
 * ping_spec: the defaults of a ping's options.
 */
#include "msm/ping/ping.h"

#include <string.h>

/* The defaults. */
void ping_spec_default(struct ping_spec *s)
{
	memset(s, 0, sizeof *s);
	s->method = PING_METHOD_ICMP_ECHO;
	s->ttl = 64;
	s->count = 3;
	s->size = 48;
	s->dport = 0;
	s->interval_ms = 1000;
	s->timeout_ms = 1000;
}
