/*
 * atlas_common: the fields every RIPE Atlas result object carries, the line
 * writer, and the mapping of ICMP unreachable codes to RIPE's "err" letters.
 */
#include "format/atlas_json.h"
#include "format/fmt_common.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

void atlas_addr_field(struct jstream *j, const char *key, uint8_t af,
		      const struct msm_addr *a)
{
	char buf[FMT_ADDR_LEN];
	js_key(j, key);
	js_str(j, fmt_addr(af, a, buf, sizeof buf));
}

/* Write key with an integer value. */
static void atlas_int_field(struct jstream *j, const char *key, long long v)
{
	js_key(j, key);
	js_int(j, v);
}

void atlas_common_fields(struct jstream *j, const char *type, uint8_t af,
			 const struct msm_addr *dst, const struct msm_addr *src,
			 const char *dst_name, const struct timespec *start,
			 const struct timespec *end, const struct atlas_meta *m)
{
	static const struct atlas_meta none = { .lts = -1 };
	if (m == NULL)
		m = &none;
	atlas_int_field(j, "fw", ATLAS_FW);
	atlas_int_field(j, "lts", m->lts);
	js_key(j, "type");
	js_str(j, type);
	js_key(j, "msm_name");
	js_str(j, strcmp(type, "ping") == 0 ? "Ping" : "Traceroute");
	atlas_int_field(j, "af", fmt_af_number(af));
	atlas_addr_field(j, "dst_addr", af, dst);
	js_key(j, "dst_name");
	js_str(j, dst_name ? dst_name : "");
	atlas_addr_field(j, "src_addr", af, src);
	/* "from" is the public address of the probe; ours is the source. */
	atlas_addr_field(j, "from", af, src);
	atlas_int_field(j, "timestamp", (long long)start->tv_sec);
	atlas_int_field(j, "endtime", (long long)end->tv_sec);
	atlas_int_field(j, "msm_id", (long long)m->msm_id);
	atlas_int_field(j, "prb_id", m->prb_id);
	atlas_int_field(j, "group_id", (long long)(m->group_id ? m->group_id : m->msm_id));
	js_key(j, "step");
	if (m->step)
		js_int(j, m->step);
	else
		js_null(j);
}

json_t *atlas_parse(const struct wbuf *b)
{
	if (!wbuf_ok(b))
		return NULL;
	return json_loadb((const char *)b->p, b->len, 0, NULL);
}

int atlas_json_write_line(FILE *f, const json_t *obj, char *err, size_t errlen)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(12));
	if (s == NULL) {
		snprintf(err, errlen, "json: could not encode a result (out of memory)");
		return -1;
	}
	int bad = fputs(s, f) == EOF || fputc('\n', f) == EOF;
	free(s);
	if (bad) {
		snprintf(err, errlen, "json: write failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* RIPE's letter for an ICMPv4 unreachable code, or NULL for port unreachable. */
static const char *unreach4(uint8_t code)
{
	switch (code) {
	case 0: return "N";
	case 1: return "H";
	case 2: return "P";
	case 3: return NULL;
	case 5: return "S";
	case 9: case 10: case 13: return "A";
	default: return "";
	}
}

/* RIPE's letter for an ICMPv6 unreachable code, or NULL for port unreachable. */
static const char *unreach6(uint8_t code)
{
	switch (code) {
	case 0: return "N";
	case 1: return "A";
	case 3: return "H";
	case 4: return NULL;
	default: return "";
	}
}

const char *atlas_unreach_err(uint8_t af, uint8_t type, uint8_t code, bool from_dst)
{
	bool is_unreach = (af == AF_INET && type == 3) || (af == AF_INET6 && type == 1);
	if (!is_unreach)
		return NULL;
	const char *l = af == AF_INET ? unreach4(code) : unreach6(code);
	if (l == NULL)
		/* port unreachable is the normal end of a UDP trace at the target */
		return from_dst ? NULL : "p";
	return l;
}

const char *atlas_ts_source_name(uint8_t ts)
{
	switch (ts) {
	case MSM_TS_KERNEL: return "kernel";
	case MSM_TS_MIXED: return "mixed";
	default: return "fallback";
	}
}
