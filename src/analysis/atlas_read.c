/*
 * atlas_read: RIPE Atlas ping/traceroute JSON into records (see atlas_read.h).
 */
#include "analysis/atlas_read.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (1L << 30)
#define MAX_HOPS 64

/* Who measured: prb_id as decimal, else "from"; 0 or -1. */
static int get_probe(json_t *o, struct rec *r)
{
	json_t *id = json_object_get(o, "prb_id");
	if (json_is_integer(id)) {
		snprintf(r->probe, sizeof r->probe, "%lld", (long long)json_integer_value(id));
		return 0;
	}
	const char *from = json_string_value(json_object_get(o, "from"));
	if (!from || !from[0] || strlen(from) >= sizeof r->probe)
		return -1;
	snprintf(r->probe, sizeof r->probe, "%s", from);
	return 0;
}

/* A finite, non-negative RTT (ms) from a JSON number; 0 or -1. */
static int get_rtt(json_t *v, double *rtt)
{
	if (!json_is_number(v))
		return -1;
	double x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > 1e7)
		return -1;
	*rtt = x;
	return 0;
}

/* Add one RTT to r (ignored beyond REC_MAX_RTT) and track the minimum. */
static void add_rtt(struct rec *r, double rtt)
{
	if (r->nrtt < REC_MAX_RTT)
		r->rtt[r->nrtt++] = rtt;
	if (r->min < 0 || rtt < r->min)
		r->min = rtt;
}

/* A bounded counter field (sent/rcvd), or def when absent. */
static uint16_t get_count(json_t *o, const char *key, uint16_t def)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return def;
	json_int_t x = json_integer_value(v);
	return x < 0 ? 0 : x > 65535 ? 65535 : (uint16_t)x;
}

/* Ping: per-packet results, or the avg/min summary. */
static int parse_ping(json_t *o, struct rec *r, char *err, size_t errlen)
{
	json_t *res = json_object_get(o, "result");
	size_t i;
	json_t *e;
	uint16_t sent = 0, rcvd = 0;
	if (json_is_array(res)) {
		json_array_foreach(res, i, e) {
			if (json_object_get(e, "dup"))
				continue;
			sent++;
			double rtt;
			if (get_rtt(json_object_get(e, "rtt"), &rtt) == 0) {
				add_rtt(r, rtt);
				rcvd++;
			}
		}
	} else {
		double avg, min;
		if (get_rtt(json_object_get(o, "avg"), &avg) == 0)
			add_rtt(r, avg);
		if (get_rtt(json_object_get(o, "min"), &min) == 0)
			r->min = min;
	}
	r->sent = get_count(o, "sent", sent);
	r->rcvd = get_count(o, "rcvd", rcvd);
	if (r->rcvd > r->sent) {
		snprintf(err, errlen, "rcvd %u > sent %u", r->rcvd, r->sent);
		return -1;
	}
	return 0;
}

/* Append one hop's first responder (or "*") to the path text. */
static int path_append(char *path, size_t size, size_t *used, const char *hop)
{
	int n = snprintf(path + *used, size - *used, "%s%s", *used ? "|" : "", hop);
	if (n < 0 || (size_t)n >= size - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

/* One hop of a traceroute: first responder into the path; RTTs from dst. */
static int parse_hop(json_t *hop, struct rec *r, char *path, size_t size, size_t *used)
{
	json_t *replies = json_object_get(hop, "result"), *e;
	const char *first = NULL;
	size_t i;
	int reached = 0;
	json_array_foreach(replies, i, e) {
		const char *from = json_string_value(json_object_get(e, "from"));
		if (!from || strlen(from) > 45)
			continue;
		if (!first)
			first = from;
		double rtt;
		if (strcmp(from, r->dst) == 0 && get_rtt(json_object_get(e, "rtt"), &rtt) == 0) {
			add_rtt(r, rtt);
			reached = 1;
		}
	}
	if (path_append(path, size, used, first ? first : "*") < 0)
		return -1;
	return reached;
}

/* Traceroute: the path and whether (and how fast) the destination answered. */
static int parse_trace(json_t *o, struct rec *r, char *err, size_t errlen)
{
	json_t *hops = json_object_get(o, "result"), *hop;
	char path[MAX_HOPS * 48];
	size_t used = 0, i;
	int reached = 0;
	path[0] = '\0';
	if (!json_is_array(hops) || json_array_size(hops) > MAX_HOPS) {
		snprintf(err, errlen, "traceroute result is not an array of at most %d hops", MAX_HOPS);
		return -1;
	}
	json_array_foreach(hops, i, hop) {
		r->nrtt = 0; /* only the last hop's RTTs count */
		r->min = -1;
		reached = parse_hop(hop, r, path, sizeof path, &used);
		if (reached < 0)
			return -1;
	}
	r->path_len = (uint16_t)json_array_size(hops);
	r->path = strdup(path);
	r->sent = 1;
	r->rcvd = reached ? 1 : 0;
	if (!reached) {
		r->nrtt = 0;
		r->min = -1;
	}
	return r->path ? 0 : -1;
}

/* Fill r from one parsed result object; 0, 1 (not ping/trace) or -1. */
static int parse_object(json_t *o, struct rec *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->min = -1;
	if (!json_is_object(o)) {
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	const char *type = json_string_value(json_object_get(o, "type"));
	if (type && strcmp(type, "ping") != 0 && strcmp(type, "traceroute") != 0)
		return 1;
	const char *dst = json_string_value(json_object_get(o, "dst_addr"));
	if (!dst)
		dst = json_string_value(json_object_get(o, "dst_name"));
	json_t *ts = json_object_get(o, "timestamp");
	if (get_probe(o, r) < 0 || !dst || !dst[0] || strlen(dst) >= sizeof r->dst ||
	    !json_is_integer(ts)) {
		snprintf(err, errlen, "needs prb_id or from, dst_addr and an integer timestamp");
		return -1;
	}
	snprintf(r->dst, sizeof r->dst, "%s", dst);
	r->timestamp = json_integer_value(ts);
	int trace = type ? strcmp(type, "traceroute") == 0 :
		json_object_get(json_array_get(json_object_get(o, "result"), 0), "hop") != NULL;
	r->kind = trace ? REC_TRACE : REC_PING;
	return trace ? parse_trace(o, r, err, errlen) : parse_ping(o, r, err, errlen);
}

/* Parse one JSON object text into a record. */
int atlas_parse_line(const char *text, size_t len, struct rec *out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		memset(out, 0, sizeof *out);
		snprintf(err, errlen, "bad JSON: %s", je.text);
		return -1;
	}
	int rc = parse_object(o, out, err, errlen);
	json_decref(o);
	if (rc != 0) {
		free(out->path);
		out->path = NULL;
	}
	return rc;
}

/* Keep r if it is from probe (or probe is NULL); 1 added, 0 not, -1 error. */
static int keep(struct rec *r, const char *probe, struct rec_set *set)
{
	if (probe && strcmp(r->probe, probe) != 0) {
		free(r->path);
		r->path = NULL;
		return 0;
	}
	if (rec_set_add(set, r) < 0) {
		free(r->path);
		return -1;
	}
	return 1;
}

/* A JSON array of result objects. */
static long parse_array(const char *text, size_t len, const char *name, const char *probe,
			struct rec_set *set, char *err, size_t errlen)
{
	json_error_t je;
	json_t *a = json_loadb(text, len, 0, &je), *o;
	if (!json_is_array(a)) {
		snprintf(err, errlen, "%s:%d: bad JSON: %s", name, je.line, a ? "not an array" : je.text);
		json_decref(a);
		return -1;
	}
	long added = 0;
	size_t i;
	char why[200];
	json_array_foreach(a, i, o) {
		struct rec r;
		int rc = parse_object(o, &r, why, sizeof why);
		if (rc == 1)
			continue; /* not a ping or traceroute */
		if (rc == 0)
			rc = keep(&r, probe, set);
		else
			free(r.path);
		if (rc < 0) {
			snprintf(err, errlen, "%s: element %zu: %s", name, i, why);
			json_decref(a);
			return -1;
		}
		added += rc;
	}
	json_decref(a);
	return added;
}

/* JSON lines or an array; see header. */
long atlas_parse_text(const char *text, size_t len, const char *name, const char *probe,
		      struct rec_set *set, char *err, size_t errlen)
{
	size_t pos = 0;
	while (pos < len && strchr(" \t\r\n", text[pos]) && text[pos])
		pos++;
	if (pos < len && text[pos] == '[')
		return parse_array(text, len, name, probe, set, err, errlen);
	long added = 0;
	char why[200];
	for (long lineno = 1; pos < len; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		size_t blank = 0;
		while (blank < n && strchr(" \t\r", text[pos + blank]) && text[pos + blank])
			blank++;
		if (blank < n) {
			struct rec r;
			int rc = atlas_parse_line(text + pos, n, &r, why, sizeof why);
			if (rc == 0)
				rc = keep(&r, probe, set);
			else if (rc == 1)
				rc = 0; /* not a ping or traceroute */
			if (rc < 0) {
				snprintf(err, errlen, "%s:%ld: %s", name, lineno, why);
				return -1;
			}
			added += rc;
		}
		pos += n + 1;
	}
	return added;
}

/* Read a whole file into memory and parse it. */
long atlas_read_file(const char *path, const char *probe, struct rec_set *set,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			char *nb = cap < (size_t)MAX_FILE ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		free(buf);
		snprintf(err, errlen, "%s: cannot read (or larger than %ld bytes)", path, MAX_FILE);
		return -1;
	}
	long n = atlas_parse_text(buf, len, path, probe, set, err, errlen);
	free(buf);
	return n;
}
