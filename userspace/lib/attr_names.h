/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mssclamp family's top-level attributes by the words mssclampctl
 * users know them by (`set`'s settings, `show`'s keys): codec.c names the
 * attribute the kernel points at in an error, tests/unit/fakegenl.c the
 * attributes of the requests it logs. The settings' names are settings.h's
 * words; tests/unit/layout_test.py checks that the two name every
 * attribute of uapi/mssclamp.h but the pad, which is never sent.
 */
#ifndef MSSCLAMPCTL_ATTR_NAMES_H
#define MSSCLAMPCTL_ATTR_NAMES_H

#include <stdint.h>
#include <linux/netlink.h>	/* NLA_TYPE_MASK */

#include "settings.h"
#include "uapi/mssclamp.h"

#define MSSCLAMP_ATTR_NAME(attr, type, member, word, kind, width) \
	[attr] = word,

static const char *const mssclamp_attr_names[MSSCLAMP_A_MAX + 1] = {
	[MSSCLAMP_A_FAMILY] = "family",
	/* The settings by their words (settings.h). */
	MSSCLAMP_SETTINGS(MSSCLAMP_ATTR_NAME)
	[MSSCLAMP_A_STATS] = "stats",
	[MSSCLAMP_A_HIST_KIND] = "histogram kind",
	[MSSCLAMP_A_HIST_SUM] = "histogram sum",
	[MSSCLAMP_A_HIST_BUCKET] = "histogram bucket",
};

/* The name of attribute @type (flags masked off), or "unknown". */
static inline const char *mssclamp_attr_name(uint32_t type)
{
	type &= NLA_TYPE_MASK;
	if (type <= MSSCLAMP_A_MAX && mssclamp_attr_names[type])
		return mssclamp_attr_names[type];
	return "unknown";
}

#endif /* MSSCLAMPCTL_ATTR_NAMES_H */
