/*
 * trace_atlas: a trace spec from a RIPE Atlas traceroute definition:
 * "protocol" (ICMP|UDP|TCP), "paris" (0 = classic, 1..64 = Paris flow id),
 * "first_hop", "max_hops", "packets" (per hop), "size", "port",
 * "timeout" (ms), "gap_limit", and vantage's "tcp_flags" ("SYN" or "ACK").
 */
#include <stdio.h>
#include <string.h>

#include "msm/msm_json.h"
#include "msm/trace/trace.h"

/* The method for a protocol and paris value. */
static int method_of(const char *proto, long long paris, const char *tcpf,
		     uint8_t *m, char *err, size_t errlen)
{
	if (proto == NULL || strcmp(proto, "UDP") == 0)
		*m = paris ? TRACE_METHOD_UDP_PARIS : TRACE_METHOD_UDP;
	else if (strcmp(proto, "ICMP") == 0)
		*m = paris ? TRACE_METHOD_ICMP_PARIS : TRACE_METHOD_ICMP;
	else if (strcmp(proto, "TCP") == 0)
		*m = (tcpf && strcmp(tcpf, "ACK") == 0) ? TRACE_METHOD_TCP_ACK
							 : TRACE_METHOD_TCP_SYN;
	else {
		snprintf(err, errlen, "protocol: '%s' is not ICMP, UDP or TCP", proto);
		return -1;
	}
	if (tcpf && strcmp(tcpf, "SYN") != 0 && strcmp(tcpf, "ACK") != 0) {
		snprintf(err, errlen, "tcp_flags: '%s' is not SYN or ACK", tcpf);
		return -1;
	}
	return 0;
}

/* Fill spec from def. */
int trace_spec_from_atlas(const json_t *def, void *spec, int *af, char *err, size_t errlen)
{
	struct trace_spec *s = spec;
	const char *proto, *tcpf;
	long long paris = 16, first = 1, max = 32, packets = 3, size = 48, port = 0;
	long long timeout = 4000, gap = 5;
	trace_spec_default(s);
	if (msm_json_af(def, af, err, errlen) ||
	    msm_json_str(def, "protocol", &proto, err, errlen) ||
	    msm_json_str(def, "tcp_flags", &tcpf, err, errlen) ||
	    msm_json_int(def, "paris", 0, 64, &paris, err, errlen) ||
	    msm_json_int(def, "first_hop", 1, 255, &first, err, errlen) ||
	    msm_json_int(def, "max_hops", 1, 255, &max, err, errlen) ||
	    msm_json_int(def, "packets", 1, 16, &packets, err, errlen) ||
	    msm_json_int(def, "size", 0, 2048, &size, err, errlen) ||
	    msm_json_int(def, "port", 1, 65535, &port, err, errlen) ||
	    msm_json_int(def, "timeout", 1, 60000, &timeout, err, errlen) ||
	    msm_json_int(def, "gap_limit", 1, 255, &gap, err, errlen) ||
	    method_of(proto, paris, tcpf, &s->method, err, errlen))
		return -1;
	if (first > max) {
		snprintf(err, errlen, "first_hop: %lld is above max_hops %lld", first, max);
		return -1;
	}
	s->first_ttl = (uint8_t)first;
	s->max_ttl = (uint8_t)max;
	s->attempts = (uint8_t)packets;
	s->size = (uint16_t)size;
	s->paris_id = (uint16_t)(paris ? paris : 0);
	s->wait_ms = (uint32_t)timeout;
	s->gap_limit = (uint8_t)gap;
	bool tcp = s->method == TRACE_METHOD_TCP_ACK || s->method == TRACE_METHOD_TCP_SYN;
	s->dport = (uint16_t)(port ? port : tcp ? 80 : 33435);
	return 0;
}
