/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the configuration of one family, as the kernel reports it
 * (codec.c decodes it, show, monitor and save print it, apply computes
 * it).
 */
#ifndef MSSCLAMPCTL_CONFIG_H
#define MSSCLAMPCTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "uapi/mssclamp.h"

/* One family's configuration, as GET_CONFIG answers it. */
struct config {
	bool seen;		/* filled in by a reply */
	uint8_t enabled;
	uint8_t pmtu;
	uint8_t hook;
	uint8_t syn;
	uint8_t synack;
	uint32_t mtu;
	uint32_t overhead;
	uint32_t mss;
	unsigned int ndevs;
	char devs[MSSCLAMP_MAX_DEVS][IFNAMSIZ];
};

/* The name of a hook value ("forward"), or "unknown". */
const char *hook_name(uint8_t hook);
/* The reverse: the value of @word into *@hook; false if it names none. */
bool hook_parse(const char *word, uint32_t *hook);

/*
 * Print @c (output.h) as show does: in JSON the object @key, in text one
 * line, "enabled   mtu 1500 ... dev any", after @fmt with @key as its
 * argument ("%s: ") or nothing for a NULL @fmt.
 */
void config_print(const char *key, const char *fmt, const struct config *c);

/* Do two configurations set the same (the computed mss aside)? */
bool config_same(const struct config *a, const struct config *b);

#endif /* MSSCLAMPCTL_CONFIG_H */
