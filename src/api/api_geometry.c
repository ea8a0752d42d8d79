/*
 * api_geometry: the coarsened GeoJSON point of an agent (see api_geometry.h).
 */
#include "api/api_geometry.h"

#include <math.h>

/* See api_geometry.h. */
double api_geometry_coarsen(double degrees)
{
	return round(degrees * 100.0) / 100.0;
}

/* See api_geometry.h. */
json_t *api_geometry_point(double lat, double lon)
{
	return json_pack("{s:s,s:[f,f]}", "type", "Point", "coordinates",
			 api_geometry_coarsen(lon), api_geometry_coarsen(lat));
}
