/*
 * Tests of API key scoping: which endpoint needs which permission, what
 * each permission implies, RIPE's grants array accepted and refused, and
 * the key body (label, enabled, valid_from/valid_to, grants) applied onto a
 * key's stored state for POST, PUT and PATCH.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/api_key_body.h"
#include "api/api_perm.h"

#define BIT(p) (1u << (p))

/* Every endpoint that a key's scope governs, and the permission it needs. */
static const struct { enum api_route_kind kind; int get; int need; } needs[] = {
	{ ROUTE_MSM_LIST, 0, PERM_CREATE_MEASUREMENT }, { ROUTE_MSM_LIST, 1, API_PERM_NONE },
	{ ROUTE_MSM_ONE, 0, PERM_STOP_MEASUREMENT }, { ROUTE_MSM_ONE, 1, API_PERM_NONE },
	{ ROUTE_MSM_MY, 1, PERM_LIST_MEASUREMENTS },
	{ ROUTE_MSM_TAGS, 0, PERM_UPDATE_MEASUREMENT }, { ROUTE_MSM_TAG_ONE, 0, PERM_UPDATE_MEASUREMENT },
	{ ROUTE_MSM_PARTICIPATION, 0, PERM_UPDATE_MEASUREMENT },
	{ ROUTE_MSM_PARTICIPATION, 1, API_PERM_NONE },
	{ ROUTE_CREDITS, 1, PERM_GET_CREDITS }, { ROUTE_CREDITS_TRANSACTIONS, 1, PERM_GET_CREDITS },
	{ ROUTE_KEY_LIST, 1, PERM_MANAGE_KEYS }, { ROUTE_KEY_LIST, 0, PERM_MANAGE_KEYS },
	{ ROUTE_KEY_ONE, 0, PERM_MANAGE_KEYS }, { ROUTE_KEY_PERMISSIONS, 1, API_PERM_NONE },
	{ ROUTE_MSM_RESULTS, 1, API_PERM_NONE }, { ROUTE_MSM_LATEST, 1, API_PERM_NONE },
	{ ROUTE_PROBE_LIST, 1, API_PERM_NONE }, { ROUTE_ANCHOR_ONE, 1, API_PERM_NONE },
};

static void test_required_permissions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
		if (api_perm_required(needs[i].kind, needs[i].get) != needs[i].need)
			fail_msg("route %d get %d: needs %d, want %d", needs[i].kind, needs[i].get,
				 api_perm_required(needs[i].kind, needs[i].get), needs[i].need);
}

static void test_names_and_implications(void **state)
{
	(void)state;
	assert_string_equal(api_perm_name(PERM_CREATE_MEASUREMENT), "create_measurement");
	assert_null(api_perm_name(PERM_COUNT));
	for (int i = 0; i < PERM_COUNT; i++)
		assert_int_equal(api_perm_find(api_perm_name(i)), i);
	assert_int_equal(api_perm_find("Create_measurement"), API_PERM_NONE);
	/* RIPE: a key that may create measurements may also view them */
	assert_int_equal(api_perm_closure(BIT(PERM_CREATE_MEASUREMENT)),
			 BIT(PERM_CREATE_MEASUREMENT) | BIT(PERM_VIEW_MEASUREMENT));
	assert_int_equal(api_perm_closure(BIT(PERM_GET_CREDITS)), BIT(PERM_GET_CREDITS));
	assert_int_equal(api_perm_closure(BIT(PERM_VIEW_MEASUREMENT)), BIT(PERM_VIEW_MEASUREMENT));
	assert_int_equal(api_perm_closure(0), 0);
	json_t *l = api_perm_list_json();
	assert_int_equal(json_integer_value(json_object_get(l, "count")), PERM_COUNT);
	assert_int_equal(json_array_size(json_object_get(l, "results")), PERM_COUNT);
	json_decref(l);
}

static const struct { const char *grants; unsigned want; const char *why; } grant_cases[] = {
	{ "[]", 0, NULL },
	{ "[{\"permission\":\"create_measurement\"}]", BIT(PERM_CREATE_MEASUREMENT), NULL },
	{ "[{\"permission\":\"stop_measurement\",\"target\":null},{\"permission\":\"get_credits\"}]",
	  BIT(PERM_STOP_MEASUREMENT) | BIT(PERM_GET_CREDITS), NULL },
	{ "[{\"permission\":\"fly\"}]", 0, "grants[0].permission: 'fly' is not a permission" },
	{ "[{\"permission\":\"get_credits\"},{\"permission\":\"get_credits\"}]", 0, "granted twice" },
	/* RIPE's grant target: one measurement (stop and update take one) */
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"7\"}}]",
	  0, NULL },
	{ "[{\"permission\":\"update_measurement\",\"target\":{\"type\":\"measurement\",\"id\":7}},"
	  "{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"7\"}},"
	  "{\"permission\":\"stop_measurement\"}]", BIT(PERM_STOP_MEASUREMENT), NULL },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"7\"}},"
	  "{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":7}}]",
	  0, "grants[1]: 'stop_measurement' is granted twice" },
	{ "[{\"permission\":\"get_credits\",\"target\":{\"type\":\"measurement\",\"id\":\"7\"}}]",
	  0, "grants[0].target: not allowed for 'get_credits'" },
	{ "[{\"permission\":\"create_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"7\"}}]",
	  0, "grants[0].target: not allowed for 'create_measurement'" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"probe\",\"id\":\"7\"}}]",
	  0, "grants[0].target.type: only 'measurement'" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"id\":\"7\"}}]",
	  0, "grants[0].target.type" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\"}}]",
	  0, "grants[0].target.id: must be a measurement id" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"7x\"}}]",
	  0, "grants[0].target.id" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"\"}}]",
	  0, "grants[0].target.id" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":0}}]",
	  0, "grants[0].target.id" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"7\","
	  "\"x\":1}}]", 0, "grants[0].target.x: unknown field" },
	{ "[{\"permission\":\"stop_measurement\",\"target\":\"7\"}]", 0, "grants[0].target.type" },
	{ "[{\"perm\":\"get_credits\"}]", 0, "grants[0].permission: required" },
	{ "[{\"permission\":\"get_credits\",\"x\":1}]", 0, "grants[0].x: unknown field" },
	{ "{\"permission\":\"get_credits\"}", 0, "grants: must be an array" },
	{ "[\"get_credits\"]", 0, "grants[0].permission" },
};

static void test_grants(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof grant_cases / sizeof grant_cases[0]; i++) {
		json_t *g = json_loads(grant_cases[i].grants, 0, NULL);
		unsigned got = 99;
		struct api_grants_one one;
		char err[256] = "";
		int rc = api_perm_grants_parse(g, &got, &one, err, sizeof err);
		if (!grant_cases[i].why && (rc != 0 || got != grant_cases[i].want))
			fail_msg("%s: rc %d got %u (%s)", grant_cases[i].grants, rc, got, err);
		if (grant_cases[i].why && (rc == 0 || !strstr(err, grant_cases[i].why)))
			fail_msg("%s: '%s' does not say '%s'", grant_cases[i].grants, err,
				 grant_cases[i].why);
		json_decref(g);
	}
	json_t *back = api_perm_grants_json(BIT(PERM_GET_CREDITS) | BIT(PERM_MANAGE_KEYS), NULL);
	char *text = json_dumps(back, JSON_COMPACT);
	assert_string_equal(text, "[{\"permission\":\"get_credits\",\"target\":null},"
			    "{\"permission\":\"manage_keys\",\"target\":null}]");
	free(text);
	json_decref(back);
}

/*
 * Grants for one measurement: what a key holding them may do on which
 * measurement (api_perm_holds, as the API checks every {id} route), their
 * stored text and RIPE's echo.
 */
static void test_grants_for_one(void **state)
{
	(void)state;
	const char *b = "{\"grants\":[{\"permission\":\"get_credits\"},"
		"{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"12\"}},"
		"{\"permission\":\"update_measurement\",\"target\":{\"type\":\"measurement\",\"id\":\"13\"}}]}";
	struct store_key_grants g;
	unsigned granted;
	char err[256];
	assert_int_equal(api_key_body_parse(b, strlen(b), 0, &g, &granted, err, sizeof err), 0);
	assert_string_equal(g.grants, "get_credits,stop_measurement@measurement:12,"
			    "update_measurement@measurement:13");
	assert_int_equal(granted, BIT(PERM_GET_CREDITS));
	assert_int_equal(api_key_grants_mask(&g), BIT(PERM_GET_CREDITS));
	struct api_grants_one one;
	api_key_grants_one(&g, &one);
	unsigned all = api_perm_closure(granted);
	static const struct { int perm; int64_t msm; int holds; } cases[] = {
		{ PERM_STOP_MEASUREMENT, 12, 1 }, { PERM_STOP_MEASUREMENT, 13, 0 },
		{ PERM_STOP_MEASUREMENT, 0, 0 }, { PERM_UPDATE_MEASUREMENT, 13, 1 },
		{ PERM_UPDATE_MEASUREMENT, 12, 0 }, { PERM_GET_CREDITS, 99, 1 },
		{ PERM_CREATE_MEASUREMENT, 12, 0 }, { PERM_VIEW_MEASUREMENT, 12, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (api_perm_holds(all, &one, cases[i].perm, cases[i].msm) != cases[i].holds)
			fail_msg("%s on %lld: want %d", api_perm_name(cases[i].perm),
				 (long long)cases[i].msm, cases[i].holds);
	assert_true(api_perm_one_names(&one, 12) && api_perm_one_names(&one, 13));
	assert_false(api_perm_one_names(&one, 14));
	json_t *back = api_perm_grants_json(granted, &one);
	char *text = json_dumps(back, JSON_COMPACT);
	assert_string_equal(text, "[{\"permission\":\"get_credits\",\"target\":null},"
			    "{\"permission\":\"stop_measurement\",\"target\":{\"type\":\"measurement\","
			    "\"id\":\"12\"}},{\"permission\":\"update_measurement\",\"target\":"
			    "{\"type\":\"measurement\",\"id\":\"13\"}}]");
	free(text);
	json_decref(back);
	/* the most grants for one measurement fit the stored text; one more is refused */
	char many[2048] = "{\"grants\":[";
	for (int i = 0; i <= API_GRANTS_ONE_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s{\"permission\":"
			 "\"update_measurement\",\"target\":{\"type\":\"measurement\",\"id\":"
			 "\"9007199254740%03d\"}}", i ? "," : "", i);
	strcat(many, "]}");
	assert_int_equal(api_key_body_parse(many, strlen(many), 0, &g, &granted, err, sizeof err), -1);
	assert_non_null(strstr(err, "at most 8 grants for one measurement"));
	char *cut = many, *next;
	while ((next = strstr(cut + 1, ",{\"permission\"")))
		cut = next;   /* the last grant */
	strcpy(cut, "]}");
	assert_int_equal(api_key_body_parse(many, strlen(many), 0, &g, &granted, err, sizeof err), 0);
	api_key_grants_one(&g, &one);
	assert_int_equal(one.n, API_GRANTS_ONE_MAX);
	assert_int_equal(one.g[7].msm, 9007199254740007LL);
}

static const struct { const char *body; int partial; const char *why; } bad_bodies[] = {
	{ "{\"label\":1}", 0, "label" }, { "{\"enabled\":\"yes\"}", 0, "enabled" },
	{ "{\"valid_from\":\"tomorrow\"}", 0, "valid_from" }, { "{\"uuid\":\"x\"}", 0, "uuid: unknown" },
	{ "{\"valid_from\":200,\"valid_to\":100}", 0, "valid_to: must be after" },
	{ "{\"valid_from\":100,\"valid_to\":100}", 0, "valid_to: must be after" },
	{ "[1]", 0, "JSON object" }, { "{", 0, "JSON object" },
	{ "{\"grants\":[{\"permission\":\"nope\"}]}", 1, "nope" },
	{ "{\"label\":\"a\",\"label\":\"b\"}", 0, "JSON object" },
};

static void test_key_body(void **state)
{
	(void)state;
	struct store_key_grants g;
	unsigned granted;
	char err[256];
	const char *b = "{\"label\":\"scripts\",\"enabled\":true,\"valid_from\":\"2026-12-01T00:00:00Z\","
			"\"valid_to\":null,\"grants\":[{\"permission\":\"create_measurement\"}]}";
	memset(&g, 0x55, sizeof g);
	assert_int_equal(api_key_body_parse(b, strlen(b), 0, &g, &granted, err, sizeof err), 0);
	assert_string_equal(g.label, "scripts");
	assert_int_equal(g.enabled, 1);
	assert_int_equal(g.valid_from, 1796083200);
	assert_int_equal(g.valid_to, 0);
	assert_string_equal(g.grants, "create_measurement");
	assert_int_equal(granted, BIT(PERM_CREATE_MEASUREMENT));
	/* PATCH changes only what it names */
	const char *p = "{\"enabled\":false}";
	assert_int_equal(api_key_body_parse(p, strlen(p), 1, &g, &granted, err, sizeof err), 0);
	assert_string_equal(g.label, "scripts");
	assert_int_equal(g.enabled, 0);
	assert_int_equal(g.valid_from, 1796083200);
	assert_int_equal(granted, BIT(PERM_CREATE_MEASUREMENT));
	/* PUT starts from RIPE's defaults: enabled, open window, no grants */
	const char *u = "{\"label\":\"x\"}";
	assert_int_equal(api_key_body_parse(u, strlen(u), 0, &g, &granted, err, sizeof err), 0);
	assert_int_equal(g.enabled, 1);
	assert_int_equal(g.valid_from, 0);
	assert_string_equal(g.grants, "");
	assert_int_equal(granted, 0);
	for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
		struct store_key_grants h = { .enabled = 1 };
		err[0] = 0;
		int rc = api_key_body_parse(bad_bodies[i].body, strlen(bad_bodies[i].body),
					    bad_bodies[i].partial, &h, &granted, err, sizeof err);
		if (rc == 0 || !strstr(err, bad_bodies[i].why))
			fail_msg("%s: '%s' does not say '%s'", bad_bodies[i].body, err, bad_bodies[i].why);
	}
	/* every name round-trips through the stored text */
	struct store_key_grants all = { .enabled = 1 };
	const char *every = "{\"grants\":[{\"permission\":\"create_measurement\"},"
		"{\"permission\":\"stop_measurement\"},{\"permission\":\"update_measurement\"},"
		"{\"permission\":\"list_measurements\"},{\"permission\":\"view_measurement\"},"
		"{\"permission\":\"get_credits\"},{\"permission\":\"manage_keys\"}]}";
	assert_int_equal(api_key_body_parse(every, strlen(every), 0, &all, &granted, err, sizeof err), 0);
	assert_int_equal(granted, API_PERM_ALL);
	assert_int_equal(api_key_grants_mask(&all), API_PERM_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_permissions),
		cmocka_unit_test(test_names_and_implications),
		cmocka_unit_test(test_grants),
		cmocka_unit_test(test_grants_for_one),
		cmocka_unit_test(test_key_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
