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
static long long atlas_late_count(const struct ping_result *r, const struct ping_reply *p)
{
	uint64_t gap_ns = (uint64_t)r->interval_ms * 1000000u;
	uint64_t n = gap_ns ? p->rtt_ns / gap_ns : 1;
	return n < 1 ? 1 : n > 65535 ? 65535 : (long long)n;
}

/* One entry of result[] for reply p. */
static void atlas_ping_entry(struct jstream *j, const struct ping_result *r,
			     const struct ping_reply *p, int first_ttl)
{
	js_obj(j);
	js_key(j, "rtt");
	js_ms(j, p->rtt_ns);
	if (p->reply_ttl != first_ttl) {
		js_key(j, "ttl");
		js_int(j, p->reply_ttl);
	}
	if (!fmt_addr_equal(&p->from, &r->dst))
		atlas_addr_field(j, "src_addr", r->af, &p->from);
	if (p->flags & MSM_REPLY_DUP) {
		js_key(j, "dup");
		js_int(j, 1);
	}
	if (p->flags & MSM_REPLY_LATE) {
		js_key(j, "late");
		js_int(j, atlas_late_count(r, p));
	}
	js_obj_end(j);
}

/* A silent probe: {"x":"*"}. */
static void atlas_star(struct jstream *j)
{
	js_obj(j);
	js_key(j, "x");
	js_str(j, "*");
	js_obj_end(j);
}

/* qsort order of reply keys: by probe sequence, then arrival. */
static int atlas_seq_cmp(const void *a, const void *b)
{
	const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Write result[]. Replies are sorted by (seq, arrival) packed into one
 * 32-bit key each. Returns 0 or -1 when out of memory.
 */
static int atlas_ping_results(struct jstream *j, const struct ping_result *r, int first_ttl)
{
	uint32_t *key = malloc(((size_t)r->n_replies + 1) * sizeof *key);
	if (key == NULL)
		return -1;
	for (uint16_t i = 0; i < r->n_replies; i++)
		key[i] = (uint32_t)r->replies[i].seq << 16 | i;
	qsort(key, r->n_replies, sizeof *key, atlas_seq_cmp);
	size_t k = 0;
	js_key(j, "result");
	js_arr(j);
	for (uint32_t seq = 0; seq < r->sent; seq++) {
		bool any = false;
		for (; k < r->n_replies && key[k] >> 16 == seq; k++) {
			any = true;
			atlas_ping_entry(j, r, &r->replies[key[k] & 0xffff], first_ttl);
		}
		if (!any)
			atlas_star(j);
	}
	js_arr_end(j);
	free(key);
	return 0;
}

/* Write min, avg, max (ms; -1 when nothing came back), sent, rcvd, dup. */
static void atlas_ping_stats(struct jstream *j, const struct ping_result *r)
{
	const char *names[] = { "min", "avg", "max" };
	const uint64_t v[] = { r->min_ns, r->avg_ns, r->max_ns };
	for (int i = 0; i < 3; i++) {
		js_key(j, names[i]);
		if (r->rcvd == 0)
			js_raw(j, "-1.0");
		else
			js_ms(j, v[i]);
	}
	js_key(j, "sent");
	js_int(j, r->sent);
	js_key(j, "rcvd");
	js_int(j, r->rcvd);
	js_key(j, "dup");
	js_int(j, r->dup);
}

int atlas_ping_line(struct wbuf *out, const struct ping_result *r,
		    const struct atlas_meta *m)
{
	struct jstream j;
	const struct ping_reply *first = atlas_first_reply(r);
	int first_ttl = first ? first->reply_ttl : -1;
	js_init(&j, out);
	js_obj(&j);
	atlas_common_fields(&j, "ping", r->af, &r->dst, &r->src, r->dst_name,
			    &r->start, &r->end, m);
	js_key(&j, "proto");
	js_str(&j, atlas_ping_proto(r->method));
	js_key(&j, "size");
	js_int(&j, r->size);
	if (first) {
		js_key(&j, "ttl");
		js_int(&j, first_ttl);
	}
	atlas_ping_stats(&j, r);
	js_key(&j, "ts_source");
	js_str(&j, atlas_ts_source_name(r->ts_source));
	int rc = atlas_ping_results(&j, r, first_ttl);
	js_obj_end(&j);
	return rc == 0 && wbuf_ok(out) ? 0 : -1;
}

json_t *atlas_ping_json(const struct ping_result *r, const struct atlas_meta *m)
{
	struct wbuf b;
	wbuf_init(&b);
	json_t *o = atlas_ping_line(&b, r, m) == 0 ? atlas_parse(&b) : NULL;
	wbuf_free(&b);
	return o;
}
