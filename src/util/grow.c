/*
 * grow: capacity doubling for growable arrays (see grow.h).
 */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>

/* Make room for one more element; 0 or -1. */
int grow_for_one(void **v, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : first;
	if (ncap < n + 1 || elem == 0 || ncap > SIZE_MAX / elem)
		return -1;
	void *nv = realloc(*v, ncap * elem);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}
