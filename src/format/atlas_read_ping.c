/*
 * atlas_read_ping: a RIPE Atlas "ping" object back into a ping_result. The
 * probe sequence numbers are rebuilt from result[]: every entry that is not
 * a duplicate is the next probe, a duplicate belongs to the probe before it.
 */
#include "format/atlas_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The ping method of a RIPE "proto". */
static uint8_t ping_method_of(const char *proto)
{
	if (proto && strcmp(proto, "UDP") == 0)
		return PING_METHOD_UDP;
	if (proto && strcmp(proto, "TCP") == 0)
		return PING_METHOD_TCP_SYN;
	return PING_METHOD_ICMP_ECHO;
}

/* The top-level fields. */
static int ping_header(const json_t *o, struct ping_result *r, char *err, size_t errlen)
{
	long long v[7];
	int af = atlas_get_af(o);
	if (af == 0) {
		snprintf(err, errlen, "no \"af\" and no \"dst_addr\"");
		return -1;
	}
	r->af = (uint8_t)af;
	r->method = ping_method_of(json_string_value(json_object_get(o, "proto")));
	if (atlas_get_addr(o, "dst_addr", af, false, &r->dst, err, errlen) ||
	    atlas_get_addr(o, "src_addr", af, true, &r->src, err, errlen) ||
	    atlas_get_int(o, "size", 0, 65535, 0, &v[0], err, errlen) ||
	    atlas_get_int(o, "timestamp", 0, UINT32_MAX, 0, &v[1], err, errlen) ||
	    atlas_get_int(o, "endtime", 0, UINT32_MAX, v[1], &v[2], err, errlen) ||
	    atlas_get_int(o, "sent", 0, 65535, 0, &v[3], err, errlen) ||
	    atlas_get_int(o, "rcvd", 0, 65535, 0, &v[4], err, errlen) ||
	    atlas_get_int(o, "dup", 0, 65535, 0, &v[5], err, errlen) ||
	    atlas_get_ms(o, "min", &r->min_ns, err, errlen) ||
	    atlas_get_ms(o, "avg", &r->avg_ns, err, errlen) ||
	    atlas_get_ms(o, "max", &r->max_ns, err, errlen))
		return -1;
	r->size = (uint16_t)v[0];
	r->start.tv_sec = (time_t)v[1];
	r->end.tv_sec = (time_t)v[2];
	r->count = r->sent = (uint16_t)v[3];
	r->rcvd = (uint16_t)v[4];
	r->dup = (uint16_t)v[5];
	r->ts_source = atlas_get_ts_source(o);
	return 0;
}

/* The ICMP type (or TCP flags) a reply of this method would have had. */
static void ping_reply_kind(const struct ping_result *r, struct ping_reply *p)
{
	bool v6 = r->af == AF_INET6;
	if (r->method == PING_METHOD_TCP_SYN) {
		p->flags |= MSM_REPLY_TCP;
		p->icmp_type = 0x12; /* SYN|ACK */
	} else if (r->method == PING_METHOD_UDP) {
		p->icmp_type = v6 ? 1 : 3;
		p->icmp_code = v6 ? 4 : 3;
	} else {
		p->icmp_type = v6 ? 129 : 0;
	}
}

/* One reply entry e for probe seq into p. */
static int ping_reply_read(const json_t *o, const json_t *e, struct ping_result *r,
			   long seq, struct ping_reply *p, char *err, size_t errlen)
{
	long long ttl, late;
	memset(p, 0, sizeof *p);
	if (seq < 0) {
		snprintf(err, errlen, "result[]: a duplicate before any probe");
		return -1;
	}
	if (atlas_get_ms(e, "rtt", &p->rtt_ns, err, errlen) ||
	    atlas_get_int(o, "ttl", 0, 255, 0, &ttl, err, errlen) ||
	    atlas_get_int(e, "ttl", 0, 255, ttl, &ttl, err, errlen) ||
	    atlas_get_int(e, "late", 0, 65535, 0, &late, err, errlen) ||
	    atlas_get_addr(e, "src_addr", r->af, true, &p->from, err, errlen))
		return -1;
	if (json_object_get(e, "src_addr") == NULL)
		p->from = r->dst;
	p->seq = (uint16_t)seq;
	p->reply_ttl = (uint8_t)ttl;
	p->flags = MSM_REPLY_GOT;
	if (json_object_get(e, "dup"))
		p->flags |= MSM_REPLY_DUP;
	if (late)
		p->flags |= MSM_REPLY_LATE;
	ping_reply_kind(r, p);
	return 0;
}

/* All of result[]. */
static int ping_replies(const json_t *o, struct ping_result *r, char *err, size_t errlen)
{
	const json_t *res = json_object_get(o, "result"), *e;
	size_t i;
	long seq = -1;
	if (!json_is_array(res) || json_array_size(res) > 65535) {
		snprintf(err, errlen, "\"result\" is not a list of at most 65535 entries");
		return -1;
	}
	r->replies = calloc(json_array_size(res) + 1, sizeof *r->replies);
	if (r->replies == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(res, i, e) {
		if (!json_is_object(e)) {
			snprintf(err, errlen, "result[%zu] is not an object", i);
			return -1;
		}
		if (!json_object_get(e, "dup"))
			seq++;
		if (json_object_get(e, "rtt") == NULL)
			continue;
		if (ping_reply_read(o, e, r, seq, &r->replies[r->n_replies], err, errlen))
			return -1;
		r->n_replies++;
	}
	if (seq + 1 > r->sent)
		r->count = r->sent = (uint16_t)(seq + 1);
	return 0;
}

struct ping_result *atlas_read_ping(const json_t *o, char *err, size_t errlen)
{
	struct ping_result *r = calloc(1, sizeof *r);
	if (err && errlen)
		err[0] = '\0';
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (ping_header(o, r, err, errlen) != 0 || ping_replies(o, r, err, errlen) != 0 ||
	    atlas_get_name(o, r->af, &r->dst, &r->dst_name, err, errlen) != 0) {
		ping_result_free(r);
		return NULL;
	}
	return r;
}
