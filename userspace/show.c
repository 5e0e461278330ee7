// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl show [ipv4|ipv6]: the configuration of each family, a line
 * each; with -j, {"ipv4": {"enabled": ..., "dev": [...]}, "ipv6": {...}}.
 * Both come from the same calls.
 */
#include <inttypes.h>

#include "commands.h"
#include "config.h"
#include "family.h"
#include "output.h"
#include "query.h"

static void print_config(const char *family, const void *obj)
{
	const struct config *c = obj;
	unsigned int i;

	out_object_open(family, "%s: ");
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

static const struct query_view show_view = {
	.what = "show",
	.accepted = "ipv4 or ipv6",
	.query = &query_config,
	.print = print_config,
	.table = false,
};

int show_main(int argc, char *argv[])
{
	struct config configs[FAMILY_COUNT];

	return query_main(&show_view, argc, argv, configs);
}
