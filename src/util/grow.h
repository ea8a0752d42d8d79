/*
 * grow: make room in a growable array (pointer, capacity) for one more
 * element, doubling the capacity, so every dynamic array in the code base
 * grows the same way.
 */
#ifndef VANTAGE_UTIL_GROW_H
#define VANTAGE_UTIL_GROW_H

#include <stddef.h>

/*
 * Ensure *v (of *cap elements of elem bytes) can hold n + 1 elements,
 * reallocating to twice the capacity (at least `first`) when full.
 * Returns 0, or -1 when out of memory (*v and *cap unchanged).
 */
int grow_for_one(void **v, size_t *cap, size_t n, size_t elem, size_t first);

#endif
