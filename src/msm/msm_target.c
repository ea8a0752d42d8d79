/*
 * msm_target: what every measurement type copies from its target into its
 * result.
 */
#include "msm/msm_type.h"

#include <stdlib.h>
#include <string.h>

/* Fill af/dst/src from the target; a copy of its name, or NULL. */
char *msm_target_label(const struct msm_target *t, uint8_t *af, struct msm_addr *dst,
		       struct msm_addr *src)
{
	*af = t->dst.family;
	memcpy(dst->b, t->dst.a, 16);
	memcpy(src->b, t->src.a, 16);
	return strdup(t->name ? t->name : "");
}
