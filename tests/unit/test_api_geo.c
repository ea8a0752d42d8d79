/*
 * Tests of api_geo: great-circle distances at the edges (zero, antipodes,
 * across the antimeridian, at a pole), RIPE's radius text accepted and
 * refused, a circle's edge, the area borders on each side, and the
 * latitude/longitude bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/api_geo.h"

#define KM_EPS 0.01

static void test_distance_edges(void **state)
{
	(void)state;
	assert_float_equal(api_geo_km(0, 0, 0, 0), 0, 1e-9);
	assert_float_equal(api_geo_km(0, 0, 0, 1), 111.195, KM_EPS);            /* a degree at the equator */
	assert_float_equal(api_geo_km(0, 179.5, 0, -179.5), 111.195, KM_EPS);   /* over the antimeridian */
	assert_float_equal(api_geo_km(0, 0, 0, 180), 20015.114, KM_EPS);        /* antipodes */
	assert_float_equal(api_geo_km(90, 0, 90, 120), 0, 1e-6);                /* one pole, any longitude */
	assert_float_equal(api_geo_km(90, 0, -90, 0), 20015.114, KM_EPS);
	assert_float_equal(api_geo_km(52.37, 4.9, 52.52, 13.40), 576.004, KM_EPS);  /* Amsterdam-Berlin */
	assert_float_equal(api_geo_km(52.52, 13.40, 52.37, 4.9), api_geo_km(52.37, 4.9, 52.52, 13.40), 1e-9);
}

static const struct { const char *text; int ok; const char *why; } circles[] = {
	{ "51.5,0.12:10", 1, NULL }, { "-33.9,151.2:0", 1, NULL }, { "90,180:20038", 1, NULL },
	{ "-90,-180:0.5", 1, NULL }, { "+1.5,-2:3", 1, NULL },
	{ "51.5,0.12", 0, "LAT,LON:KM" }, { "51.5:0.12,10", 0, "latitude" },
	{ "91,0:1", 0, "latitude" }, { "-90.01,0:1", 0, "latitude" }, { "0,181:1", 0, "longitude" },
	{ "0,0:-1", 0, "radius" }, { "0,0:20039", 0, "radius" }, { "0,0:", 0, "radius" },
	{ "0,0:nan", 0, "LAT,LON:KM" }, { "0,0:1e3", 0, "LAT,LON:KM" }, { "", 0, "latitude" },
	{ "0,0:10km", 0, "LAT,LON:KM" }, { " 0,0:1", 0, "LAT,LON:KM" }, { "0,,0:1", 0, "longitude" },
	{ "0,0:1:2", 0, "radius" }, { ",0:1", 0, "latitude" },
};

static void test_circle_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof circles / sizeof circles[0]; i++) {
		struct api_geo_circle c;
		char err[160] = "";
		int rc = api_geo_circle_parse(circles[i].text, &c, err, sizeof err);
		if (circles[i].ok && rc != 0)
			fail_msg("'%s' refused: %s", circles[i].text, err);
		if (!circles[i].ok && (rc == 0 || !strstr(err, circles[i].why)))
			fail_msg("'%s': '%s' does not name '%s'", circles[i].text, err, circles[i].why);
	}
	struct api_geo_circle c;
	char err[160];
	assert_int_equal(api_geo_circle_parse("-33.9,151.2:12.5", &c, err, sizeof err), 0);
	assert_float_equal(c.lat, -33.9, 1e-12);
	assert_float_equal(c.lon, 151.2, 1e-12);
	assert_float_equal(c.km, 12.5, 1e-12);
}

static void test_circle_edge(void **state)
{
	(void)state;
	struct api_geo_circle in = { 0, 0, 111.196 }, out = { 0, 0, 111.194 };
	assert_true(api_geo_in_circle(&in, 0, 1));
	assert_false(api_geo_in_circle(&out, 0, 1));
	struct api_geo_circle zero = { 52.37, 4.9, 0 };
	assert_true(api_geo_in_circle(&zero, 52.37, 4.9));     /* the centre itself */
	assert_false(api_geo_in_circle(&zero, 52.37, 4.91));
	struct api_geo_circle date = { 0, 179.9, 30 };         /* wraps the antimeridian */
	assert_true(api_geo_in_circle(&date, 0, -179.9));
	struct api_geo_circle world = { 0, 0, API_GEO_RADIUS_MAX_KM };
	assert_true(api_geo_in_circle(&world, 0, 180));
	assert_true(api_geo_in_circle(&world, -90, 0));
}

static const struct { double lat, lon; const char *area; } area_cases[] = {
	{ 40.71, -74.01, "West" }, { -23.55, -46.63, "West" }, { 0, -30.01, "West" },
	{ 0, -180, "West" }, { 0, -30, "North-Central" }, { 52.37, 4.9, "North-Central" },
	{ -0.01, 0, "South-Central" }, { -33.92, 18.42, "South-Central" },
	{ 0, 59.99, "North-Central" }, { 0, 60, "North-East" }, { 35.68, 139.69, "North-East" },
	{ 0, 180, "North-East" }, { -33.87, 151.21, "South-East" }, { -0.01, 60, "South-East" },
};

static void test_areas(void **state)
{
	(void)state;
	static const char *const names[] = { "West", "North-Central", "South-Central",
					     "North-East", "South-East" };
	for (size_t i = 0; i < sizeof area_cases / sizeof area_cases[0]; i++) {
		assert_true(api_geo_in_area("WW", area_cases[i].lat, area_cases[i].lon));
		for (size_t k = 0; k < 5; k++) {
			int want = strcmp(names[k], area_cases[i].area) == 0;
			if (api_geo_in_area(names[k], area_cases[i].lat, area_cases[i].lon) != want)
				fail_msg("(%g, %g) in %s: want %d", area_cases[i].lat, area_cases[i].lon,
					 names[k], want);
		}
	}
	assert_true(api_geo_area_known("WW"));
	assert_true(api_geo_area_known("South-East"));
	assert_false(api_geo_area_known("ww"));
	assert_false(api_geo_area_known("Mars"));
	assert_false(api_geo_area_known(""));
}

static void test_bounds_and_filter(void **state)
{
	(void)state;
	char err[160];
	struct api_geo_filter f;
	memset(&f, 0, sizeof f);
	json_t *ams = json_loads("{\"geometry\":{\"type\":\"Point\",\"coordinates\":[4.9,52.37]}}", 0, NULL);
	json_t *none = json_loads("{\"geometry\":null}", 0, NULL);
	assert_true(api_geo_filter_keep(&f, none));             /* no filter: everyone */
	assert_int_equal(api_geo_bound_parse(&f.lat, "__gt", "52.37", -90, 90, err, sizeof err), 0);
	assert_false(api_geo_filter_keep(&f, ams));
	assert_int_equal(api_geo_bound_parse(&f.lat, "__gte", "52.37", -90, 90, err, sizeof err), 0);
	assert_true(api_geo_filter_keep(&f, ams));
	assert_false(api_geo_filter_keep(&f, none));            /* no location: never in */
	assert_int_equal(api_geo_bound_parse(&f.lon, "__lt", "4.9", -180, 180, err, sizeof err), 0);
	assert_false(api_geo_filter_keep(&f, ams));
	assert_int_equal(api_geo_bound_parse(&f.lon, "", "4.9", -180, 180, err, sizeof err), 0);
	assert_true(api_geo_filter_keep(&f, ams));
	assert_int_equal(api_geo_bound_parse(&f.lon, "", "180.5", -180, 180, err, sizeof err), -1);
	assert_non_null(strstr(err, "-180 to 180"));
	assert_int_equal(api_geo_bound_parse(&f.lat, "__lt", "inf", -90, 90, err, sizeof err), -1);
	json_decref(ams);
	json_decref(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance_edges),
		cmocka_unit_test(test_circle_parse),
		cmocka_unit_test(test_circle_edge),
		cmocka_unit_test(test_areas),
		cmocka_unit_test(test_bounds_and_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
