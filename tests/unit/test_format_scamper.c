/*
 * Cross-check with scamper's own tools: the fixtures are written once as
 * warts and once as RIPE Atlas JSON; sc_warts2json, sc_warts2text and
 * sc_analysis_dump (Debian's scamper 20211212) must read the warts file and
 * report the same replies (hop or sequence, address, RTT) as our JSON.
 * warts keeps microseconds, our JSON nanoseconds: RTTs agree within 0.5 us
 * (plus the 3-decimal rounding of the text tools). Skipped when scamper's
 * tools are not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/result_sink.h"
#include "test_format_fixtures.h"

#define MAXOBS 64
#define NRESULTS 4

/* One reply as a tool reports it: hop TTL or ping seq, address, RTT (ms). */
struct obs {
	int key;
	int attempt;          /* 1-based attempt (analysis_dump), 0 if unknown */
	char addr[64];
	double rtt;
};

struct obsset {
	int n;
	struct obs o[MAXOBS];
};

struct files {
	char warts[64];
	char json[64];
};

/* Add an observation to a set. */
static void obs_add(struct obsset *s, int key, int attempt, const char *addr, double rtt)
{
	assert_true(s->n < MAXOBS);
	struct obs *o = &s->o[s->n++];
	o->key = key;
	o->attempt = attempt;
	snprintf(o->addr, sizeof o->addr, "%s", addr);
	o->rtt = rtt;
}

/* Both sets list the same replies in the same order; RTTs within tol ms. */
static void obs_compare(const struct obsset *ours, const struct obsset *theirs,
			double tol, const char *tool)
{
	if (ours->n != theirs->n)
		fail_msg("%s: %d replies, our JSON has %d", tool, theirs->n, ours->n);
	for (int i = 0; i < ours->n; i++) {
		const struct obs *a = &ours->o[i], *b = &theirs->o[i];
		if (a->key != b->key || strcmp(a->addr, b->addr) != 0 ||
		    fabs(a->rtt - b->rtt) > tol ||
		    (a->attempt && b->attempt && a->attempt != b->attempt))
			fail_msg("%s: reply %d is %d %s %.6f (try %d), our JSON says "
				 "%d %s %.6f (try %d)", tool, i, b->key, b->addr, b->rtt,
				 b->attempt, a->key, a->addr, a->rtt, a->attempt);
	}
}

/* Write the four fixtures as warts and as JSON into two temporary files. */
static void write_files(struct files *fl)
{
	char err[256];
	snprintf(fl->warts, sizeof fl->warts, "/tmp/vfmt-XXXXXX");
	snprintf(fl->json, sizeof fl->json, "/tmp/vfmt-XXXXXX");
	int fdw = mkstemp(fl->warts), fdj = mkstemp(fl->json);
	assert_true(fdw >= 0 && fdj >= 0);
	FILE *fw = fdopen(fdw, "w"), *fj = fdopen(fdj, "w");
	struct result_sink *sw = result_sink_open(RESULT_FORMAT_WARTS, fw, NULL, err, sizeof err);
	struct result_sink *sj = result_sink_open(RESULT_FORMAT_JSON, fj, NULL, err, sizeof err);
	assert_non_null(sw);
	assert_non_null(sj);
	struct ping_result *p4 = fx_ping4(), *p6 = fx_ping6();
	struct trace_result *t4 = fx_trace4(), *t6 = fx_trace6();
	struct result_sink *both[2] = { sw, sj };
	for (int i = 0; i < 2; i++) {
		assert_int_equal(result_sink_ping(both[i], p4, err, sizeof err), 0);
		assert_int_equal(result_sink_trace(both[i], t4, err, sizeof err), 0);
		assert_int_equal(result_sink_ping(both[i], p6, err, sizeof err), 0);
		assert_int_equal(result_sink_trace(both[i], t6, err, sizeof err), 0);
		assert_int_equal(result_sink_close(both[i], err, sizeof err), 0);
	}
	ping_result_free(p4);
	ping_result_free(p6);
	trace_result_free(t4);
	trace_result_free(t6);
	fclose(fw);
	fclose(fj);
}

/* The replies in one of our JSON objects (ping: by seq; trace: by hop). */
static void ours_from_json(json_t *o, struct obsset *s)
{
	bool ping = strcmp(json_string_value(json_object_get(o, "type")), "ping") == 0;
	const char *dst = json_string_value(json_object_get(o, "dst_addr"));
	json_t *res = json_object_get(o, "result"), *e, *hop;
	size_t i, j;
	memset(s, 0, sizeof *s);
	if (ping) {
		int seq = -1;
		json_array_foreach(res, i, e) {
			if (!json_object_get(e, "dup"))
				seq++;
			if (json_object_get(e, "x"))
				continue;
			json_t *from = json_object_get(e, "src_addr");
			obs_add(s, seq, 0, from ? json_string_value(from) : dst,
				json_real_value(json_object_get(e, "rtt")));
		}
		return;
	}
	json_array_foreach(res, i, hop) {
		int h = (int)json_integer_value(json_object_get(hop, "hop"));
		json_array_foreach(json_object_get(hop, "result"), j, e) {
			if (json_object_get(e, "x"))
				continue;
			obs_add(s, h, (int)j + 1, json_string_value(json_object_get(e, "from")),
				json_real_value(json_object_get(e, "rtt")));
		}
	}
}

/* Read our JSON file: one object per result. */
static void read_ours(const struct files *fl, struct obsset *sets)
{
	FILE *f = fopen(fl->json, "r");
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		json_t *o = json_loads(line, 0, NULL);
		assert_non_null(o);
		assert_true(n < NRESULTS);
		ours_from_json(o, &sets[n++]);
		json_decref(o);
	}
	fclose(f);
	assert_int_equal(n, NRESULTS);
}

/* Run a tool on the warts file; the caller pcloses. */
static FILE *run_tool(const char *tool, const struct files *fl)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "%s %s 2>&1", tool, fl->warts);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	return p;
}

/* The replies in one sc_warts2json object. */
static void theirs_from_w2j(json_t *o, struct obsset *s)
{
	bool ping = strcmp(json_string_value(json_object_get(o, "type")), "ping") == 0;
	json_t *arr = json_object_get(o, ping ? "responses" : "hops"), *e;
	size_t i;
	memset(s, 0, sizeof *s);
	json_array_foreach(arr, i, e) {
		int key = (int)json_integer_value(json_object_get(e, ping ? "seq" : "probe_ttl"));
		int att = ping ? 0 : (int)json_integer_value(json_object_get(e, "probe_id"));
		const char *addr = json_string_value(json_object_get(e, ping ? "from" : "addr"));
		obs_add(s, key, att, addr, json_number_value(json_object_get(e, "rtt")));
	}
}

static bool have_scamper(void)
{
	return access("/usr/bin/sc_warts2json", X_OK) == 0 &&
	       access("/usr/bin/sc_warts2text", X_OK) == 0 &&
	       access("/usr/bin/sc_analysis_dump", X_OK) == 0;
}

static void test_warts2json_agrees(void **state)
{
	struct files *fl = *state;
	if (fl == NULL)
		skip(); /* scamper's tools are not installed */
	struct obsset ours[NRESULTS], theirs;
	read_ours(fl, ours);
	FILE *p = run_tool("sc_warts2json", fl);
	char line[16384];
	int n = 0;
	while (fgets(line, sizeof line, p)) {
		json_t *o = json_loads(line, 0, NULL);
		if (o == NULL)
			fail_msg("sc_warts2json printed a non-JSON line: %s", line);
		const char *type = json_string_value(json_object_get(o, "type"));
		if (strcmp(type, "ping") == 0 || strcmp(type, "trace") == 0) {
			assert_true(n < NRESULTS);
			theirs_from_w2j(o, &theirs);
			obs_compare(&ours[n++], &theirs, 0.0005 + 1e-9, "sc_warts2json");
		}
		json_decref(o);
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(n, NRESULTS);
}

/* Parse one traceroute line of sc_warts2text (" 2  addr  0.034 ms ..."). */
static void w2t_trace_line(char *line, struct obsset *s)
{
	char *save = NULL, *tok = strtok_r(line, " \n", &save);
	int ttl = atoi(tok);
	char addr[48] = "";
	while ((tok = strtok_r(NULL, " \n", &save)) != NULL) {
		if (strchr(tok, ':') || strchr(tok, '.') != strrchr(tok, '.')) {
			snprintf(addr, sizeof addr, "%s", tok);
		} else if (strchr(tok, '.')) {
			char *ms = strtok_r(NULL, " \n", &save);
			if (ms && strcmp(ms, "ms") == 0)
				obs_add(s, ttl, 0, addr, atof(tok));
		}
	}
}

/* Parse one ping reply line of sc_warts2text. */
static void w2t_ping_line(const char *line, struct obsset *s)
{
	char addr[64];
	int seq;
	const char *t = strstr(line, "time=");
	if (sscanf(line, "%*u bytes from %63[^,], seq=%d", addr, &seq) == 2 && t)
		obs_add(s, seq, 0, addr, atof(t + 5));
}

static void test_warts2text_agrees(void **state)
{
	struct files *fl = *state;
	if (fl == NULL)
		skip(); /* scamper's tools are not installed */
	struct obsset ours[NRESULTS], theirs[NRESULTS];
	read_ours(fl, ours);
	memset(theirs, 0, sizeof theirs);
	FILE *p = run_tool("sc_warts2text", fl);
	char line[4096];
	int n = -1;
	bool ping = false;
	while (fgets(line, sizeof line, p)) {
		if (strncmp(line, "ping ", 5) == 0 || strncmp(line, "traceroute ", 11) == 0) {
			n++;
			assert_true(n < NRESULTS);
			ping = line[0] == 'p';
		} else if (n >= 0 && ping && strstr(line, " bytes from ")) {
			w2t_ping_line(line, &theirs[n]);
		} else if (n >= 0 && !ping && line[0] == ' ') {
			w2t_trace_line(line, &theirs[n]);
		}
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(n + 1, NRESULTS);
	for (int i = 0; i < NRESULTS; i++)
		obs_compare(&ours[i], &theirs[i], 0.0015, "sc_warts2text");
}

/* Put the destination's reply (reported in the header fields) before the
   other replies of its TTL, where our JSON lists it. */
static void dump_insert_dest(struct obsset *s, int ttl, const char *dst, double rtt)
{
	int at = 0;
	while (at < s->n && s->o[at].key < ttl)
		at++;
	assert_true(s->n < MAXOBS);
	memmove(&s->o[at + 1], &s->o[at], (size_t)(s->n - at) * sizeof s->o[0]);
	s->n++;
	s->o[at].key = ttl;
	s->o[at].attempt = 0;
	snprintf(s->o[at].addr, sizeof s->o[at].addr, "%s", dst);
	s->o[at].rtt = rtt;
}

/*
 * Parse one "T" line of sc_analysis_dump: the destination's first reply is
 * in the header (dst = column 3, replied R/N = 7, RTT = 8, its TTL = 9), the
 * others per hop from column 14 on: "IP,RTT,tries;..." or "q".
 */
static void dump_line(char *line, struct obsset *s)
{
	char *save = NULL, *field = strtok_r(line, "\t\n", &save);
	char dst[48] = "", replied = 'N';
	double dst_rtt = 0;
	int dst_ttl = 0;
	memset(s, 0, sizeof *s);
	for (int col = 1; field != NULL; col++, field = strtok_r(NULL, "\t\n", &save)) {
		if (col == 3)
			snprintf(dst, sizeof dst, "%s", field);
		else if (col == 7)
			replied = field[0];
		else if (col == 8)
			dst_rtt = atof(field);
		else if (col == 9)
			dst_ttl = atoi(field);
		if (col < 14 || strcmp(field, "q") == 0)
			continue;
		char *s2 = NULL;
		for (char *r = strtok_r(field, ";", &s2); r; r = strtok_r(NULL, ";", &s2)) {
			char addr[48];
			double rtt;
			int tries;
			if (sscanf(r, "%47[^,],%lf,%d", addr, &rtt, &tries) == 3)
				obs_add(s, col - 13, tries, addr, rtt);
		}
	}
	if (replied == 'R')
		dump_insert_dest(s, dst_ttl, dst, dst_rtt);
}

static void test_analysis_dump_agrees(void **state)
{
	struct files *fl = *state;
	if (fl == NULL)
		skip(); /* scamper's tools are not installed */
	struct obsset ours[NRESULTS], theirs;
	read_ours(fl, ours);
	FILE *p = run_tool("sc_analysis_dump", fl);
	char line[8192];
	int traces[] = { 1, 3 }, n = 0;
	while (fgets(line, sizeof line, p)) {
		if (line[0] != 'T')
			continue;
		assert_true(n < 2);
		dump_line(line, &theirs);
		obs_compare(&ours[traces[n++]], &theirs, 0.0015, "sc_analysis_dump");
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(n, 2);
}

static int setup(void **state)
{
	if (!have_scamper())
		return 0;
	struct files *fl = calloc(1, sizeof *fl);
	write_files(fl);
	*state = fl;
	return 0;
}

static int teardown(void **state)
{
	struct files *fl = *state;
	if (fl) {
		unlink(fl->warts);
		unlink(fl->json);
		free(fl);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warts2json_agrees),
		cmocka_unit_test(test_warts2text_agrees),
		cmocka_unit_test(test_analysis_dump_agrees),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
