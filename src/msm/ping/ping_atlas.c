/*
 * ping_atlas: a ping spec from a RIPE Atlas ping definition: "packets"
 * (1..16), "size" (0..2048), "packet_interval" (ms), "af", plus vantage's
 * optional "protocol" (ICMP|UDP|TCP), "port", "ttl" and "timeout" (ms).
 */
#include <stdio.h>
#include <string.h>

#include "msm/msm_json.h"
#include "msm/ping/ping.h"

/* Map "protocol" to a method. */
static int method_of(const char *proto, uint8_t *m, char *err, size_t errlen)
{
	if (proto == NULL || strcmp(proto, "ICMP") == 0)
		*m = PING_METHOD_ICMP_ECHO;
	else if (strcmp(proto, "UDP") == 0)
		*m = PING_METHOD_UDP;
	else if (strcmp(proto, "TCP") == 0)
		*m = PING_METHOD_TCP_SYN;
	else {
		snprintf(err, errlen, "protocol: '%s' is not ICMP, UDP or TCP", proto);
		return -1;
	}
	return 0;
}

/* Fill spec from def. */
int ping_spec_from_atlas(const json_t *def, void *spec, int *af, char *err, size_t errlen)
{
	struct ping_spec *s = spec;
	const char *proto;
	long long packets = 3, size = 48, gap = 1000, port = 0, ttl = 64, timeout = 1000;
	ping_spec_default(s);
	if (msm_json_af(def, af, err, errlen) || msm_json_str(def, "protocol", &proto, err, errlen) ||
	    method_of(proto, &s->method, err, errlen) ||
	    msm_json_int(def, "packets", 1, 16, &packets, err, errlen) ||
	    msm_json_int(def, "size", 0, 2048, &size, err, errlen) ||
	    msm_json_int(def, "packet_interval", 2, 300000, &gap, err, errlen) ||
	    msm_json_int(def, "port", 1, 65535, &port, err, errlen) ||
	    msm_json_int(def, "ttl", 1, 255, &ttl, err, errlen) ||
	    msm_json_int(def, "timeout", 1, 60000, &timeout, err, errlen))
		return -1;
	s->count = (uint16_t)packets;
	s->size = (uint16_t)size;
	s->interval_ms = (uint32_t)gap;
	s->dport = (uint16_t)(port ? port : (s->method == PING_METHOD_UDP ? 33434 : 80));
	if (s->method == PING_METHOD_ICMP_ECHO)
		s->dport = 0;
	s->ttl = (uint8_t)ttl;
	s->timeout_ms = (uint32_t)timeout;
	return 0;
}
