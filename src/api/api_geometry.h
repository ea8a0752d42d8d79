/*
 * api_geometry: an agent's location as the public API shows it, RIPE
 * Atlas's GeoJSON point {"type": "Point", "coordinates": [lon, lat]},
 * coarsened to about 1 km: each coordinate is rounded to two decimals
 * (0.01 degree is 1.1 km of latitude, and less of longitude away from the
 * equator), so a host's street address cannot be read off the API. Pure.
 */
#ifndef VANTAGE_API_API_GEOMETRY_H
#define VANTAGE_API_API_GEOMETRY_H

#include <jansson.h>

/* A coordinate rounded to two decimals, halves away from zero. */
double api_geometry_coarsen(double degrees);

/* The coarsened point of (lat, lon); NULL when out of memory. */
json_t *api_geometry_point(double lat, double lon);

#endif
