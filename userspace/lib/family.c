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

uint8_t family_parse(const char *word)
{
	if (!strcmp(word, "ipv4"))
		return MSSCLAMP_FAMILY_IPV4;
	if (!strcmp(word, "ipv6"))
		return MSSCLAMP_FAMILY_IPV6;
	return 0;
}

const char *family_name(uint8_t family)
{
	switch (family) {
	case MSSCLAMP_FAMILY_IPV4:
		return "ipv4";
	case MSSCLAMP_FAMILY_IPV6:
		return "ipv6";
	}
	return NULL;
}

int family_index(uint8_t family)
{
	switch (family) {
	case MSSCLAMP_FAMILY_IPV4:
		return 0;
	case MSSCLAMP_FAMILY_IPV6:
		return 1;
	}
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
