/*
 * atlas_trace: a finished trace as a RIPE Atlas "traceroute" result object:
 * one element of result[] per TTL probed, each with one entry per probe sent
 * at that TTL (the reply, or {"x":"*"}) and one per duplicate reply.
 */
#include "format/atlas_json.h"
#include "format/fmt_common.h"

#include <sys/socket.h>

/* RIPE's "proto" of a trace method. */
static const char *atlas_trace_proto(uint8_t method)
{
	switch (method) {
	case TRACE_METHOD_UDP:
	case TRACE_METHOD_UDP_PARIS: return "UDP";
	case TRACE_METHOD_TCP_ACK:
	case TRACE_METHOD_TCP_SYN: return "TCP";
	default: return "ICMP";
	}
}

/* The TCP flags byte as RIPE's letters ("SA", "R", ...) into buf. */
static const char *atlas_tcp_flags(uint8_t f, char *buf)
{
	static const char letters[] = "FSRPAUEC";
	size_t n = 0;
	for (int i = 0; i < 8; i++)
		if (f & (1u << i))
			buf[n++] = letters[i];
	buf[n] = '\0';
	return buf;
}

/* The RIPE "icmpext" object of the MPLS labels of probe p; NULL on error. */
static json_t *atlas_icmpext(const struct trace_result *r, const struct trace_probe *p)
{
	json_t *mpls = json_array();
	if (mpls == NULL)
		return NULL;
	for (unsigned i = 0; i < p->mpls_n; i++) {
		if ((size_t)p->mpls_off + i >= r->n_mpls)
			break;
		msm_mpls_t e = r->mpls[p->mpls_off + i];
		json_array_append_new(mpls, json_pack("{s:I,s:i,s:i,s:i}",
			"label", (json_int_t)msm_mpls_label(e), "exp", (int)msm_mpls_exp(e),
			"s", (int)msm_mpls_s(e), "ttl", (int)msm_mpls_ttl(e)));
	}
	return json_pack("{s:i,s:[{s:i,s:i,s:o}]}", "version", 2, "obj",
			 "class", 1, "type", 1, "mpls", mpls);
}

/* The error/extension fields of an answered probe's entry. */
static int atlas_hop_extras(json_t *e, const struct trace_result *r,
			    const struct trace_probe *p)
{
	int rc = 0;
	char flags[9];
	if (p->flags & MSM_REPLY_TCP) {
		rc |= atlas_set(e, "flags", json_string(atlas_tcp_flags(p->icmp_type, flags)));
	} else if (!(p->flags & MSM_REPLY_UDP)) {
		const char *err = atlas_unreach_err(r->af, p->icmp_type, p->icmp_code,
						    fmt_addr_equal(&p->from, &r->dst));
		if (err && *err)
			rc |= atlas_set(e, "err", json_string(err));
		else if (err)
			rc |= atlas_set(e, "err", json_integer(p->icmp_code));
	}
	if (p->quoted_ttl > 1)
		rc |= atlas_set(e, "ittl", json_integer(p->quoted_ttl));
	if (p->mpls_n)
		rc |= atlas_set(e, "icmpext", atlas_icmpext(r, p));
	if (p->flags & MSM_REPLY_DUP)
		rc |= atlas_set(e, "dup", json_true());
	if (p->flags & MSM_REPLY_LATE)
		rc |= atlas_set(e, "late", json_integer(1));
	return rc;
}

/* One entry of a hop's result[]: the reply to p, or {"x":"*"}. */
static json_t *atlas_hop_entry(const struct trace_result *r, const struct trace_probe *p)
{
	if (!(p->flags & MSM_REPLY_GOT))
		return json_pack("{s:s}", "x", "*");
	json_t *e = json_object();
	if (e == NULL)
		return NULL;
	char buf[FMT_ADDR_LEN];
	int rc = atlas_set(e, "from", json_string(fmt_addr(r->af, &p->from, buf, sizeof buf)));
	rc |= atlas_set(e, "rtt", json_real(fmt_ns_to_ms(p->rtt_ns)));
	rc |= atlas_set(e, "size", json_integer(p->reply_size));
	rc |= atlas_set(e, "ttl", json_integer(p->reply_ttl));
	rc |= atlas_hop_extras(e, r, p);
	if (rc) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/* The result[] element of one TTL: {"hop": ttl, "result": [...]}. */
static json_t *atlas_hop(const struct trace_result *r, unsigned ttl)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	int rc = 0;
	for (uint16_t i = 0; i < r->n_probes; i++)
		if (r->probes[i].ttl == ttl)
			rc |= json_array_append_new(arr, atlas_hop_entry(r, &r->probes[i]));
	if (rc) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:i,s:o}", "hop", (int)ttl, "result", arr);
}

json_t *atlas_trace_json(const struct trace_result *r, const struct atlas_meta *m)
{
	json_t *o = json_object(), *arr = json_array();
	if (o == NULL || arr == NULL)
		return atlas_finish(o, arr, -1);
	int rc = atlas_common_fields(o, "traceroute", r->af, &r->dst, &r->src,
				     r->dst_name, &r->start, &r->end, m);
	rc |= atlas_set(o, "proto", json_string(atlas_trace_proto(r->method)));
	rc |= atlas_set(o, "size", json_integer(r->size));
	rc |= atlas_set(o, "paris_id", json_integer(r->paris_id));
	rc |= atlas_set(o, "stop_reason", json_string(trace_stop_name(r->stop_reason)));
	rc |= atlas_set(o, "ts_source", json_string(atlas_ts_source_name(r->ts_source)));
	for (unsigned ttl = r->first_ttl; ttl <= r->probe_ttl_max && rc == 0; ttl++)
		rc |= json_array_append_new(arr, atlas_hop(r, ttl));
	return atlas_finish(o, arr, rc);
}
