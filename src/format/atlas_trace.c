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

/* Write key with a small integer value. */
static void atlas_kv(struct jstream *j, const char *key, long long v)
{
	js_key(j, key);
	js_int(j, v);
}

/* The RIPE "icmpext" object of the MPLS labels of probe p. */
static void atlas_icmpext(struct jstream *j, const struct trace_result *r,
			  const struct trace_probe *p)
{
	js_key(j, "icmpext");
	js_obj(j);
	atlas_kv(j, "version", 2);
	js_key(j, "obj");
	js_arr(j);
	js_obj(j);
	atlas_kv(j, "class", 1);
	atlas_kv(j, "type", 1);
	js_key(j, "mpls");
	js_arr(j);
	for (unsigned i = 0; i < p->mpls_n && (size_t)p->mpls_off + i < r->n_mpls; i++) {
		msm_mpls_t e = r->mpls[p->mpls_off + i];
		js_obj(j);
		atlas_kv(j, "label", msm_mpls_label(e));
		atlas_kv(j, "exp", msm_mpls_exp(e));
		atlas_kv(j, "s", msm_mpls_s(e));
		atlas_kv(j, "ttl", msm_mpls_ttl(e));
		js_obj_end(j);
	}
	js_arr_end(j);
	js_obj_end(j);
	js_arr_end(j);
	js_obj_end(j);
}

/* The error, flag and extension fields of an answered probe's entry. */
static void atlas_hop_extras(struct jstream *j, const struct trace_result *r,
			     const struct trace_probe *p)
{
	char flags[9];
	if (p->flags & MSM_REPLY_TCP) {
		js_key(j, "flags");
		js_str(j, atlas_tcp_flags(p->icmp_type, flags));
	} else if (!(p->flags & MSM_REPLY_UDP)) {
		const char *err = atlas_unreach_err(r->af, p->icmp_type, p->icmp_code,
						    fmt_addr_equal(&p->from, &r->dst));
		if (err && *err) {
			js_key(j, "err");
			js_str(j, err);
		} else if (err) {
			atlas_kv(j, "err", p->icmp_code);
		}
	}
	if (p->quoted_ttl > 1)
		atlas_kv(j, "ittl", p->quoted_ttl);
	if (p->mpls_n)
		atlas_icmpext(j, r, p);
	if (p->flags & MSM_REPLY_DUP) {
		js_key(j, "dup");
		js_bool(j, true);
	}
	if (p->flags & MSM_REPLY_LATE)
		atlas_kv(j, "late", 1);
}

/* One entry of a hop's result[]: the reply to p, or {"x":"*"}. */
static void atlas_hop_entry(struct jstream *j, const struct trace_result *r,
			    const struct trace_probe *p)
{
	js_obj(j);
	if (!(p->flags & MSM_REPLY_GOT)) {
		js_key(j, "x");
		js_str(j, "*");
		js_obj_end(j);
		return;
	}
	atlas_addr_field(j, "from", r->af, &p->from);
	js_key(j, "rtt");
	js_ms(j, p->rtt_ns);
	atlas_kv(j, "size", p->reply_size);
	atlas_kv(j, "ttl", p->reply_ttl);
	atlas_hop_extras(j, r, p);
	js_obj_end(j);
}

/* The result[] element of one TTL: {"hop": ttl, "result": [...]}. */
static void atlas_hop(struct jstream *j, const struct trace_result *r, unsigned ttl)
{
	js_obj(j);
	atlas_kv(j, "hop", ttl);
	js_key(j, "result");
	js_arr(j);
	for (uint16_t i = 0; i < r->n_probes; i++)
		if (r->probes[i].ttl == ttl)
			atlas_hop_entry(j, r, &r->probes[i]);
	js_arr_end(j);
	js_obj_end(j);
}

int atlas_trace_line(struct wbuf *out, const struct trace_result *r,
		     const struct atlas_meta *m)
{
	struct jstream j;
	js_init(&j, out);
	js_obj(&j);
	atlas_common_fields(&j, "traceroute", r->af, &r->dst, &r->src, r->dst_name,
			    &r->start, &r->end, m);
	js_key(&j, "proto");
	js_str(&j, atlas_trace_proto(r->method));
	atlas_kv(&j, "size", r->size);
	atlas_kv(&j, "paris_id", r->paris_id);
	js_key(&j, "stop_reason");
	js_str(&j, trace_stop_name(r->stop_reason));
	js_key(&j, "ts_source");
	js_str(&j, atlas_ts_source_name(r->ts_source));
	js_key(&j, "result");
	js_arr(&j);
	for (unsigned ttl = r->first_ttl; ttl <= r->probe_ttl_max; ttl++)
		atlas_hop(&j, r, ttl);
	js_arr_end(&j);
	js_obj_end(&j);
	return wbuf_ok(out) ? 0 : -1;
}

json_t *atlas_trace_json(const struct trace_result *r, const struct atlas_meta *m)
{
	struct wbuf b;
	wbuf_init(&b);
	json_t *o = atlas_trace_line(&b, r, m) == 0 ? atlas_parse(&b) : NULL;
	wbuf_free(&b);
	return o;
}
