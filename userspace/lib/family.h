/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the two families, by name and by index. Per-family arrays
 * (replies, configurations) are indexed by family_index().
 */
#ifndef MSSCLAMPCTL_FAMILY_H
#define MSSCLAMPCTL_FAMILY_H

#include <stdint.h>

#define FAMILY_COUNT 2
/* MSSCLAMP_FAMILY_IPV4, MSSCLAMP_FAMILY_IPV6, in the order they print. */
extern const uint8_t families[FAMILY_COUNT];

/* "ipv4" -> MSSCLAMP_FAMILY_IPV4, "ipv6" -> MSSCLAMP_FAMILY_IPV6; 0 else. */
uint8_t family_parse(const char *word);
/* The reverse of family_parse(); NULL for a value the tool does not know. */
const char *family_name(uint8_t family);
/* Index of a family in per-family arrays: 0 for IPv4, 1 for IPv6, -1 else. */
int family_index(uint8_t family);

/*
 * The optional family of "show", "stats", "stats reset": argv[1], if there
 * is one, into *@family (else 0). @accepted completes "expected ..." in
 * the error. Returns 0, or -EINVAL once the usage error is printed.
 */
int family_arg(int argc, char *argv[], const char *what,
	       const char *accepted, uint8_t *family);

#endif /* MSSCLAMPCTL_FAMILY_H */
