/*
 * fuzz_format_encode: the result encoders (RIPE Atlas JSON, warts, text) over
 * arbitrary result structs. The engine fills results from hostile replies,
 * so no field combination (out-of-range label offsets, sequence numbers past
 * "sent", TTL 0 or 255, huge RTTs) may make an encoder read outside its
 * arrays; every warts file written must still be well framed and every JSON
 * line one object of printable ASCII with no key twice (the agent spools and
 * uploads that text as it is: src/agent/spool.h, spool_is_object).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_format_util.h"

/* A cursor over the fuzz input that yields zeros once it runs out. */
struct cur {
	const uint8_t *p;
	size_t n;
};

/* Copy up to len bytes of input into dst (zero-filling the rest). */
static void take(struct cur *c, void *dst, size_t len)
{
	size_t k = len < c->n ? len : c->n;
	memset(dst, 0, len);
	memcpy(dst, c->p, k);
	c->p += k;
	c->n -= k;
}

/* A target name of up to 15 arbitrary bytes from the input (escaping). */
static char *take_name(struct cur *c)
{
	char name[16];
	take(c, name, sizeof name);
	name[sizeof name - 1] = '\0';
	return strdup(name);
}

/* Check the framing of a warts file: magic, and lengths that add up. */
static void check_warts(const uint8_t *b, size_t len)
{
	size_t off = 0;
	while (off < len) {
		if (len - off < 8 || b[off] != 0x12 || b[off + 1] != 0x05)
			abort();
		uint32_t body = (uint32_t)b[off + 4] << 24 | (uint32_t)b[off + 5] << 16 |
				(uint32_t)b[off + 6] << 8 | b[off + 7];
		if (body > len - off - 8)
			abort();
		off += 8 + body;
	}
}

/* Keep the wall-clock labels in the range a real clock gives. */
static void sane_times(struct timespec *a, struct timespec *b)
{
	a->tv_sec = (time_t)((uint64_t)a->tv_sec % 4000000000u);
	b->tv_sec = (time_t)((uint64_t)b->tv_sec % 4000000000u);
	a->tv_nsec = (long)((unsigned long)a->tv_nsec % 1000000000u);
	b->tv_nsec = (long)((unsigned long)b->tv_nsec % 1000000000u);
}

/* Build a ping from the input (the caller frees the arrays). */
static void make_ping(struct cur *c, struct ping_result *r)
{
	take(c, r, sizeof *r);
	r->af = (r->af & 1) ? AF_INET6 : AF_INET;
	sane_times(&r->start, &r->end);
	r->dst_name = take_name(c);
	r->n_replies %= 64;
	r->sent %= 300; /* bounded for speed: every unanswered seq is an entry */
	r->replies = calloc(r->n_replies + 1u, sizeof *r->replies);
	for (uint16_t i = 0; i < r->n_replies; i++)
		take(c, &r->replies[i], sizeof r->replies[i]);
}

/* Build a trace from the input (the caller frees the arrays). */
static void make_trace(struct cur *c, struct trace_result *r)
{
	take(c, r, sizeof *r);
	r->af = (r->af & 1) ? AF_INET6 : AF_INET;
	sane_times(&r->start, &r->end);
	r->dst_name = take_name(c);
	r->n_probes %= 128;
	r->n_mpls %= 16;
	r->probes = calloc(r->n_probes + 1u, sizeof *r->probes);
	r->mpls = calloc(r->n_mpls + 1u, sizeof *r->mpls);
	for (uint16_t i = 0; i < r->n_probes; i++)
		take(c, &r->probes[i], sizeof r->probes[i]);
	take(c, r->mpls, r->n_mpls * sizeof *r->mpls);
}

/* Each JSON line must parse as one object, printable ASCII, no key twice. */
static void check_json(const uint8_t *buf, size_t len)
{
	if (len == 0)
		return;
	for (size_t i = 0; i + 1 < len; i++)
		if (buf[i] < 0x20 || buf[i] >= 0x7f)
			abort();
	json_t *o = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
	if (o == NULL || !json_is_object(o))
		abort();
	json_decref(o);
}

/* The warts output of every result must be well framed, the JSON valid. */
static void check_output(enum result_format fmt, const uint8_t *buf, size_t len)
{
	if (fmt == RESULT_FORMAT_WARTS)
		check_warts(buf, len);
	if (fmt == RESULT_FORMAT_JSON)
		check_json(buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct cur c = { data + 1, size - 1 };
	if (data[0] & 1) {
		struct trace_result t;
		make_trace(&c, &t);
		fuzz_encode_all(NULL, &t, check_output);
		free(t.dst_name);
		free(t.probes);
		free(t.mpls);
	} else {
		struct ping_result p;
		make_ping(&c, &p);
		fuzz_encode_all(&p, NULL, check_output);
		free(p.dst_name);
		free(p.replies);
	}
	return 0;
}
