// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: what a configuration is, apart from how it travels
 * (codec.c) and how it is checked (limit.c).
 */
#include <string.h>

#include "config.h"
#include "ctl.h"

static const char *const hook_names[] = {
	[MSSCLAMP_HOOK_FORWARD] = "forward",
	[MSSCLAMP_HOOK_POSTROUTING] = "postrouting",
};

#define N_HOOKS ARRAY_SIZE(hook_names)

const char *hook_name(uint8_t hook)
{
	return hook < N_HOOKS ? hook_names[hook] : "unknown";
}

bool hook_parse(const char *word, uint32_t *hook)
{
	for (*hook = 0; *hook < N_HOOKS; (*hook)++)
		if (!strcmp(word, hook_names[*hook]))
			return true;
	return false;
}

bool config_same(const struct config *a, const struct config *b)
{
	unsigned int i;

	if (a->enabled != b->enabled || a->mtu != b->mtu ||
	    a->overhead != b->overhead || a->pmtu != b->pmtu ||
	    a->hook != b->hook || a->syn != b->syn ||
	    a->synack != b->synack || a->ndevs != b->ndevs)
		return false;
	for (i = 0; i < a->ndevs; i++)
		if (strcmp(a->devs[i], b->devs[i]))
			return false;
	return true;
}
