/*
 * api_geo: haversine distance, RIPE's radius text, and the area borders
 * written out in api_geo.h.
 */
#include "api/api_geo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_KM 6371.0088      /* IUGG mean radius */
#define DEG (3.14159265358979323846 / 180.0)

/* See api_geo.h. */
double api_geo_km(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
	if (a > 1)
		a = 1;   /* rounding at antipodes */
	return 2 * EARTH_KM * asin(sqrt(a));
}

/* Parse a finite decimal number from s up to the character stop; 0 or -1. */
static int number(const char *s, char stop, double lo, double hi, double *out, const char **end)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (e == s || *e != stop || errno != 0 || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	*end = e;
	return 0;
}

/* See api_geo.h. */
int api_geo_circle_parse(const char *text, struct api_geo_circle *c, char *err, size_t errlen)
{
	const char *p = text;
	if (strspn(text, "0123456789.,:-+") != strlen(text)) {
		snprintf(err, errlen, "'%.40s' is not LAT,LON:KM", text);
		return -1;
	}
	if (number(p, ',', -90, 90, &c->lat, &p) < 0) {
		snprintf(err, errlen, "'%.40s' is not LAT,LON:KM (latitude -90..90)", text);
		return -1;
	}
	if (number(p + 1, ':', -180, 180, &c->lon, &p) < 0) {
		snprintf(err, errlen, "'%.40s' is not LAT,LON:KM (longitude -180..180)", text);
		return -1;
	}
	if (number(p + 1, 0, 0, API_GEO_RADIUS_MAX_KM, &c->km, &p) < 0) {
		snprintf(err, errlen, "'%.40s' is not LAT,LON:KM (radius 0..%.0f km)", text,
			 API_GEO_RADIUS_MAX_KM);
		return -1;
	}
	return 0;
}

/* See api_geo.h. */
int api_geo_in_circle(const struct api_geo_circle *c, double lat, double lon)
{
	/* a millimetre of slack so a point exactly on the edge stays in despite rounding */
	return api_geo_km(c->lat, c->lon, lat, lon) <= c->km + 1e-6;
}

static const char *const areas[] = { "WW", "West", "North-Central", "South-Central",
				      "North-East", "South-East" };

/* See api_geo.h. */
int api_geo_area_known(const char *name)
{
	for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
		if (strcmp(name, areas[i]) == 0)
			return 1;
	return 0;
}

/* See api_geo.h. */
int api_geo_in_area(const char *name, double lat, double lon)
{
	int west = lon < -30, central = lon >= -30 && lon < 60, east = lon >= 60;
	int north = lat >= 0;
	if (strcmp(name, "WW") == 0)
		return 1;
	if (strcmp(name, "West") == 0)
		return west;
	if (strcmp(name, "North-Central") == 0)
		return central && north;
	if (strcmp(name, "South-Central") == 0)
		return central && !north;
	if (strcmp(name, "North-East") == 0)
		return east && north;
	if (strcmp(name, "South-East") == 0)
		return east && !north;
	return 0;
}

/* See api_geo.h. */
int api_geo_probe_point(const json_t *probe, double *lat, double *lon)
{
	const json_t *xy = json_object_get(json_object_get(probe, "geometry"), "coordinates");
	const json_t *x = json_array_get(xy, 0), *y = json_array_get(xy, 1);
	if (!json_is_number(x) || !json_is_number(y))
		return 0;
	*lon = json_number_value(x);
	*lat = json_number_value(y);
	return 1;
}

/* See api_geo.h. */
int api_geo_bound_parse(struct api_geo_bound *b, const char *op, const char *v, double min,
			double max, char *err, size_t errlen)
{
	double x;
	const char *end;
	if (strspn(v, "0123456789.-+") != strlen(v) || number(v, 0, min, max, &x, &end) < 0) {
		snprintf(err, errlen, "'%.40s' is not a number from %g to %g", v, min, max);
		return -1;
	}
	int lo = strcmp(op, "") == 0 || strncmp(op, "__gt", 4) == 0;
	int hi = strcmp(op, "") == 0 || strncmp(op, "__lt", 4) == 0;
	int open = strcmp(op, "__gt") == 0 || strcmp(op, "__lt") == 0;
	if (lo) {
		b->has_lo = 1;
		b->lo = x;
		b->lo_open = open;
	}
	if (hi) {
		b->has_hi = 1;
		b->hi = x;
		b->hi_open = open;
	}
	return 0;
}

/* See api_geo.h. */
int api_geo_filter_given(const struct api_geo_filter *f)
{
	return f->has_circle || f->lat.has_lo || f->lat.has_hi || f->lon.has_lo || f->lon.has_hi;
}

/* True if x passes the bound b. */
static int bound_ok(const struct api_geo_bound *b, double x)
{
	if (b->has_lo && (b->lo_open ? x <= b->lo : x < b->lo))
		return 0;
	if (b->has_hi && (b->hi_open ? x >= b->hi : x > b->hi))
		return 0;
	return 1;
}

/* See api_geo.h. */
int api_geo_filter_keep(const struct api_geo_filter *f, const json_t *probe)
{
	double lat, lon;
	if (!api_geo_filter_given(f))
		return 1;
	if (!api_geo_probe_point(probe, &lat, &lon))
		return 0;
	if (f->has_circle && !api_geo_in_circle(&f->circle, lat, lon))
		return 0;
	return bound_ok(&f->lat, lat) && bound_ok(&f->lon, lon);
}
