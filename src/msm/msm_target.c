/*
 * msm_target: what every measurement type copies from its target into its
 * result (msm_result_new, with the result's layout).
 */
#include "msm/msm_type.h"

#include <stdlib.h>
#include <string.h>

/* Zeroed result, then af/dst/src/dst_name/user_id from the target. */
void *msm_result_new(const struct msm_result_layout *l, const struct msm_target *t)
{
	unsigned char *r = calloc(1, l->size);
	if (r == NULL)
		return NULL;
	char *name = strdup(t->name ? t->name : "");
	if (name == NULL) {
		free(r);
		return NULL;
	}
	uint8_t af = (uint8_t)t->dst.family;
	memcpy(r + l->af, &af, 1);
	memcpy(r + l->dst, t->dst.a, 16);
	memcpy(r + l->src, t->src.a, 16);
	memcpy(r + l->dst_name, &name, sizeof name);
	memcpy(r + l->user_id, &t->user_id, sizeof t->user_id);
	return r;
}
