// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: the families' names and indexes (see family.h).
 */
#include <string.h>

#include "errors.h"
#include "family.h"
#include "uapi/mssclamp.h"

const uint8_t families[FAMILY_COUNT] = {
	MSSCLAMP_FAMILY_IPV4,
	MSSCLAMP_FAMILY_IPV6,
};

/* The families' words, by family_index(). */
static const char *const names[FAMILY_COUNT] = { "ipv4", "ipv6" };

uint8_t family_parse(const char *word)
{
	int i;

	for (i = 0; i < FAMILY_COUNT; i++)
		if (!strcmp(word, names[i]))
			return families[i];
	return 0;
}

const char *family_name(uint8_t family)
{
	int i = family_index(family);

	return i < 0 ? NULL : names[i];
}

int family_index(uint8_t family)
{
	int i;

	for (i = 0; i < FAMILY_COUNT; i++)
		if (families[i] == family)
			return i;
	return -1;
}

int family_arg(int argc, char *argv[], const char *what,
	       const char *accepted, uint8_t *family)
{
	*family = 0;
	if (argc > 2)
		return usage_error("%s: unexpected argument '%s' (expected one family at most: ipv4 or ipv6)",
				   what, argv[2]);
	if (argc < 2)
		return 0;
	*family = family_parse(argv[1]);
	if (!*family)
		return usage_error("%s: unknown family '%s' (expected %s)",
				   what, argv[1], accepted);
	return 0;
}
