/*
 * atlas_common: the fields every RIPE Atlas result object carries, the line
 * writer, and the mapping of ICMP unreachable codes to RIPE's "err" letters.
 */
#include "format/atlas_json.h"
#include "format/fmt_common.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int atlas_set(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

/* Set key to the text of address a of family af. */
static int atlas_set_addr(json_t *o, const char *key, uint8_t af,
			  const struct msm_addr *a)
{
	char buf[FMT_ADDR_LEN];
	return atlas_set(o, key, json_string(fmt_addr(af, a, buf, sizeof buf)));
}

json_t *atlas_finish(json_t *o, json_t *arr, int rc)
{
	if (rc != 0 || o == NULL || arr == NULL) {
		json_decref(arr);
		json_decref(o);
		return NULL;
	}
	if (json_object_set_new(o, "result", arr) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int atlas_common_fields(json_t *o, const char *type, uint8_t af,
			const struct msm_addr *dst, const struct msm_addr *src,
			const char *dst_name, const struct timespec *start,
			const struct timespec *end, const struct atlas_meta *m)
{
	static const struct atlas_meta none = { .lts = -1 };
	if (m == NULL)
		m = &none;
	uint64_t group = m->group_id ? m->group_id : m->msm_id;
	int rc = 0;
	rc |= atlas_set(o, "fw", json_integer(ATLAS_FW));
	rc |= atlas_set(o, "lts", json_integer(m->lts));
	rc |= atlas_set(o, "type", json_string(type));
	rc |= atlas_set(o, "msm_name", json_string(strcmp(type, "ping") == 0 ?
						  "Ping" : "Traceroute"));
	rc |= atlas_set(o, "af", json_integer(fmt_af_number(af)));
	rc |= atlas_set_addr(o, "dst_addr", af, dst);
	rc |= atlas_set(o, "dst_name", json_string(dst_name ? dst_name : ""));
	rc |= atlas_set_addr(o, "src_addr", af, src);
	/* "from" is the public address of the probe; ours is the source. */
	rc |= atlas_set_addr(o, "from", af, src);
	rc |= atlas_set(o, "timestamp", json_integer((json_int_t)start->tv_sec));
	rc |= atlas_set(o, "endtime", json_integer((json_int_t)end->tv_sec));
	rc |= atlas_set(o, "msm_id", json_integer((json_int_t)m->msm_id));
	rc |= atlas_set(o, "prb_id", json_integer(m->prb_id));
	rc |= atlas_set(o, "group_id", json_integer((json_int_t)group));
	rc |= atlas_set(o, "step", m->step ? json_integer(m->step) : json_null());
	return rc ? -1 : 0;
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

/* Where the RTTs were timed, as text (a vantage field beside RIPE's). */
const char *atlas_ts_source_name(uint8_t ts)
{
	switch (ts) {
	case MSM_TS_KERNEL: return "kernel";
	case MSM_TS_MIXED: return "mixed";
	default: return "fallback";
	}
}
