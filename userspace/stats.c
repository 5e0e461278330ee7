// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl stats [ipv4|ipv6] / stats reset [ipv4|ipv6]: the counters of
 * each family.
 *
 * Text is a table with a row per counter and a column per family; JSON is
 * {"ipv4": {"syn": N, ...}, "ipv6": {...}}. Both come from the same calls.
 */
#include <inttypes.h>
#include <string.h>

#include "codec.h"
#include "commands.h"
#include "ctl.h"
#include "family.h"
#include "nl.h"
#include "output.h"
#include "query.h"

/* In the order they are printed; the names are the JSON keys. */
static const struct counter {
	uint16_t attr;
	const char *name;
} counters[] = {
	{ MSSCLAMP_STAT_A_SYN, "syn" },
	{ MSSCLAMP_STAT_A_SYNACK, "synack" },
	{ MSSCLAMP_STAT_A_CLAMPED_SYN, "clamped_syn" },
	{ MSSCLAMP_STAT_A_CLAMPED_SYNACK, "clamped_synack" },
	{ MSSCLAMP_STAT_A_UNCHANGED, "unchanged" },
	{ MSSCLAMP_STAT_A_NO_MSS, "no_mss" },
	{ MSSCLAMP_STAT_A_MALFORMED, "malformed" },
	{ MSSCLAMP_STAT_A_FRAGMENTS, "fragments" },
	{ MSSCLAMP_STAT_A_ERRORS, "errors" },
};

#define N_COUNTERS ARRAY_SIZE(counters)

static void print_stats(const char *family, const void *obj)
{
	const struct stats *s = obj;
	size_t i;

	out_object_open(family, NULL);
	for (i = 0; i < N_COUNTERS; i++)
		out_uint(OUT_ANY, counters[i].name, "%" PRIu64,
			 s->val[counters[i].attr]);
	out_object_close(NULL);
}

static const struct query_view stats_view = {
	.what = "stats",
	.accepted = "ipv4, ipv6 or reset",
	.query = &query_stats,
	.print = print_stats,
	.table = true,
};

static int reset_main(int argc, char *argv[])
{
	uint8_t family = 0;
	struct nl *nl;
	int ret;

	ret = family_arg(argc, argv, "stats reset", "ipv4 or ipv6", &family);
	if (ret)
		return ret;

	nl = nl_open("stats reset");
	if (!nl)
		return EXIT_RUNTIME;
	ret = query_reset(nl, family);
	nl_close(nl);
	return ret < 0 ? EXIT_RUNTIME : EXIT_SUCCESS;
}

int stats_main(int argc, char *argv[])
{
	struct stats stats[FAMILY_COUNT];

	if (argc >= 2 && !strcmp(argv[1], "reset"))
		return reset_main(argc - 1, argv + 1);
	return query_main(&stats_view, argc, argv, stats);
}
