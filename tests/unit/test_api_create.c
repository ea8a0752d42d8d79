/*
 * Tests of the create-request parser and the probe selection: a table of
 * request bodies (valid ones and each way of being wrong, with the field
 * the error must name), the runner definitions built from valid ones, and
 * selection by probes / asn / prefix / country / area / msm with tags and
 * counts over a fixed set of probes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_create.h"
#include "test_api_policy.h"
#include "api/api_select.h"


#define SRC "\"probes\":[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1}]"
#define PING "{\"type\":\"ping\",\"description\":\"d\""
#define T4 ",\"af\":4,\"target\":\"198.18.1.2\""

struct createcase {
	const char *body;
	const char *why;          /* NULL: valid */
};

static const struct createcase creates[] = {
	{ "{\"definitions\":[" PING T4 "}]," SRC "}", NULL },
	{ "{\"definitions\":[" PING T4 ",\"packets\":16,\"size\":2048,\"interval\":60,\"spread\":30}],"
	  SRC ",\"start_time\":100,\"stop_time\":200}", NULL },
	{ "{\"definitions\":[{\"type\":\"traceroute\",\"af\":6,\"target\":\"2001:db8::1\","
	  "\"protocol\":\"TCP\",\"paris\":16,\"max_hops\":30,\"port\":80}]," SRC ",\"is_oneoff\":true}",
	  NULL },
	{ "{\"definitions\":[" PING ",\"af\":4,\"target\":\"192.0.2.1\"}]," SRC "}", "Documentation (TEST-NET-1) (IANA IPv4 Special-Purpose Address Registry, RFC 5737)" },
	{ "{\"definitions\":[" PING ",\"af\":4,\"target\":\"www.example..org\"}]," SRC "}", "neither an IP address nor a host name" },
	{ "{\"definitions\":[" PING ",\"af\":6,\"target\":\"198.18.1.2\"}]," SRC "}", "not an IPv6 address" },
	{ "{\"definitions\":[" PING ",\"af\":5,\"target\":\"198.18.1.2\"}]," SRC "}", "af" },
	{ "{\"definitions\":[{\"type\":\"dns\",\"af\":4,\"target\":\"198.18.1.2\"}]," SRC "}",
	  "definitions[0].type" },
	{ "{\"definitions\":[" PING T4 ",\"packets\":17}]," SRC "}", "definitions[0].packets" },
	{ "{\"definitions\":[" PING T4 ",\"paris\":3}]," SRC "}", "paris: not an option of ping" },
	{ "{\"definitions\":[" PING T4 ",\"protocol\":\"SCTP\"}]," SRC "}", "protocol" },
	/* checked by the types' own parsers, as the agents check them */
	{ "{\"definitions\":[{\"type\":\"traceroute\"" T4 ",\"first_hop\":9,\"max_hops\":5}],"
	  SRC "}", "definitions[0].first_hop: 9 is above max_hops 5" },
	{ "{\"definitions\":[{\"type\":\"traceroute\"" T4 ",\"protocol\":\"TCP\","
	  "\"tcp_flags\":\"FIN\"}]," SRC "}", "definitions[0].tcp_flags" },
	{ "{\"definitions\":[" PING T4 ",\"packets\":[3]}]," SRC "}",
	  "definitions[0].packets: not an integer" },
	{ "{\"definitions\":[" PING T4 ",\"packet_interval\":1}]," SRC "}",
	  "definitions[0].packet_interval" },
	{ "{\"definitions\":[" PING T4 ",\"interval\":1}]," SRC "}", "interval" },
	{ "{\"definitions\":[" PING T4 ",\"bogus\":1}]," SRC "}", "bogus: unknown field" },
	{ "{\"definitions\":[" PING T4 "}]," SRC ",\"extra\":1}", "extra: unknown field" },
	{ "{\"definitions\":[]," SRC "}", "definitions" },
	{ "{\"definitions\":[" PING T4 "}]}", "probes" },
	{ "{\"definitions\":[" PING T4 "}],\"probes\":[{\"type\":\"planet\",\"value\":\"x\","
	  "\"requested\":1}]}", "probes[0].type" },
	{ "{\"definitions\":[" PING T4 "}],\"probes\":[{\"type\":\"asn\",\"value\":\"1\","
	  "\"requested\":0}]}", "requested" },
	{ "{\"definitions\":[" PING T4 "}],\"probes\":[{\"type\":\"asn\",\"value\":\"1\","
	  "\"requested\":1,\"tags\":{\"include\":[1]}}]}", "tags.include" },
	{ "{\"definitions\":[" PING T4 "}]," SRC ",\"start_time\":200,\"stop_time\":100}", "stop_time" },
	{ "{\"definitions\":[" PING T4 "}]," SRC ",\"is_oneoff\":\"yes\"}", "is_oneoff" },
	{ "{\"definitions\":[{\"type\":\"ping\",\"description\":7" T4 "}]," SRC "}",
	  "description: must be a string" },
	{ "{\"definitions\":[", "not JSON" },
	{ "[]", "JSON object" },
	{ "{\"definitions\":[" PING T4 "}]," SRC ",\"is_oneoff\":true,\"is_oneoff\":false}", "not JSON" },
};

static void test_create_table(void **state)
{
	(void)state;
	struct api_limits lim = { lab_policy(), NULL, 10 };
	struct api_create *c = malloc(sizeof *c);
	for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++) {
		char err[512] = "";
		int rc = api_create_parse(creates[i].body, strlen(creates[i].body), &lim, c, err,
					  sizeof err);
		if (!creates[i].why) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err);
			api_create_free(c);
			continue;
		}
		assert_int_equal(rc, -1);
		if (!strstr(err, creates[i].why))
			fail_msg("case %zu: '%s' does not name '%s'", i, err, creates[i].why);
	}
	free(c);
}

/* Without the lab's lines the same create is refused, naming the registry entry. */
static void test_create_default_policy(void **state)
{
	(void)state;
	static struct target_policy tp;
	targets_init(&tp);
	struct api_limits lim = { &tp, NULL, 10 };
	struct api_create *c = malloc(sizeof *c);
	const char *body = "{\"definitions\":[" PING T4 "}]," SRC "}";
	char err[512] = "";
	assert_int_equal(api_create_parse(body, strlen(body), &lim, c, err, sizeof err), -1);
	if (!strstr(err, "definitions[0].target: ") || !strstr(err, "198.18.0.0/15, Benchmarking"
	    " (IANA IPv4 Special-Purpose Address Registry, RFC 2544)"))
		fail_msg("'%s'", err);
	const char *pub = "{\"definitions\":[" PING ",\"af\":4,\"target\":\"193.0.14.129\"}]," SRC "}";
	assert_int_equal(api_create_parse(pub, strlen(pub), &lim, c, err, sizeof err), 0);
	api_create_free(c);
	free(c);
}

/* Host names are kept for the caller to resolve; the address goes through the policy. */
static void test_create_host_names(void **state)
{
	(void)state;
	static const struct { const char *name; int ok; } names[] = {
		{ "example.net", 1 }, { "a-b.example.net.", 1 }, { "_srv.example", 1 }, { "localhost", 1 },
		{ "bad..name", 0 }, { "-x.net", 0 }, { "x-.net", 0 }, { "1.2.3", 0 }, { "a b.net", 0 },
		{ ".", 0 }, { "", 0 }, { "a.b/24", 0 }, { "ex%ample.net", 0 },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (api_hostname_valid(names[i].name) != names[i].ok)
			fail_msg("'%s': want %d", names[i].name, names[i].ok);
	char long_label[80];
	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".net");
	assert_false(api_hostname_valid(long_label));

	struct api_limits lim = { lab_policy(), NULL, 10 };
	struct api_create *c = malloc(sizeof *c);
	const char *body = "{\"definitions\":[" PING ",\"af\":4,\"target\":\"lab.example\"}," PING
			   ",\"af\":6,\"target\":\"lab.example\"}]," SRC "}";
	char err[512] = "";
	assert_int_equal(api_create_parse(body, strlen(body), &lim, c, err, sizeof err), 0);
	assert_true(api_create_needs_lookup(c));
	assert_true(c->defs[0].resolve && c->defs[1].resolve);
	assert_int_equal(api_def_resolved(c, 0, "10.1.2.3", &lim, err, sizeof err), -1);
	assert_non_null(strstr(err, "definitions[0].target: lab.example resolved: 10.1.2.3 is in"
				    " 10.0.0.0/8, Private-Use"));
	assert_int_equal(api_def_resolved(c, 1, "198.18.1.9", &lim, err, sizeof err), -1);
	assert_non_null(strstr(err, "lab.example has no IPv6 address"));
	assert_int_equal(api_def_resolved(c, 0, "198.18.1.9", &lim, err, sizeof err), 0);
	assert_true(api_create_needs_lookup(c));
	assert_int_equal(api_def_resolved(c, 1, "2001:db8::9", &lim, err, sizeof err), 0);
	assert_false(api_create_needs_lookup(c));
	assert_string_equal(json_string_value(json_object_get(c->defs[0].run, "target")), "198.18.1.9");
	assert_string_equal(c->defs[1].target, "2001:db8::9");
	api_create_free(c);
	const char *bad = "{\"definitions\":[" PING ",\"af\":4,\"target\":\"bad..name\"}]," SRC "}";
	assert_int_equal(api_create_parse(bad, strlen(bad), &lim, c, err, sizeof err), -1);
	assert_non_null(strstr(err, "neither an IP address nor a host name"));
	free(c);
}

/* A valid request: the runner definition and the schedule. */
static void test_create_mapping(void **state)
{
	(void)state;
	struct api_limits lim = { lab_policy(), NULL, 10 };
	struct api_create *c = malloc(sizeof *c);
	const char *body = "{\"definitions\":[" PING T4 ",\"packets\":5,\"interval\":120,\"spread\":5,"
			   "\"is_public\":true}," PING T4 ",\"is_oneoff\":true}]," SRC ",\"start_time\":50}";
	char err[256];
	assert_int_equal(api_create_parse(body, strlen(body), &lim, c, err, sizeof err), 0);
	assert_int_equal(c->ndefs, 2);
	assert_int_equal(c->start, 50);
	char *run = json_dumps(c->defs[0].run, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(run, "{\"af\":4,\"packets\":5,\"target\":\"198.18.1.2\",\"type\":\"ping\"}");
	free(run);
	assert_int_equal(c->defs[0].interval, 120);
	assert_int_equal(c->defs[0].spread, 5);
	assert_int_equal(c->defs[0].is_oneoff, 0);
	assert_int_equal(c->defs[1].is_oneoff, 1);
	assert_int_equal(c->defs[1].interval, 0);
	assert_string_equal(c->defs[0].description, "d");
	api_create_free(c);
	free(c);
}

/* The probes selection tests choose from. */
static json_t *probes(void)
{
	return json_loads("["
		"{\"id\":1,\"asn_v4\":64500,\"country_code\":\"NL\",\"address_v4\":\"198.18.0.2\","
		" \"status\":{\"id\":2},\"tags\":[{\"slug\":\"home\",\"name\":\"home\"}],"
		" \"geometry\":{\"type\":\"Point\",\"coordinates\":[4.9,52.37]}},"
		"{\"id\":2,\"asn_v4\":64500,\"country_code\":\"NL\",\"address_v4\":\"198.18.0.6\","
		" \"status\":{\"id\":1},\"tags\":[],"
		" \"geometry\":{\"type\":\"Point\",\"coordinates\":[-46.63,-23.55]}},"
		"{\"id\":3,\"asn_v4\":64502,\"country_code\":\"DE\",\"address_v4\":\"198.18.9.2\","
		" \"status\":{\"id\":1},\"tags\":[{\"slug\":\"home\",\"name\":\"home\"}]}]", 0, NULL);
}

/* Participants of measurement 77 are probes 3 and 1. */
static int msm77(void *arg, int64_t msm, json_t **ids, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	*ids = msm == 77 ? json_pack("[i,i]", 3, 1) : json_array();
	return 0;
}

struct selcase {
	const char *sources;      /* the probes array of a create request */
	const char *want;         /* chosen ids, "1,2", or NULL when an error */
	const char *why;
};

static const struct selcase selections[] = {
	{ "[{\"type\":\"area\",\"value\":\"WW\",\"requested\":3}]", "2,3,1", NULL },
	{ "[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1}]", "2", NULL },
	/* fewer than requested: what there is (RIPE creates the measurement with them) */
	{ "[{\"type\":\"area\",\"value\":\"WW\",\"requested\":4}]", "2,3,1", NULL },
	/* regional areas and radius by location: 1 Amsterdam, 2 Sao Paulo, 3 none */
	{ "[{\"type\":\"area\",\"value\":\"West\",\"requested\":1}]", "2", NULL },
	{ "[{\"type\":\"area\",\"value\":\"North-Central\",\"requested\":5}]", "1", NULL },
	{ "[{\"type\":\"area\",\"value\":\"North-East\",\"requested\":5}]", "", NULL },
	{ "[{\"type\":\"area\",\"value\":\"ww\",\"requested\":1}]", NULL, "not an area" },
	{ "[{\"type\":\"radius\",\"value\":\"52.52,13.40:578\",\"requested\":3}]", "1", NULL },
	{ "[{\"type\":\"radius\",\"value\":\"52.52,13.40:576\",\"requested\":3}]", "", NULL },
	{ "[{\"type\":\"radius\",\"value\":\"0,0:20038\",\"requested\":3}]", "2,1", NULL },
	{ "[{\"type\":\"radius\",\"value\":\"52.52,13.40\",\"requested\":1}]", NULL,
	  "probes[0].value: '52.52,13.40' is not LAT,LON:KM" },
	{ "[{\"type\":\"area\",\"value\":\"Mars\",\"requested\":1}]", NULL, "not an area" },
	{ "[{\"type\":\"asn\",\"value\":64500,\"requested\":2}]", "2,1", NULL },
	{ "[{\"type\":\"asn\",\"value\":\"AS1\",\"requested\":2}]", NULL, "probes[0].value" },
	{ "[{\"type\":\"country\",\"value\":\"de\",\"requested\":1}]", "3", NULL },
	/* RIPE's "countries": a comma-separated list */
	{ "[{\"type\":\"countries\",\"value\":\"FR,de\",\"requested\":3}]", "3", NULL },
	{ "[{\"type\":\"countries\",\"value\":\"NL,DE\",\"requested\":3}]", "2,3,1", NULL },
	{ "[{\"type\":\"countries\",\"value\":\"FR\",\"requested\":3}]", "", NULL },
	{ "[{\"type\":\"countries\",\"value\":\"NL,\",\"requested\":1}]", NULL,
	  "not a comma-separated list of two-letter country codes" },
	{ "[{\"type\":\"countries\",\"value\":\"NLD\",\"requested\":1}]", NULL,
	  "not a comma-separated list" },
	{ "[{\"type\":\"countries\",\"value\":\"N1\",\"requested\":1}]", NULL,
	  "not a comma-separated list" },

	{ "[{\"type\":\"prefix\",\"value\":\"198.18.0.0/24\",\"requested\":2}]", "2,1", NULL },
	{ "[{\"type\":\"prefix\",\"value\":\"198.18.0.1/24\",\"requested\":1}]", NULL, "prefix" },
	{ "[{\"type\":\"probes\",\"value\":\"3,1\",\"requested\":2}]", "3,1", NULL },
	{ "[{\"type\":\"probes\",\"value\":\"3,9\",\"requested\":1}]", NULL, "probe 9 does not exist" },
	{ "[{\"type\":\"msm\",\"value\":77,\"requested\":2}]", "3,1", NULL },
	{ "[{\"type\":\"area\",\"value\":\"WW\",\"requested\":2,"
	  "\"tags\":{\"include\":[\"home\"]}}]", "3,1", NULL },
	{ "[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1,"
	  "\"tags\":{\"exclude\":[\"home\"]}}]", "2", NULL },
	{ "[{\"type\":\"asn\",\"value\":64500,\"requested\":1},"
	  "{\"type\":\"area\",\"value\":\"WW\",\"requested\":2}]", "2,3,1", NULL },
};

/* Selection types refused when the request is read: RIPE's "region" (documented,
   not served here: no country-to-region table) and a type RIPE does not have. */
static void test_select_types_refused(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "region", "probes[0].type: 'region' is not served on this platform" },
		{ "continent", "probes[0].type: 'continent' is not one of probes, asn, prefix,"
		  " country, countries, area, msm, radius" },
	};
	/* a field RIPE's probes object does not have is refused by name, never ignored */
	static const char *const fields[][2] = {
		{ "\"type\":\"area\",\"value\":\"WW\",\"requested\":1,\"tags_include\":[\"a\"]",
		  "probes[0].tags_include: unknown field" },
		{ "\"type\":\"area\",\"value\":\"WW\",\"requested\":1,\"tags\":{\"incude\":[\"a\"]}",
		  "probes[0].tags.incude: unknown field" },
		{ "\"type\":\"area\",\"value\":\"WW\",\"requested\":1,\"action\":\"add\"",
		  "probes[0].action: unknown field" },
	};
	struct api_create *c = malloc(sizeof *c);
	struct api_limits lim = { lab_policy(), NULL, 10 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char body[512], err[256] = "";
		snprintf(body, sizeof body, "{\"definitions\":[" PING T4 "}],\"probes\":[{\"type\":"
			 "\"%s\",\"value\":\"europe\",\"requested\":1}]}", cases[i][0]);
		assert_int_equal(api_create_parse(body, strlen(body), &lim, c, err, sizeof err), -1);
		if (!strstr(err, cases[i][1]))
			fail_msg("%s: '%s'", cases[i][0], err);
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		char body[512], err[256] = "";
		snprintf(body, sizeof body, "{\"definitions\":[" PING T4 "}],\"probes\":[{%s}]}",
			 fields[i][0]);
		assert_int_equal(api_create_parse(body, strlen(body), &lim, c, err, sizeof err), -1);
		if (!strstr(err, fields[i][1]))
			fail_msg("%s: '%s'", fields[i][0], err);
	}
	free(c);
}

static void test_select_table(void **state)
{
	(void)state;
	json_t *p = probes();
	struct api_create *c = malloc(sizeof *c);
	for (size_t i = 0; i < sizeof selections / sizeof selections[0]; i++) {
		const struct selcase *s = &selections[i];
		char body[1024], err[256] = "", got[64] = "";
		snprintf(body, sizeof body, "{\"definitions\":[" PING T4 "}],\"probes\":%s}", s->sources);
		struct api_limits lim = { lab_policy(), NULL, 10 };
		assert_int_equal(api_create_parse(body, strlen(body), &lim, c, err, sizeof err), 0);
		int64_t *ids = NULL;
		size_t n = 0;
		int rc = api_select(p, c, msm77, NULL, &ids, &n, err, sizeof err);
		for (size_t k = 0; rc == 0 && k < n; k++)
			snprintf(got + strlen(got), sizeof got - strlen(got), k ? ",%lld" : "%lld",
				 (long long)ids[k]);
		if (s->want && (rc != 0 || strcmp(got, s->want) != 0))
			fail_msg("case %zu: got '%s' (%s), want '%s'", i, got, err, s->want);
		if (!s->want && (rc == 0 || !strstr(err, s->why)))
			fail_msg("case %zu: '%s' does not name '%s'", i, err, s->why);
		free(ids);
		api_create_free(c);
	}
	free(c);
	json_decref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_table),
		cmocka_unit_test(test_create_default_policy),
		cmocka_unit_test(test_create_host_names),
		cmocka_unit_test(test_create_mapping),
		cmocka_unit_test(test_select_table),
		cmocka_unit_test(test_select_types_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
