/*
 * msm_registry: the list of measurement types, one line each.
 */
#include "msm/msm_type.h"

#include <string.h>

#include "msm/ping/ping.h"
#include "msm/trace/trace.h"

static const struct msm_type *const types[] = {
	&ping_type,
	&trace_type,
};

/* Find a type by its RIPE Atlas name. */
const struct msm_type *msm_type_find(const char *name)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i]->name, name) == 0)
			return types[i];
	return NULL;
}
