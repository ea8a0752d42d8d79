/*
 * Table tests of what RIPE Atlas clients send beyond the happy path: every
 * query parameter on every endpoint (a filter where it is one, refused by
 * name everywhere else, never ignored), the /probes/ filters over a fixed
 * set of probe objects, the "fields" projection, ISO-8601 times, and every
 * definition field RIPE documents for ping and traceroute (stored and
 * echoed, turned into the runner's option, or refused with the reason).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_anchor.h"
#include "api/api_create.h"
#include "test_api_policy.h"
#include "api/api_fields.h"
#include "api/api_probe_filter.h"
#include "api/api_query.h"
#include "api/api_time.h"

/* A valid value of every parameter of the table (api_query.c). */
static const struct { const char *name, *value; } samples[] = {
	{ "radius", "52.37,4.9:10" }, { "latitude", "52.37" }, { "longitude", "4.9" },
	{ "latitude__gt", "-10" }, { "latitude__gte", "0" }, { "latitude__lt", "60.5" },
	{ "latitude__lte", "90" }, { "longitude__gt", "-180" }, { "longitude__gte", "-30" },
	{ "longitude__lt", "60" }, { "longitude__lte", "180" },
	{ "key", "k" }, { "page", "2" }, { "page_size", "10" }, { "format", "json" },
	{ "start", "100" }, { "stop", "2026-12-02T00:00:00Z" }, { "probe_ids", "1,2-4" },
	{ "anchors_only", "true" }, { "public_only", "false" }, { "versions", "1" },
	{ "lookback_days", "7" }, { "id", "3" }, { "id__in", "3,4" }, { "id__gt", "3" },
	{ "id__gte", "3" }, { "id__lt", "3" }, { "id__lte", "3" }, { "sort", "-id" },
	{ "fields", "id,status" }, { "optional_fields", "probes" }, { "status", "2" },
	{ "status__in", "1,2" }, { "type", "ping" }, { "af", "6" }, { "target", "a.example" },
	{ "target__contains", "example" }, { "description", "d" },
	{ "description__contains", "d" }, { "search", "x" }, { "tags", "a,b" },
	{ "is_public", "true" }, { "current_probes", "5" }, { "start_time", "100" },
	{ "start_time__gt", "2026-01-01" }, { "start_time__gte", "100" },
	{ "start_time__lt", "100" }, { "start_time__lte", "100" }, { "stop_time", "100" },
	{ "stop_time__gt", "100" }, { "stop_time__gte", "100" }, { "stop_time__lt", "100" },
	{ "stop_time__lte", "100" }, { "is_anchor", "false" }, { "country_code", "NL" },
	{ "country_code__in", "NL,DE" }, { "asn", "64500" }, { "asn_v4", "64500" },
	{ "asn_v4__in", "64500,64502" }, { "asn_v6", "64500" }, { "asn_v6__in", "64500" },
	{ "prefix", "198.18.0.0/15" }, { "prefix_v4", "198.18.0.0/15" },
	{ "prefix_v6", "2001:db8::/32" }, { "country", "NL" }, { "as_v4", "64500" },
	{ "as_v6", "64501" }, { "max_packet_loss", "50" }, { "show_all", "true" },
	{ "permitted_total_alerts", "2" }, { "lookback", "3" }, { "median_rtt_threshold", "2.5" },
};

/* Parameters refused on every endpoint, with the reason they must give. */
static const struct { const char *name, *value, *why; } refused[] = {
	{ "bogus", "1", "bogus: unknown filter" },
	{ "Status", "1", "Status: unknown filter" }, { "id__contains", "1", "unknown filter" },
};

/* True if name is one of the parameters refused everywhere. */
static int always_refused(const char *name)
{
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (strcmp(refused[i].name, name) == 0)
			return 1;
	return 0;
}

static const char *sample_of(const char *name)
{
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		if (strcmp(samples[i].name, name) == 0)
			return samples[i].value;
	return NULL;
}

/* Every parameter on every endpoint: a filter where the table says, refused elsewhere. */
static void test_every_parameter_on_every_endpoint(void **state)
{
	(void)state;
	struct api_query *q = malloc(sizeof *q);
	uint64_t routes;
	const char *name;
	for (size_t i = 0; (name = api_query_param(i, &routes)); i++) {
		const char *v = sample_of(name);
		if (!v && always_refused(name))
			continue;   /* checked below */
		if (!v)
			fail_msg("parameter %s has no sample in this test: add one", name);
		char text[256], err[256] = "";
		snprintf(text, sizeof text, "%s=%s", name, v);
		if (api_query_parse(text, strlen(text), q, err, sizeof err) < 0)
			fail_msg("%s: sample refused: %s", text, err);
		for (int k = ROUTE_MSM_LIST; k < ROUTE_KIND_COUNT; k++) {
			int rc = api_query_check_route(q, (enum api_route_kind)k, err, sizeof err);
			if ((routes >> k) & 1)
				assert_int_equal(rc, 0);
			else if (rc == 0 || !strstr(err, name))
				fail_msg("%s accepted on route %d where it filters nothing", name, k);
		}
	}
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char text[128], err[256] = "";
		snprintf(text, sizeof text, "%s=%s", refused[i].name, refused[i].value);
		assert_int_equal(api_query_parse(text, strlen(text), q, err, sizeof err), -1);
		if (!strstr(err, refused[i].why))
			fail_msg("%s: '%s' does not say '%s'", text, err, refused[i].why);
	}
	free(q);
}

/* Values a filter parses into, and bad values named. */
static const struct { const char *query; int ok; const char *why; } values[] = {
	{ "status__in=1,2,6", 1, NULL }, { "status__in=1,,2", 0, "status__in" },
	{ "status=9", 0, "status" }, { "af=5", 0, "af: must be 4 or 6" },
	{ "is_public=yes", 0, "is_public" }, { "start_time__gt=yesterday", 0, "ISO-8601" },
	{ "versions=2", 1, NULL }, { "versions=50", 1, NULL }, { "versions=51", 0, "versions" },
	{ "versions=0", 0, "versions" }, { "lookback_days=0", 0, "lookback_days" },
	{ "max_packet_loss=101", 0, "max_packet_loss" }, { "lookback=11", 0, "lookback" },
	{ "lookback=0", 0, "lookback" }, { "median_rtt_threshold=-1", 0, "median_rtt_threshold" },
	{ "median_rtt_threshold=1e", 0, "median_rtt_threshold" }, { "show_all=2", 0, "show_all" },
	{ "asn_v4=AS1", 0, "asn_v4" }, { "id__gt=x", 0, "id__gt" },
	{ "asn_v4__in=64500,x", 0, "asn_v4__in" }, { "asn_v6__in=1,,2", 0, "asn_v6__in" },
	{ "target=", 0, "target: must be 1 to" }, { "format=txt", 1, NULL },
	{ "radius=51.5,0.12:10", 1, NULL }, { "radius=51.5,0.12", 0, "radius: '51.5,0.12'" },
	{ "radius=91,0:1", 0, "radius" }, { "radius=0,0:-1", 0, "radius" },
	{ "latitude__gte=90.5", 0, "latitude__gte" }, { "longitude=east", 0, "longitude" },
	{ "longitude__lt=-180", 1, NULL }, { "latitude__lte=1e3", 0, "latitude__lte" },
};

static void test_filter_values(void **state)
{
	(void)state;
	struct api_query *q = malloc(sizeof *q);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char err[256] = "";
		int rc = api_query_parse(values[i].query, strlen(values[i].query), q, err, sizeof err);
		if (rc != (values[i].ok ? 0 : -1) || (!values[i].ok && !strstr(err, values[i].why)))
			fail_msg("%s: rc %d, '%s'", values[i].query, rc, err);
	}
	const char *t = "status__in=1,2,6&start_time__gte=100&stop_time__lt=2026-12-02";
	assert_int_equal(api_query_parse(t, strlen(t), q, NULL, 0), 0);
	assert_int_equal(q->status_mask, (1u << 1) | (1u << 2) | (1u << 6));
	assert_int_equal(q->start_time.gt, 99);
	assert_int_equal(q->stop_time.lt, 1796169600);
	/* format=txt is served by the results alone */
	char err[128];
	assert_int_equal(api_query_parse("format=txt", 10, q, err, sizeof err), 0);
	assert_int_equal(api_query_check_route(q, ROUTE_MSM_RESULTS, err, sizeof err), 0);
	assert_int_equal(api_query_check_route(q, ROUTE_PROBE_LIST, err, sizeof err), -1);
	free(q);
}

/* ISO-8601 and integer times. */
static void test_times(void **state)
{
	(void)state;
	static const struct { const char *text; int64_t want; } t[] = {
		{ "0", 0 }, { "1700000000", 1700000000 }, { "1970-01-01", 0 },
		{ "2026-12-02T00:00:00Z", 1796169600 }, { "2026-12-02T01:02:03", 1796173323 },
		{ "2026-12-02T01:02", 1796173320 }, { "2026-12-02T01:02:03.5Z", 1796173323 },
		{ "2026-12-02T01:00:00+01:00", 1796169600 }, { "2024-02-29", 1709164800 },
		{ "2023-02-29", -1 }, { "2026-12-02T24:00:00", -1 }, { "2026-12-02T01:00:00+1", -1 },
		{ "-5", -1 }, { "12/02/2026", -1 }, { "", -1 }, { "2026-12-02Tx", -1 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t v = -1;
		int rc = api_time_parse(t[i].text, &v);
		if (t[i].want < 0 ? rc == 0 : (rc != 0 || v != t[i].want))
			fail_msg("'%s': rc %d value %lld", t[i].text, rc, (long long)v);
	}
}

/* The probes the /probes/ filter tests choose from. */
static json_t *probes(void)
{
	return json_loads("["
		"{\"id\":1,\"asn_v4\":64500,\"asn_v6\":null,\"country_code\":\"NL\","
		" \"address_v4\":\"198.18.0.2\",\"address_v6\":null,\"is_public\":true,"
		" \"is_anchor\":false,\"status\":{\"id\":2},"
		" \"geometry\":{\"type\":\"Point\",\"coordinates\":[4.9,52.37]},"
		" \"tags\":[{\"slug\":\"home\"},{\"slug\":\"system-ipv4-capable\"}]},"
		"{\"id\":2,\"asn_v4\":64500,\"asn_v6\":64501,\"country_code\":\"NL\","
		" \"address_v4\":\"198.18.0.6\",\"address_v6\":\"2001:db8::2\",\"is_public\":true,"
		" \"is_anchor\":true,\"status\":{\"id\":1},"
		" \"geometry\":{\"type\":\"Point\",\"coordinates\":[-74.01,40.71]},"
		" \"tags\":[{\"slug\":\"system-ipv4-works\"},{\"slug\":\"system-ipv6-works\"}]},"
		"{\"id\":3,\"asn_v4\":64502,\"asn_v6\":null,\"country_code\":\"DE\","
		" \"address_v4\":\"198.18.9.2\",\"address_v6\":null,\"is_public\":true,"
		" \"is_anchor\":false,\"status\":{\"id\":3},\"geometry\":null,"
		" \"tags\":[{\"slug\":\"home\"}]}]", 0, NULL);
}

static const struct { const char *query, *want, *why; } probe_cases[] = {
	/* location: 1 in Amsterdam, 2 in New York, 3 has none (never in a location filter) */
	{ "radius=52.37,4.9:0", "1", NULL }, { "radius=52.52,13.40:576", "", NULL },
	{ "radius=52.52,13.40:578", "1", NULL }, { "radius=0,0:20038", "1,2", NULL },
	{ "latitude__gt=52.37", "", NULL }, { "latitude__gte=52.37", "1", NULL },
	{ "latitude=40.71", "2", NULL }, { "longitude__lt=0", "2", NULL },
	{ "latitude__gte=40&latitude__lt=50&longitude__gte=-80", "2", NULL },
	{ "radius=52.37,4.9:10&country_code=DE", "", NULL },
	{ "country_code=nl", "1,2", NULL }, { "country_code__in=DE,NL", "1,2,3", NULL },
	{ "asn=64501", "2", NULL }, { "asn_v4__in=64502,1", "3", NULL },
	{ "asn_v6__in=64501", "2", NULL }, { "asn_v4=64500", "1,2", NULL }, { "asn_v6=64500", "", NULL },
	{ "prefix_v4=198.18.0.0/24", "1,2", NULL }, { "prefix=2001:db8::/32", "2", NULL },
	{ "prefix_v6=198.18.0.0/24", NULL, "prefix_v6" }, { "prefix=x", NULL, "prefix" },
	{ "status=1", "2", NULL }, { "status__in=2,3", "1,3", NULL }, { "status=5", NULL, "0 to 3" },
	{ "tags=home", "1,3", NULL }, { "tags=home,system-ipv4-capable", "1", NULL },
	{ "tags=system-ipv6-works", "2", NULL }, { "is_anchor=true", "2", NULL },
	{ "is_anchor=false", "1,3", NULL }, { "is_public=false", "", NULL },
	{ "id__in=3,1", "1,3", NULL }, { "id__gt=1&id__lt=3", "2", NULL },
	{ "id__gte=2", "2,3", NULL }, { "sort=-id", "3,2,1", NULL },
	{ "sort=asn", NULL, "sort" }, { "country_code=NL&status=2", "1", NULL },
};

static void test_probe_filters(void **state)
{
	(void)state;
	struct api_query *q = malloc(sizeof *q);
	for (size_t i = 0; i < sizeof probe_cases / sizeof probe_cases[0]; i++) {
		json_t *p = probes();
		char err[256] = "", got[64] = "";
		const char *text = probe_cases[i].query;
		assert_int_equal(api_query_parse(text, strlen(text), q, err, sizeof err), 0);
		assert_int_equal(api_query_check_route(q, ROUTE_PROBE_LIST, err, sizeof err), 0);
		assert_true(api_probe_filter_needed(q) || q->ids.present || q->is_anchor == 1);
		int rc = api_probe_filter(p, q, err, sizeof err);
		size_t k;
		json_t *o;
		json_array_foreach(p, k, o)
			snprintf(got + strlen(got), sizeof got - strlen(got), k ? ",%lld" : "%lld",
				 (long long)json_integer_value(json_object_get(o, "id")));
		if (probe_cases[i].want && (rc != 0 || strcmp(got, probe_cases[i].want) != 0))
			fail_msg("%s: got '%s' (%s), want '%s'", text, got, err, probe_cases[i].want);
		if (!probe_cases[i].want && (rc == 0 || !strstr(err, probe_cases[i].why)))
			fail_msg("%s: '%s' does not name '%s'", text, err, probe_cases[i].why);
		json_decref(p);
	}
	free(q);
}

/* fields= keeps what it names (and id); an unknown name is an error. */
static void test_fields(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:i,s:s,s:i}", "id", 7, "type", "ping", "af", 4);
	char err[128];
	assert_int_equal(api_fields_apply(o, "nope", "a measurement", err, sizeof err), -1);
	assert_non_null(strstr(err, "'nope' is not a field of a measurement"));
	assert_int_equal(json_object_size(o), 3);
	assert_int_equal(api_fields_apply(o, "af", "a measurement", err, sizeof err), 0);
	assert_int_equal(json_object_size(o), 2);
	assert_non_null(json_object_get(o, "id"));
	assert_non_null(json_object_get(o, "af"));
	json_decref(o);
}

/* An anchor object from a probe object: RIPE's names, what is unknown null. */
static void test_anchor_object(void **state)
{
	(void)state;
	json_t *p = probes();
	json_t *a = api_anchor_json(json_array_get(p, 1)), *b = api_anchor_json(json_array_get(p, 0));
	assert_int_equal(json_integer_value(json_object_get(a, "id")), 2);
	assert_int_equal(json_integer_value(json_object_get(a, "probe")), 2);
	assert_string_equal(json_string_value(json_object_get(a, "ip_v4")), "198.18.0.6");
	assert_int_equal(json_integer_value(json_object_get(a, "as_v6")), 64501);
	assert_string_equal(json_string_value(json_object_get(a, "country")), "NL");
	assert_true(json_is_false(json_object_get(a, "is_ipv4_only")));
	assert_true(json_is_true(json_object_get(b, "is_ipv4_only")));
	assert_true(json_is_null(json_object_get(a, "fqdn")));
	assert_true(json_is_null(json_object_get(a, "city")));
	assert_string_equal(json_string_value(json_object_get(a, "type")), "Feature");
	json_decref(a);
	json_decref(b);
	json_decref(p);
}


/*
 * Definition fields: the field and value added to a ping or traceroute
 * definition, then where it must show: "extra" (stored and echoed), "run"
 * (the agents' definition) with the JSON value it must hold there, or an
 * error naming it.
 */
static const struct defcase {
	const char *type, *field, *where, *want, *why;
} defcases[] = {
	{ "ping", "\"tags\":[\"dns-root\",\"v4\"]", "extra", "[\"dns-root\",\"v4\"]", NULL },
	{ "ping", "\"tags\":[\"a b\"]", NULL, NULL, "definitions[0].tags" },
	{ "ping", "\"tags\":\"x\"", NULL, NULL, "definitions[0].tags" },
	{ "ping", "\"skip_dns_check\":true", "extra", "true", NULL },
	{ "ping", "\"skip_dns_check\":1", NULL, NULL, "skip_dns_check: must be true or false" },
	{ "ping", "\"auto_topup\":true", "extra", "true", NULL },
	{ "ping", "\"auto_topup_prb_days_off\":7", "extra", "7", NULL },
	{ "ping", "\"auto_topup_prb_days_off\":0", NULL, NULL, "auto_topup_prb_days_off" },
	{ "ping", "\"auto_topup_prb_similarity\":0.5", "extra", "0.5", NULL },
	{ "ping", "\"auto_topup_prb_similarity\":2", NULL, NULL, "auto_topup_prb_similarity" },
	{ "ping", "\"target_update_hours\":24", "extra", "24", NULL },
	{ "traceroute", "\"group_id\":12", "extra", "12", NULL },
	{ "ping", "\"group_id\":\"x\"", NULL, NULL, "group_id" },
	{ "ping", "\"resolve_on_probe\":true", "extra", "true", NULL },
	{ "ping", "\"resolve_on_probe\":false", "extra", "false", NULL },
	{ "ping", "\"is_public\":false", "public", "0", NULL },
	{ "ping", "\"is_public\":\"no\"", NULL, NULL, "is_public" },
	{ "ping", "\"response_timeout\":1500", "run", "1500", NULL },
	{ "ping", "\"response_timeout\":1500", "extra", "1500", NULL },
	{ "traceroute", "\"response_timeout\":4000", "run", "4000", NULL },
	{ "ping", "\"response_timeout\":1500,\"timeout\":1", NULL, NULL, "not both" },
	{ "ping", "\"response_timeout\":0", NULL, NULL, "response_timeout" },
	{ "ping", "\"include_probe_id\":false", "extra", "false", NULL },
	{ "ping", "\"include_probe_id\":true", NULL, NULL, "include_probe_id: only false" },
	{ "traceroute", "\"dont_fragment\":false", "extra", "false", NULL },
	{ "traceroute", "\"dont_fragment\":true", NULL, NULL, "dont_fragment: only false" },
	{ "traceroute", "\"hop_by_hop_option_size\":0", "extra", "0", NULL },
	{ "traceroute", "\"hop_by_hop_option_size\":8", NULL, NULL, "hop_by_hop_option_size: only 0" },
	{ "traceroute", "\"destination_option_size\":16", NULL, NULL, "destination_option_size" },
	{ "ping", "\"dont_fragment\":false", NULL, NULL, "dont_fragment: unknown field for a ping" },
	{ "ping", "\"duplicate_timeout\":10", NULL, NULL, "duplicate_timeout: unknown field" },
	{ "traceroute", "\"duplicate_timeout\":10", NULL, NULL,
	  "duplicate_timeout: not supported on this platform: the agents do not wait" },
	{ "ping", "\"bogus\":1", NULL, NULL, "bogus: unknown field" },
	{ "ping", "\"packets\":5", "run", "5", NULL },
	{ "traceroute", "\"paris\":0", "run", "0", NULL },
};

/* The JSON text of v, compact ("" for NULL). */
static void dump(const json_t *v, char *out, size_t len)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	snprintf(out, len, "%s", s ? s : "");
	free(s);
}

static void test_definition_fields(void **state)
{
	(void)state;
	struct api_create *c = malloc(sizeof *c);
	struct api_limits lim = { lab_policy(), NULL, 10 };
	for (size_t i = 0; i < sizeof defcases / sizeof defcases[0]; i++) {
		const struct defcase *d = &defcases[i];
		char body[1024], err[256] = "", got[256];
		snprintf(body, sizeof body, "{\"definitions\":[{\"type\":\"%s\",\"af\":4,"
			 "\"target\":\"198.18.1.2\",%s}],\"probes\":[{\"type\":\"area\","
			 "\"value\":\"WW\",\"requested\":1}]}", d->type, d->field);
		int rc = api_create_parse(body, strlen(body), &lim, c, err, sizeof err);
		if (!d->where) {
			if (rc == 0 || !strstr(err, d->why))
				fail_msg("%s: '%s' does not say '%s'", d->field, err, d->why);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: refused: %s", d->field, err);
		const char *name = strchr(d->field + 1, '"') ? d->field + 1 : d->field;
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(strchr(name, '"') - name), name);
		if (strcmp(d->where, "public") == 0)
			snprintf(got, sizeof got, "%d", c->defs[0].is_public);
		else if (strcmp(d->where, "run") == 0)
			dump(json_object_get(c->defs[0].run, strcmp(key, "response_timeout") == 0 ?
					     "timeout" : key), got, sizeof got);
		else
			dump(json_object_get(c->defs[0].extra, key), got, sizeof got);
		if (strcmp(got, d->want ? d->want : "") != 0)
			fail_msg("%s: %s holds '%s', want '%s'", d->field, d->where, got,
				 d->want ? d->want : "(nothing: the agents' value)");
		api_create_free(c);
	}
	free(c);
}

/* Defaults: public unless said; ISO-8601 start and stop times. */
static void test_definition_defaults_and_times(void **state)
{
	(void)state;
	struct api_create *c = malloc(sizeof *c);
	struct api_limits lim = { lab_policy(), NULL, 10 };
	char err[256];
	const char *b = "{\"definitions\":[{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.1.2\"}],"
		"\"probes\":[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1}],"
		"\"start_time\":\"2026-12-02T00:00:00Z\",\"stop_time\":\"2026-12-02T01:00:00\"}";
	assert_int_equal(api_create_parse(b, strlen(b), &lim, c, err, sizeof err), 0);
	assert_int_equal(c->defs[0].is_public, 1);
	assert_int_equal(json_object_size(c->defs[0].extra), 0);
	assert_int_equal(c->start, 1796169600);
	assert_int_equal(c->stop, 1796173200);
	api_create_free(c);
	b = "{\"definitions\":[{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.1.2\"}],"
		"\"probes\":[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1}],"
		"\"start_time\":\"tomorrow\"}";
	assert_int_equal(api_create_parse(b, strlen(b), &lim, c, err, sizeof err), -1);
	assert_non_null(strstr(err, "start_time: must be Unix seconds or an ISO-8601"));
	/* a host name with resolve_on_probe: the agents get the name and resolve it;
	   nothing to look up here; echoed with no target_ip and no resolved_ips */
	b = "{\"definitions\":[{\"type\":\"ping\",\"af\":4,\"target\":\"www.example.net\","
		"\"resolve_on_probe\":true}],"
		"\"probes\":[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1}]}";
	assert_int_equal(api_create_parse(b, strlen(b), &lim, c, err, sizeof err), 0);
	assert_int_equal(api_create_needs_lookup(c), 0);
	char on[200];
	dump(c->defs[0].run, on, sizeof on);
	assert_string_equal(on, "{\"type\":\"ping\",\"af\":4,\"target\":\"www.example.net\","
			    "\"resolve_on_probe\":true}");
	dump(c->defs[0].extra, on, sizeof on);
	assert_string_equal(on, "{\"resolve_on_probe\":true,\"target\":\"www.example.net\","
			    "\"target_ip\":null,\"resolved_ips\":[]}");
	api_create_free(c);
	/* resolve_on_probe with an address: measured as given */
	b = "{\"definitions\":[{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.1.2\","
		"\"resolve_on_probe\":true}],"
		"\"probes\":[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1}]}";
	assert_int_equal(api_create_parse(b, strlen(b), &lim, c, err, sizeof err), 0);
	assert_null(json_object_get(c->defs[0].run, "resolve_on_probe"));
	api_create_free(c);
	/* resolved: the name is echoed as target, the address as resolved_ips */
	b = "{\"definitions\":[{\"type\":\"ping\",\"af\":4,\"target\":\"www.example.net\"}],"
		"\"probes\":[{\"type\":\"area\",\"value\":\"WW\",\"requested\":1}]}";
	assert_int_equal(api_create_parse(b, strlen(b), &lim, c, err, sizeof err), 0);
	assert_int_equal(api_def_resolved(c, 0, "198.18.1.9", &lim, err, sizeof err), 0);
	char got[128];
	dump(c->defs[0].extra, got, sizeof got);
	assert_string_equal(got, "{\"target\":\"www.example.net\",\"resolved_ips\":[\"198.18.1.9\"]}");
	assert_string_equal(json_string_value(json_object_get(c->defs[0].run, "target")),
			    "198.18.1.9");
	api_create_free(c);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_parameter_on_every_endpoint),
		cmocka_unit_test(test_filter_values),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_probe_filters),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_anchor_object),
		cmocka_unit_test(test_definition_fields),
		cmocka_unit_test(test_definition_defaults_and_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
