/*
 * api_geo: where a probe is, as far as selection and filters care. RIPE
 * Atlas's radius filter ("radius=LAT,LON:KM", a circle on the Earth's
 * surface), its latitude/longitude bounds, and its five regional areas
 * (West, North-Central, South-Central, North-East, South-East; WW is the
 * whole world). Distances are great-circle (haversine, mean Earth radius
 * 6371.0088 km) over the coarsened point the API shows (api_geometry.h),
 * so a filter never reveals more than the probe object itself does.
 *
 * RIPE documents the area names but not their borders. Ours, by longitude
 * and latitude (west edge included, east edge not):
 *   West           -180 <= lon < -30            (the Americas)
 *   North-Central   -30 <= lon <  60, lat >= 0  (Europe, north Africa, Middle East)
 *   South-Central   -30 <= lon <  60, lat <  0  (southern Africa)
 *   North-East       60 <= lon <= 180, lat >= 0 (Asia)
 *   South-East       60 <= lon <= 180, lat <  0 (Oceania, Indonesia)
 * A probe without a location is in WW only. Pure.
 */
#ifndef VANTAGE_API_API_GEO_H
#define VANTAGE_API_API_GEO_H

#include <jansson.h>
#include <stddef.h>

#define API_GEO_RADIUS_MAX_KM 20038.0   /* half the Earth's circumference: all of it */

/* A circle: centre and radius in km. */
struct api_geo_circle {
	double lat, lon, km;
};

/* Bounds on one coordinate from ?latitude(__gt|__gte|__lt|__lte)=; "=" sets both. */
struct api_geo_bound {
	int has_lo, has_hi, lo_open, hi_open;   /* open: the bound itself excluded */
	double lo, hi;
};

/* The location filters of a /probes/ query. */
struct api_geo_filter {
	int has_circle;
	struct api_geo_circle circle;
	struct api_geo_bound lat, lon;
};

/* Great-circle distance in km between two points given in degrees. */
double api_geo_km(double lat1, double lon1, double lat2, double lon2);

/*
 * Parse RIPE's "LAT,LON:KM" (latitude -90..90, longitude -180..180,
 * 0 <= KM <= API_GEO_RADIUS_MAX_KM) into *c; 0, or -1 with err naming what
 * is wrong (the caller prefixes the parameter name).
 */
int api_geo_circle_parse(const char *text, struct api_geo_circle *c, char *err, size_t errlen);

/* True if (lat, lon) lies in c (its edge included). */
int api_geo_in_circle(const struct api_geo_circle *c, double lat, double lon);

/* 1 if name is one of the six area names (case-sensitive, as RIPE's), else 0. */
int api_geo_area_known(const char *name);

/* True if (lat, lon) lies in the area name (a known one; WW holds everything). */
int api_geo_in_area(const char *name, double lat, double lon);

/*
 * Set one bound of b from the parameter suffix op ("", "__gt", "__gte",
 * "__lt", "__lte") and the decimal text v within [min, max]; 0, or -1
 * with err (the caller prefixes the parameter name).
 */
int api_geo_bound_parse(struct api_geo_bound *b, const char *op, const char *v, double min,
			double max, char *err, size_t errlen);

/* True if f holds any location filter. */
int api_geo_filter_given(const struct api_geo_filter *f);

/* True if the probe object passes f; one without a location fails any filter given. */
int api_geo_filter_keep(const struct api_geo_filter *f, const json_t *probe);

/* The probe object's point (its "geometry" coordinates [lon, lat]) into *lat, *lon: 1, or 0 when none. */
int api_geo_probe_point(const json_t *probe, double *lat, double *lon);

#endif
