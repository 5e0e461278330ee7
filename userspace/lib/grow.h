/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MSSCLAMPCTL_GROW_H
#define MSSCLAMPCTL_GROW_H

#include <stdlib.h>
#include <string.h>

/*
 * Grow the array @*arr_p (of @*n elements of @size bytes) by one zeroed
 * element and return it; NULL, the array untouched, when memory runs out.
 */
static inline void *grow(void *arr_p, size_t *n, size_t size)
{
	void **arr = arr_p;
	char *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return NULL;
	*arr = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

#endif
