// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl show [ipv4|ipv6]: the configuration of each family, a line
 * each; with -j, {"ipv4": {"enabled": ..., "dev": [...]}, "ipv6": {...}}.
 * Both come from the same calls.
 */
#include "commands.h"
#include "config.h"
#include "family.h"
#include "output.h"
#include "query.h"

static void print_config(const char *family, const void *obj)
{
	config_print(family, "%s: ", obj);
}

static const struct query_view show_view = {
	.what = "show", .accepted = "ipv4 or ipv6", .query = &query_config,
	.print = print_config, .table = false,
};

int show_main(int argc, char *argv[])
{
	struct config configs[FAMILY_COUNT];

	return query_main(&show_view, argc, argv, configs);
}
