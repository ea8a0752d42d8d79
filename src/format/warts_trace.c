/*
 * warts_trace: a finished trace as a warts trace record (type 6), laid out as
 * scamper writes it: the trace's parameters, a count of hop records, one
 * block per reply (grouped by probe TTL, as readers require), and an
 * end-of-attributes marker. Silent probes have no hop record: readers show
 * a "*" for every TTL up to the hop count without one. MPLS labels become an
 * RFC 4884 extension object (class 1, type 1) as scamper stores them.
 */
#include "format/warts_result.h"
#include "format/fmt_common.h"

#include <stdlib.h>
#include <sys/socket.h>

/* parameter ids of a trace record */
enum {
	WT_LIST = 1, WT_CYCLE = 2, WT_START = 5, WT_STOP_R = 6, WT_STOP_D = 7,
	WT_ATTEMPTS = 9, WT_HOPLIMIT = 10, WT_TYPE = 11, WT_PROBE_S = 12,
	WT_SPORT = 13, WT_DPORT = 14, WT_FIRSTHOP = 15, WT_TOS = 16, WT_WAIT = 17,
	WT_HOPCOUNT = 19, WT_GAPLIMIT = 20, WT_GAPACTION = 21, WT_PROBEC = 23,
	WT_SRC = 26, WT_DST = 27, WT_USERID = 28,
};
/* parameter ids of a hop record */
enum {
	WH_PROBE_TTL = 2, WH_REPLY_TTL = 3, WH_FLAGS = 4, WH_PROBE_ID = 5,
	WH_RTT = 6, WH_ICMP_TC = 7, WH_PROBE_SIZE = 8, WH_REPLY_SIZE = 9,
	WH_Q_IPTTL = 14, WH_TCP_FLAGS = 15, WH_ICMPEXT = 17, WH_ADDR = 18,
	WH_TX = 19,
};
/* scamper's values */
enum { SC_TRACE_ICMP = 1, SC_TRACE_UDP = 2, SC_TRACE_TCP = 3,
       SC_TRACE_ICMP_PARIS = 4, SC_TRACE_UDP_PARIS = 5, SC_TRACE_TCP_ACK = 6 };
enum { SC_STOP_COMPLETED = 1, SC_STOP_UNREACH = 2, SC_STOP_LOOP = 4,
       SC_STOP_GAPLIMIT = 5, SC_STOP_ERROR = 6, SC_STOP_HOPLIMIT = 7 };
enum { SC_HOP_SOCK_RX = 0x01, SC_HOP_REPLY_TTL = 0x10, SC_HOP_TCP = 0x20,
       SC_HOP_UDP = 0x40 };

/* scamper's trace type of a vantage trace method. */
static uint8_t warts_trace_type(uint8_t m)
{
	static const uint8_t map[] = {
		[TRACE_METHOD_UDP] = SC_TRACE_UDP,
		[TRACE_METHOD_UDP_PARIS] = SC_TRACE_UDP_PARIS,
		[TRACE_METHOD_ICMP] = SC_TRACE_ICMP,
		[TRACE_METHOD_ICMP_PARIS] = SC_TRACE_ICMP_PARIS,
		[TRACE_METHOD_TCP_ACK] = SC_TRACE_TCP_ACK,
		[TRACE_METHOD_TCP_SYN] = SC_TRACE_TCP,
	};
	return m < sizeof map ? map[m] : SC_TRACE_UDP_PARIS;
}

/* scamper's stop reason of a vantage stop reason. */
static uint8_t warts_trace_stop(uint8_t s)
{
	switch (s) {
	case TRACE_STOP_COMPLETED: return SC_STOP_COMPLETED;
	case TRACE_STOP_UNREACH: return SC_STOP_UNREACH;
	case TRACE_STOP_GAPLIMIT: return SC_STOP_GAPLIMIT;
	case TRACE_STOP_LOOP: return SC_STOP_LOOP;
	case TRACE_STOP_HOPLIMIT: return SC_STOP_HOPLIMIT;
	case TRACE_STOP_REFUSED:
	case TRACE_STOP_ERROR: return SC_STOP_ERROR;
	default: return 0;
	}
}

/* Clamp a value to one byte. */
static uint8_t u8_clamp(uint32_t v)
{
	return v > 255 ? 255 : (uint8_t)v;
}

/* Append the parameters block of the trace itself to w->rec. */
static int warts_trace_params(struct warts_writer *w, const struct trace_result *r,
			      uint8_t atype)
{
	struct warts_params *p = &w->params;
	warts_params_reset(p);
	warts_param_u32(p, WT_LIST, w->list_wid);
	warts_param_u32(p, WT_CYCLE, w->cycle_wid);
	warts_param_time(p, WT_START, (uint32_t)r->start.tv_sec,
			 (uint32_t)(r->start.tv_nsec / 1000));
	warts_param_u8(p, WT_STOP_R, warts_trace_stop(r->stop_reason));
	warts_param_u8(p, WT_STOP_D, r->stop_data);
	warts_param_u8(p, WT_ATTEMPTS, r->attempts);
	warts_param_u8(p, WT_HOPLIMIT, r->max_ttl);
	warts_param_u8(p, WT_TYPE, warts_trace_type(r->method));
	warts_param_u16(p, WT_PROBE_S, r->size);
	warts_param_u16(p, WT_SPORT, r->sport);
	warts_param_u16(p, WT_DPORT, r->dport);
	warts_param_u8(p, WT_FIRSTHOP, r->first_ttl ? r->first_ttl : 1);
	warts_param_u8(p, WT_TOS, 0);
	warts_param_u8(p, WT_WAIT, u8_clamp((r->wait_ms + 999) / 1000));
	warts_param_u16(p, WT_HOPCOUNT, r->probe_ttl_max);
	warts_param_u8(p, WT_GAPLIMIT, r->gap_limit);
	warts_param_u8(p, WT_GAPACTION, 1); /* stop at the gap limit */
	warts_param_u16(p, WT_PROBEC, r->probes_sent);
	warts_param_addr(p, WT_SRC, &w->addrs, atype, r->src.b);
	warts_param_addr(p, WT_DST, &w->addrs, atype, r->dst.b);
	if (r->user_id)
		warts_param_u32(p, WT_USERID, r->user_id);
	return warts_params_emit(p, &w->rec);
}

/*
 * The RFC 4884 extension data of p's MPLS labels into w->sub: a total
 * length, then one object (length, class 1, type 1, 4 bytes per entry).
 */
static void warts_mpls_ext(struct warts_writer *w, const struct trace_result *r,
			   const struct trace_probe *p)
{
	unsigned n = p->mpls_n;
	if ((size_t)p->mpls_off + n > r->n_mpls)
		n = p->mpls_off < r->n_mpls ? r->n_mpls - p->mpls_off : 0;
	wbuf_reset(&w->sub);
	wbuf_u16(&w->sub, (uint16_t)(4 + 4 * n));
	wbuf_u16(&w->sub, (uint16_t)(4 * n));
	wbuf_u8(&w->sub, 1);
	wbuf_u8(&w->sub, 1);
	for (unsigned i = 0; i < n; i++)
		wbuf_u32(&w->sub, r->mpls[p->mpls_off + i]);
}

/* True if a reply is an ICMP error quoting our probe (time exceeded etc.). */
static bool warts_icmp_quotes(uint8_t af, uint8_t type)
{
	return af == AF_INET ? (type == 3 || type == 11) : (type >= 1 && type <= 3);
}

/* scamper's hop flags of a reply. */
static uint8_t warts_hop_flags(const struct trace_probe *p)
{
	uint8_t f = SC_HOP_REPLY_TTL;
	if (p->flags & MSM_REPLY_RX_KERNEL)
		f |= SC_HOP_SOCK_RX;
	if (p->flags & MSM_REPLY_TCP)
		f |= SC_HOP_TCP;
	if (p->flags & MSM_REPLY_UDP)
		f |= SC_HOP_UDP;
	return f;
}

/* Append the hop record of one reply to w->rec. */
static int warts_trace_hop(struct warts_writer *w, const struct trace_result *r,
			   const struct trace_probe *hp, uint8_t atype)
{
	struct warts_params *p = &w->params;
	bool icmp = !(hp->flags & (MSM_REPLY_TCP | MSM_REPLY_UDP));
	uint32_t sec, usec;
	warts_params_reset(p);
	warts_param_u8(p, WH_PROBE_TTL, hp->ttl);
	warts_param_u8(p, WH_REPLY_TTL, hp->reply_ttl);
	warts_param_u8(p, WH_FLAGS, warts_hop_flags(hp));
	warts_param_u8(p, WH_PROBE_ID, hp->attempt);
	warts_param_u32(p, WH_RTT, fmt_ns_to_us32(hp->rtt_ns));
	if (icmp) {
		uint8_t tc[2] = { hp->icmp_type, hp->icmp_code };
		warts_param_bytes(p, WH_ICMP_TC, tc, 2);
	}
	warts_param_u16(p, WH_PROBE_SIZE, r->size);
	warts_param_u16(p, WH_REPLY_SIZE, hp->reply_size);
	if (icmp && warts_icmp_quotes(r->af, hp->icmp_type) && hp->quoted_ttl > 1)
		warts_param_u8(p, WH_Q_IPTTL, hp->quoted_ttl);
	if (hp->flags & MSM_REPLY_TCP)
		warts_param_u8(p, WH_TCP_FLAGS, hp->icmp_type);
	if (icmp && hp->mpls_n) {
		warts_mpls_ext(w, r, hp);
		warts_param_bytes(p, WH_ICMPEXT, w->sub.p, (uint16_t)w->sub.len);
	}
	warts_param_addr(p, WH_ADDR, &w->addrs, atype, hp->from.b);
	fmt_time_after(&r->start, hp->tx_offset_us, &sec, &usec);
	warts_param_time(p, WH_TX, sec, usec);
	return warts_params_emit(p, &w->rec);
}

/* True if probe p has a reply that belongs in a hop record. */
static bool warts_hop_wanted(const struct trace_result *r, const struct trace_probe *p)
{
	return (p->flags & MSM_REPLY_GOT) && p->ttl >= 1 && p->ttl <= r->probe_ttl_max;
}

/* Write every hop record, TTL by TTL; returns the count in *n. */
static int warts_trace_hops(struct warts_writer *w, const struct trace_result *r,
			    uint8_t atype, uint16_t *n)
{
	int rc = 0;
	*n = 0;
	for (unsigned ttl = 1; ttl <= r->probe_ttl_max; ttl++)
		for (uint16_t i = 0; i < r->n_probes && rc == 0; i++)
			if (r->probes[i].ttl == ttl && warts_hop_wanted(r, &r->probes[i])) {
				rc |= warts_trace_hop(w, r, &r->probes[i], atype);
				(*n)++;
			}
	return rc;
}

int warts_write_trace(struct warts_writer *w, const struct trace_result *r,
		      char *err, size_t errlen)
{
	uint8_t atype = warts_addr_type(r->af);
	uint16_t nhops = 0;
	warts_record_begin(w, WARTS_T_TRACE);
	int rc = warts_trace_params(w, r, atype);
	size_t count_at = w->rec.len;
	wbuf_u16(&w->rec, 0);
	rc |= warts_trace_hops(w, r, atype, &nhops);
	if (rc == 0 && wbuf_ok(&w->rec)) {
		w->rec.p[count_at] = (uint8_t)(nhops >> 8);
		w->rec.p[count_at + 1] = (uint8_t)nhops;
	}
	wbuf_u16(&w->rec, 0); /* end of optional attributes */
	if (rc) {
		snprintf(err, errlen, "warts: could not encode the trace of %s", r->dst_name);
		return -1;
	}
	return warts_record_finish(w, err, errlen);
}
