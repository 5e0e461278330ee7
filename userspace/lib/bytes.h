/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MSSCLAMPCTL_BYTES_H
#define MSSCLAMPCTL_BYTES_H

#include <stdint.h>

/* The big-endian number in the @len (at most 4) bytes at @p. */
static inline uint32_t be_number(const uint8_t *p, uint32_t len)
{
	uint32_t v = 0, i;

	for (i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

#endif /* MSSCLAMPCTL_BYTES_H */
