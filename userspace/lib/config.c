// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: what a configuration is, apart from how it travels
 * (codec.c) and how it is checked (limit.c).
 */
#include <inttypes.h>
#include <string.h>

#include "config.h"
#include "ctl.h"
#include "output.h"

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

void config_print(const char *key, const char *fmt, const struct config *c)
{
	unsigned int i;

	out_object_open(key, fmt);
	out_bool(OUT_JSON, "enabled", NULL, c->enabled);
	out_string(OUT_TEXT, NULL, "%-8s", c->enabled ? "enabled" : "disabled");
	out_uint(OUT_ANY, "mtu", "  mtu %-5" PRIu64, c->mtu);
	out_uint(OUT_ANY, "overhead", "  overhead %-3" PRIu64, c->overhead);
	out_uint(OUT_ANY, "mss", "  mss %-5" PRIu64, c->mss);
	out_bool(OUT_ANY, "pmtu", "  pmtu %-3s", c->pmtu);
	out_string(OUT_ANY, "hook", "  hook %-11s", hook_name(c->hook));
	out_bool(OUT_ANY, "syn", "  syn %-3s", c->syn);
	out_bool(OUT_ANY, "synack", "  synack %-3s", c->synack);
	out_array_open("dev", "  dev ");
	if (!c->ndevs)
		out_text("any");
	for (i = 0; i < c->ndevs; i++)
		out_string(OUT_ANY, NULL, i ? ",%s" : "%s", c->devs[i]);
	out_array_close(NULL);
	out_object_close("\n");
}
