/*
 * atlas_ping: a finished ping as a RIPE Atlas "ping" result object. The
 * result[] array lists the probes in sequence order: each answered probe's
 * reply (then its duplicates, marked "dup"), each silent probe as {"x":"*"}.
 */
#include "format/atlas_json.h"
#include "format/fmt_common.h"

#include <stdlib.h>

/* RIPE's "proto" of a ping method. */
static const char *atlas_ping_proto(uint8_t method)
{
	switch (method) {
	case PING_METHOD_UDP: return "UDP";
	case PING_METHOD_TCP_SYN:
	case PING_METHOD_TCP_ACK: return "TCP";
	default: return "ICMP";
	}
}

/* The first non-duplicate reply in arrival order, or NULL. */
static const struct ping_reply *atlas_first_reply(const struct ping_result *r)
{
	for (uint16_t i = 0; i < r->n_replies; i++)
		if (!(r->replies[i].flags & MSM_REPLY_DUP))
			return &r->replies[i];
	return NULL;
}

/*
 * How many probes late a late reply is (RIPE's "late"): the probes sent
 * between this one and the reply's arrival, at least 1.
 */
static json_int_t atlas_late_count(const struct ping_result *r,
				   const struct ping_reply *p)
{
	uint64_t gap_ns = (uint64_t)r->interval_ms * 1000000u;
	uint64_t n = gap_ns ? p->rtt_ns / gap_ns : 1;
	return n < 1 ? 1 : (json_int_t)n;
}

/* One entry of result[] for reply p; NULL when out of memory. */
static json_t *atlas_ping_entry(const struct ping_result *r,
				const struct ping_reply *p, int first_ttl)
{
	json_t *e = json_object();
	if (e == NULL)
		return NULL;
	char buf[FMT_ADDR_LEN];
	int rc = atlas_set(e, "rtt", json_real(fmt_ns_to_ms(p->rtt_ns)));
	if (p->reply_ttl != first_ttl)
		rc |= atlas_set(e, "ttl", json_integer(p->reply_ttl));
	if (!fmt_addr_equal(&p->from, &r->dst))
		rc |= atlas_set(e, "src_addr",
				json_string(fmt_addr(r->af, &p->from, buf, sizeof buf)));
	if (p->flags & MSM_REPLY_DUP)
		rc |= atlas_set(e, "dup", json_integer(1));
	if (p->flags & MSM_REPLY_LATE)
		rc |= atlas_set(e, "late", json_integer(atlas_late_count(r, p)));
	if (rc) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/* qsort order of reply indexes: by probe sequence, then arrival. */
static int atlas_seq_cmp(const void *a, const void *b)
{
	const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Fill arr with the result[] entries. Replies are sorted by (seq, arrival)
 * packed into one 32-bit key each. Returns 0 or -1 when out of memory.
 */
static int atlas_ping_results(json_t *arr, const struct ping_result *r, int first_ttl)
{
	uint32_t *key = malloc(((size_t)r->n_replies + 1) * sizeof *key);
	if (key == NULL)
		return -1;
	for (uint16_t i = 0; i < r->n_replies; i++)
		key[i] = (uint32_t)r->replies[i].seq << 16 | i;
	qsort(key, r->n_replies, sizeof *key, atlas_seq_cmp);
	int rc = 0;
	size_t k = 0;
	for (uint32_t seq = 0; seq < r->sent && rc == 0; seq++) {
		bool any = false;
		for (; k < r->n_replies && key[k] >> 16 == seq; k++) {
			any = true;
			const struct ping_reply *p = &r->replies[key[k] & 0xffff];
			rc |= json_array_append_new(arr, atlas_ping_entry(r, p, first_ttl));
		}
		if (!any)
			rc |= json_array_append_new(arr, json_pack("{s:s}", "x", "*"));
	}
	free(key);
	return rc ? -1 : 0;
}

/* Set min, avg, max (ms; -1 when nothing came back). */
static int atlas_ping_stats(json_t *o, const struct ping_result *r)
{
	bool none = r->rcvd == 0;
	int rc = 0;
	rc |= atlas_set(o, "min", json_real(none ? -1.0 : fmt_ns_to_ms(r->min_ns)));
	rc |= atlas_set(o, "avg", json_real(none ? -1.0 : fmt_ns_to_ms(r->avg_ns)));
	rc |= atlas_set(o, "max", json_real(none ? -1.0 : fmt_ns_to_ms(r->max_ns)));
	rc |= atlas_set(o, "sent", json_integer(r->sent));
	rc |= atlas_set(o, "rcvd", json_integer(r->rcvd));
	rc |= atlas_set(o, "dup", json_integer(r->dup));
	return rc;
}

json_t *atlas_ping_json(const struct ping_result *r, const struct atlas_meta *m)
{
	json_t *o = json_object(), *arr = json_array();
	if (o == NULL || arr == NULL)
		return atlas_finish(o, arr, -1);
	const struct ping_reply *first = atlas_first_reply(r);
	int first_ttl = first ? first->reply_ttl : -1;
	int rc = atlas_common_fields(o, "ping", r->af, &r->dst, &r->src,
				     r->dst_name, &r->start, &r->end, m);
	rc |= atlas_set(o, "proto", json_string(atlas_ping_proto(r->method)));
	rc |= atlas_set(o, "size", json_integer(r->size));
	if (first)
		rc |= atlas_set(o, "ttl", json_integer(first_ttl));
	rc |= atlas_ping_stats(o, r);
	rc |= atlas_set(o, "ts_source", json_string(atlas_ts_source_name(r->ts_source)));
	rc |= atlas_ping_results(arr, r, first_ttl);
	return atlas_finish(o, arr, rc);
}
