/*
 * atlas_read_trace: a RIPE Atlas "traceroute" object back into a
 * trace_result: one trace_probe per entry of each hop's result[] (a "*" is a
 * probe without reply), MPLS label stacks from "icmpext", and the ICMP type
 * of each reply inferred as atlas_read.h says.
 */
#include "format/atlas_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The trace method of a RIPE "proto" and "paris_id". */
static uint8_t trace_method_of(const char *proto, long long paris)
{
	if (proto && strcmp(proto, "TCP") == 0)
		return TRACE_METHOD_TCP_SYN;
	if (proto && strcmp(proto, "ICMP") == 0)
		return paris ? TRACE_METHOD_ICMP_PARIS : TRACE_METHOD_ICMP;
	return paris ? TRACE_METHOD_UDP_PARIS : TRACE_METHOD_UDP;
}

/* The top-level fields. */
static int trace_header(const json_t *o, struct trace_result *r, char *err, size_t errlen)
{
	long long v[4];
	int af = atlas_get_af(o);
	if (af == 0) {
		snprintf(err, errlen, "no \"af\" and no \"dst_addr\"");
		return -1;
	}
	r->af = (uint8_t)af;
	if (atlas_get_addr(o, "dst_addr", af, false, &r->dst, err, errlen) ||
	    atlas_get_addr(o, "src_addr", af, true, &r->src, err, errlen) ||
	    atlas_get_int(o, "size", 0, 65535, 0, &v[0], err, errlen) ||
	    atlas_get_int(o, "paris_id", 0, 65535, 0, &v[1], err, errlen) ||
	    atlas_get_int(o, "timestamp", 0, UINT32_MAX, 0, &v[2], err, errlen) ||
	    atlas_get_int(o, "endtime", 0, UINT32_MAX, v[2], &v[3], err, errlen))
		return -1;
	r->method = trace_method_of(json_string_value(json_object_get(o, "proto")), v[1]);
	r->size = (uint16_t)v[0];
	r->paris_id = (uint16_t)v[1];
	r->start.tv_sec = (time_t)v[2];
	r->end.tv_sec = (time_t)v[3];
	r->ts_source = atlas_get_ts_source(o);
	return 0;
}

/* ICMP type and code of an unreachable named by RIPE's "err". */
static void trace_err_kind(const json_t *err, int af, struct trace_probe *p)
{
	static const char v4[] = "NHPpS", v6[] = "NA Hp";
	static const uint8_t c4[] = { 0, 1, 2, 3, 5 }, c6[] = { 0, 1, 2, 3, 4 };
	const char *s = json_string_value(err);
	p->icmp_type = af == AF_INET6 ? 1 : 3;
	p->icmp_code = (uint8_t)json_integer_value(err);
	if (s == NULL || s[0] == '\0' || s[1] != '\0')
		return;
	if (s[0] == 'A' && af == AF_INET) {
		p->icmp_code = 13;
		return;
	}
	const char *tab = af == AF_INET6 ? v6 : v4, *hit = strchr(tab, s[0]);
	if (hit && s[0] != ' ')
		p->icmp_code = (af == AF_INET6 ? c6 : c4)[hit - tab];
}

/* TCP flags from RIPE's letters ("SA", "R", ...). */
static uint8_t trace_tcp_flags(const char *s)
{
	static const char letters[] = "FSRPAUEC";
	uint8_t f = 0;
	for (; s && *s; s++) {
		const char *hit = strchr(letters, *s);
		if (hit)
			f |= (uint8_t)(1u << (hit - letters));
	}
	return f;
}

/* The kind of reply p is (TCP, unreachable, echo/port reply, TTL exceeded). */
static void trace_reply_kind(const json_t *e, const struct trace_result *r,
			     struct trace_probe *p)
{
	bool v6 = r->af == AF_INET6, at_dst = memcmp(&p->from, &r->dst, sizeof p->from) == 0;
	const json_t *err = json_object_get(e, "err");
	const char *flags = json_string_value(json_object_get(e, "flags"));
	if (flags || (at_dst && r->method == TRACE_METHOD_TCP_SYN)) {
		p->flags |= MSM_REPLY_TCP;
		p->icmp_type = flags ? trace_tcp_flags(flags) : 0x04; /* RST */
	} else if (err) {
		trace_err_kind(err, r->af, p);
	} else if (at_dst && (r->method == TRACE_METHOD_ICMP ||
			      r->method == TRACE_METHOD_ICMP_PARIS)) {
		p->icmp_type = v6 ? 129 : 0;
	} else if (at_dst) {
		p->icmp_type = v6 ? 1 : 3;
		p->icmp_code = v6 ? 4 : 3;
	} else {
		p->icmp_type = v6 ? 3 : 11;
	}
}

/* Append the MPLS entries of e's "icmpext" to r->mpls and point p at them. */
static int trace_mpls(const json_t *e, struct trace_result *r, struct trace_probe *p,
		      char *err, size_t errlen)
{
	const json_t *obj, *m;
	size_t i, k;
	json_array_foreach(json_object_get(json_object_get(e, "icmpext"), "obj"), i, obj) {
		json_array_foreach(json_object_get(obj, "mpls"), k, m) {
			long long lab, exp, s, ttl;
			if (p->mpls_n == 255 || r->n_mpls == 65535 ||
			    atlas_get_int(m, "label", 0, 0xfffff, 0, &lab, err, errlen) ||
			    atlas_get_int(m, "exp", 0, 7, 0, &exp, err, errlen) ||
			    atlas_get_int(m, "s", 0, 1, 0, &s, err, errlen) ||
			    atlas_get_int(m, "ttl", 0, 255, 0, &ttl, err, errlen))
				return -1;
			msm_mpls_t *grown = realloc(r->mpls, (r->n_mpls + 1u) * sizeof *grown);
			if (grown == NULL)
				return -1;
			r->mpls = grown;
			if (p->mpls_n == 0)
				p->mpls_off = r->n_mpls;
			r->mpls[r->n_mpls++] = (msm_mpls_t)(lab << 12 | exp << 9 | s << 8 | ttl);
			p->mpls_n++;
		}
	}
	return 0;
}

/* One entry e of hop ttl, attempt att, into p. */
static int trace_probe_read(const json_t *e, struct trace_result *r, long long ttl,
			    unsigned att, struct trace_probe *p, char *err, size_t errlen)
{
	long long size, rttl, ittl, late;
	memset(p, 0, sizeof *p);
	p->ttl = (uint8_t)ttl;
	p->attempt = (uint8_t)(att > 255 ? 255 : att);
	if (json_object_get(e, "from") == NULL)
		return 0; /* "*", or an error without a reply */
	if (atlas_get_addr(e, "from", r->af, false, &p->from, err, errlen) ||
	    atlas_get_ms(e, "rtt", &p->rtt_ns, err, errlen) ||
	    atlas_get_int(e, "size", 0, 65535, 0, &size, err, errlen) ||
	    atlas_get_int(e, "ttl", 0, 255, 0, &rttl, err, errlen) ||
	    atlas_get_int(e, "ittl", 0, 255, 1, &ittl, err, errlen) ||
	    atlas_get_int(e, "late", 0, 65535, 0, &late, err, errlen))
		return -1;
	p->reply_size = (uint16_t)size;
	p->reply_ttl = (uint8_t)rttl;
	p->quoted_ttl = (uint8_t)ittl;
	p->flags = MSM_REPLY_GOT | (json_object_get(e, "dup") ? MSM_REPLY_DUP : 0) |
		   (late ? MSM_REPLY_LATE : 0);
	trace_reply_kind(e, r, p);
	if (trace_mpls(e, r, p, err, errlen) != 0) {
		if (!*err)
			snprintf(err, errlen, "\"icmpext\" has too many labels");
		return -1;
	}
	return 0;
}

/* The entries of one hop object h; appends to r->probes. */
static int trace_hop_read(const json_t *h, struct trace_result *r, size_t cap,
			  char *err, size_t errlen)
{
	long long ttl;
	const json_t *res = json_object_get(h, "result"), *e;
	size_t i;
	unsigned att = 0;
	if (atlas_get_int(h, "hop", 1, 255, 0, &ttl, err, errlen) || ttl == 0) {
		if (!*err)
			snprintf(err, errlen, "a hop without \"hop\"");
		return -1;
	}
	json_array_foreach(res, i, e) {
		if (r->n_probes == cap || !json_is_object(e)) {
			snprintf(err, errlen, "hop %lld: result[%zu] is not an object", ttl, i);
			return -1;
		}
		bool dup = json_object_get(e, "dup") != NULL;
		if (trace_probe_read(e, r, ttl, dup && att ? att - 1 : att,
				     &r->probes[r->n_probes], err, errlen) != 0)
			return -1;
		att += !dup;
		r->n_probes++;
	}
	if (att > r->attempts)
		r->attempts = (uint8_t)(att > 255 ? 255 : att);
	if (r->first_ttl == 0 || ttl < r->first_ttl)
		r->first_ttl = (uint8_t)ttl;
	if (ttl > r->probe_ttl_max)
		r->probe_ttl_max = (uint8_t)ttl;
	return 0;
}

/* How many entries all hops hold together (bounded), or -1 if malformed. */
static long trace_count_entries(const json_t *res)
{
	const json_t *h;
	size_t i;
	long n = 0;
	if (!json_is_array(res))
		return -1;
	json_array_foreach(res, i, h) {
		const json_t *entries = json_object_get(h, "result");
		if (!json_is_object(h) || (entries && !json_is_array(entries)))
			return -1;
		n += (long)json_array_size(entries);
		if (n > 65535)
			return -1;
	}
	return n;
}

/* Stop reason: ours if given, else inferred from the last reply. */
static void trace_stop_infer(const json_t *o, struct trace_result *r)
{
	const char *s = json_string_value(json_object_get(o, "stop_reason"));
	for (unsigned i = TRACE_STOP_COMPLETED; s && i <= TRACE_STOP_ERROR; i++)
		if (strcmp(s, trace_stop_name(i)) == 0) {
			r->stop_reason = (uint8_t)i;
			return;
		}
	r->stop_reason = TRACE_STOP_GAPLIMIT;
	for (uint16_t i = 0; i < r->n_probes; i++) {
		const struct trace_probe *p = &r->probes[i];
		if (!(p->flags & MSM_REPLY_GOT) || p->ttl != r->hop_count)
			continue;
		if (memcmp(&p->from, &r->dst, sizeof p->from) == 0)
			r->stop_reason = TRACE_STOP_COMPLETED;
		else if (p->icmp_type == (r->af == AF_INET6 ? 1 : 3))
			r->stop_reason = TRACE_STOP_UNREACH;
	}
}

/* All hops of result[]. */
static int trace_hops(const json_t *o, struct trace_result *r, char *err, size_t errlen)
{
	const json_t *res = json_object_get(o, "result"), *h;
	size_t i;
	long n = trace_count_entries(res);
	if (n < 0) {
		snprintf(err, errlen, "\"result\" is not a list of hops of at most 65535 entries");
		return -1;
	}
	r->probes = calloc((size_t)n + 1, sizeof *r->probes);
	if (r->probes == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(res, i, h)
		if (trace_hop_read(h, r, (size_t)n, err, errlen) != 0)
			return -1;
	for (uint16_t k = 0; k < r->n_probes; k++) {
		r->probes_sent += !(r->probes[k].flags & MSM_REPLY_DUP);
		if ((r->probes[k].flags & MSM_REPLY_GOT) && r->probes[k].ttl > r->hop_count)
			r->hop_count = r->probes[k].ttl;
	}
	r->max_ttl = r->probe_ttl_max;
	trace_stop_infer(o, r);
	return 0;
}

struct trace_result *atlas_read_trace(const json_t *o, char *err, size_t errlen)
{
	struct trace_result *r = calloc(1, sizeof *r);
	if (err && errlen)
		err[0] = '\0';
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (trace_header(o, r, err, errlen) != 0 || trace_hops(o, r, err, errlen) != 0 ||
	    atlas_get_name(o, r->af, &r->dst, &r->dst_name, err, errlen) != 0) {
		trace_result_free(r);
		return NULL;
	}
	return r;
}
