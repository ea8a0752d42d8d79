/*
 * warts_ping: a finished ping as a warts ping record (type 7), laid out as
 * scamper writes it: the ping's parameters, a count of replies, then one
 * flags-and-parameters block per reply. Only parameter ids that scamper
 * 20211212 knows are written, so its sc_warts2* tools read every field.
 */
#include "format/warts_result.h"
#include "format/fmt_common.h"

#include <netinet/in.h>
#include <sys/socket.h>

/* parameter ids of a ping record */
enum {
	WP_LIST = 1, WP_CYCLE = 2, WP_START = 5, WP_STOP_R = 6, WP_STOP_D = 7,
	WP_COUNT = 10, WP_SIZE = 11, WP_WAIT = 12, WP_TTL = 13, WP_SENT = 15,
	WP_METHOD = 16, WP_SPORT = 17, WP_DPORT = 18, WP_USERID = 19,
	WP_SRC = 20, WP_DST = 21, WP_TIMEOUT = 27, WP_WAIT_US = 28,
};
/* parameter ids of a ping reply */
enum {
	WPR_FLAGS = 2, WPR_TTL = 3, WPR_SIZE = 4, WPR_ICMP_TC = 5, WPR_RTT = 6,
	WPR_PROBE_ID = 7, WPR_PROTO = 10, WPR_TCP_FLAGS = 11, WPR_ADDR = 12,
	WPR_TX = 16,
};
/* scamper's values */
enum { SC_PING_ICMP_ECHO = 0, SC_PING_TCP_ACK = 1, SC_PING_UDP_DPORT = 4,
       SC_PING_TCP_SYN = 6 };
enum { SC_PING_STOP_COMPLETED = 1, SC_PING_STOP_ERROR = 2 };
enum { SC_PING_REPLY_FLAG_TTL = 0x01 };

/* scamper's method number of a vantage ping method. */
static uint8_t warts_ping_method(uint8_t m)
{
	switch (m) {
	case PING_METHOD_UDP: return SC_PING_UDP_DPORT;
	case PING_METHOD_TCP_SYN: return SC_PING_TCP_SYN;
	case PING_METHOD_TCP_ACK: return SC_PING_TCP_ACK;
	default: return SC_PING_ICMP_ECHO;
	}
}

/* Size of the probe's IP packet: our payload size plus the headers. */
static uint16_t warts_ping_ip_size(const struct ping_result *r)
{
	unsigned ip = r->af == AF_INET6 ? 40 : 20;
	unsigned l4 = (r->method == PING_METHOD_TCP_SYN ||
		       r->method == PING_METHOD_TCP_ACK) ? 20 : 8;
	unsigned n = ip + l4 + r->size;
	return n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
}

/* IP protocol number of a reply, as scamper records it. */
static uint8_t warts_reply_proto(const struct ping_result *r, const struct ping_reply *p)
{
	if (p->flags & MSM_REPLY_TCP)
		return IPPROTO_TCP;
	if (p->flags & MSM_REPLY_UDP)
		return IPPROTO_UDP;
	return r->af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* Append the parameters block of the ping itself to w->rec. */
static int warts_ping_params(struct warts_writer *w, const struct ping_result *r,
			     uint8_t atype)
{
	struct warts_params *p = &w->params;
	uint32_t wait_s = r->interval_ms / 1000, tmo_s = r->timeout_ms / 1000;
	warts_params_reset(p);
	warts_param_u32(p, WP_LIST, w->list_wid);
	warts_param_u32(p, WP_CYCLE, w->cycle_wid);
	warts_param_time(p, WP_START, (uint32_t)r->start.tv_sec,
			 (uint32_t)(r->start.tv_nsec / 1000));
	warts_param_u8(p, WP_STOP_R, r->refused && r->sent == 0 ?
		       SC_PING_STOP_ERROR : SC_PING_STOP_COMPLETED);
	warts_param_u8(p, WP_STOP_D, 0);
	warts_param_u16(p, WP_COUNT, r->count);
	warts_param_u16(p, WP_SIZE, warts_ping_ip_size(r));
	warts_param_u8(p, WP_WAIT, wait_s > 255 ? 255 : (uint8_t)wait_s);
	warts_param_u8(p, WP_TTL, r->ttl);
	warts_param_u16(p, WP_SENT, r->sent);
	if (warts_ping_method(r->method) != 0)
		warts_param_u8(p, WP_METHOD, warts_ping_method(r->method));
	if (r->sport)
		warts_param_u16(p, WP_SPORT, r->sport);
	if (r->dport)
		warts_param_u16(p, WP_DPORT, r->dport);
	if (r->user_id)
		warts_param_u32(p, WP_USERID, r->user_id);
	warts_param_addr(p, WP_SRC, &w->addrs, atype, r->src.b);
	warts_param_addr(p, WP_DST, &w->addrs, atype, r->dst.b);
	if (tmo_s != wait_s)
		warts_param_u8(p, WP_TIMEOUT, tmo_s > 255 ? 255 : (uint8_t)tmo_s);
	if (r->interval_ms % 1000)
		warts_param_u32(p, WP_WAIT_US, (r->interval_ms % 1000) * 1000);
	return warts_params_emit(p, &w->rec);
}

/* Append the block of one reply to w->rec. */
static int warts_ping_reply(struct warts_writer *w, const struct ping_result *r,
			    const struct ping_reply *rp, uint8_t atype)
{
	struct warts_params *p = &w->params;
	uint32_t sec, usec;
	warts_params_reset(p);
	warts_param_u8(p, WPR_FLAGS, SC_PING_REPLY_FLAG_TTL);
	warts_param_u8(p, WPR_TTL, rp->reply_ttl);
	warts_param_u16(p, WPR_SIZE, rp->reply_size);
	if (!(rp->flags & (MSM_REPLY_TCP | MSM_REPLY_UDP))) {
		uint8_t tc[2] = { rp->icmp_type, rp->icmp_code };
		warts_param_bytes(p, WPR_ICMP_TC, tc, 2);
	}
	warts_param_u32(p, WPR_RTT, fmt_ns_to_us32(rp->rtt_ns));
	warts_param_u16(p, WPR_PROBE_ID, rp->seq);
	if (r->method != PING_METHOD_ICMP_ECHO)
		warts_param_u8(p, WPR_PROTO, warts_reply_proto(r, rp));
	if (rp->flags & MSM_REPLY_TCP)
		warts_param_u8(p, WPR_TCP_FLAGS, rp->icmp_type);
	warts_param_addr(p, WPR_ADDR, &w->addrs, atype, rp->from.b);
	fmt_time_after(&r->start, rp->tx_offset_us, &sec, &usec);
	warts_param_time(p, WPR_TX, sec, usec);
	return warts_params_emit(p, &w->rec);
}

/* Replies a reader can place: their probe number is below "sent". */
static uint16_t warts_ping_nreplies(const struct ping_result *r)
{
	uint16_t n = 0;
	for (uint16_t i = 0; i < r->n_replies; i++)
		n += r->replies[i].seq < r->sent;
	return n;
}

int warts_write_ping(struct warts_writer *w, const struct ping_result *r,
		     char *err, size_t errlen)
{
	uint8_t atype = warts_addr_type(r->af);
	int rc = 0;
	warts_record_begin(w, WARTS_T_PING);
	rc |= warts_ping_params(w, r, atype);
	wbuf_u16(&w->rec, warts_ping_nreplies(r));
	for (uint16_t i = 0; i < r->n_replies && rc == 0; i++)
		if (r->replies[i].seq < r->sent)
			rc |= warts_ping_reply(w, r, &r->replies[i], atype);
	if (rc) {
		snprintf(err, errlen, "warts: could not encode the ping of %s", r->dst_name);
		return -1;
	}
	return warts_record_finish(w, err, errlen);
}
