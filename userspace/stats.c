// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl stats / stats reset: the counters of each family.
 *
 * Text is a table with a row per counter and a column per family; JSON is
 * {"ipv4": {"syn": N, ...}, "ipv6": {...}}. Both come from the same calls.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <inttypes.h>

#include "ctl.h"
#include "nl.h"
#include "output.h"

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

struct stats {
	bool seen;
	uint64_t val[N_COUNTERS];
};

/* One GET_STATS reply into @data, an array indexed by family_index(). */
static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MSSCLAMP_A_MAX + 1];
	const struct nlattr *stb[MSSCLAMP_STAT_A_MAX + 1];
	struct stats *stats = data;
	struct stats s = { .seen = true };
	uint8_t family;
	size_t i;
	int idx;

	if (nl_parse(nlh, tb, MSSCLAMP_A_MAX) < 0 ||
	    nl_get_u8(tb[MSSCLAMP_A_FAMILY], &family) < 0)
		goto bad;
	idx = family_index(family);
	if (idx < 0)
		return MNL_CB_OK;	/* a family newer than this tool */
	if (!tb[MSSCLAMP_A_STATS] ||
	    mnl_attr_validate(tb[MSSCLAMP_A_STATS], MNL_TYPE_NESTED) < 0 ||
	    nl_parse_nested(tb[MSSCLAMP_A_STATS], stb, MSSCLAMP_STAT_A_MAX) < 0)
		goto bad;
	for (i = 0; i < N_COUNTERS; i++)
		if (nl_get_u64(stb[counters[i].attr], &s.val[i]) < 0)
			goto bad;
	stats[idx] = s;
	return MNL_CB_OK;
bad:
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

static void print_stats(const char *family, const struct stats *s)
{
	size_t i;

	out_object_open(family, NULL);
	for (i = 0; i < N_COUNTERS; i++)
		out_uint(OUT_ANY, counters[i].name, "%" PRIu64, s->val[i]);
	out_object_close(NULL);
}

static int reset_main(int argc, char *argv[])
{
	struct nlmsghdr *nlh;
	uint8_t family = 0;
	struct nl *nl;
	int ret;

	ret = family_arg(argc, argv, "stats reset", "ipv4 or ipv6", &family);
	if (ret)
		return ret;

	nl = nl_open("stats reset");
	if (!nl)
		return EXIT_RUNTIME;
	nlh = nl_request(nl, MSSCLAMP_CMD_RESET_STATS, 0);
	if (family)
		mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, family);
	ret = nl_talk(nl, nlh, NULL, NULL);
	nl_close(nl);
	return ret < 0 ? EXIT_RUNTIME : EXIT_SUCCESS;
}

int stats_main(int argc, char *argv[])
{
	struct stats stats[FAMILY_COUNT] = { { 0 } };
	struct nlmsghdr *nlh;
	uint8_t family = 0;
	struct nl *nl;
	int i, ret;

	if (argc >= 2 && !strcmp(argv[1], "reset"))
		return reset_main(argc - 1, argv + 1);
	ret = family_arg(argc, argv, "stats", "ipv4, ipv6 or reset", &family);
	if (ret)
		return ret;

	nl = nl_open("stats");
	if (!nl)
		return EXIT_RUNTIME;
	if (family) {
		nlh = nl_request(nl, MSSCLAMP_CMD_GET_STATS, 0);
		mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, family);
	} else {
		nlh = nl_request(nl, MSSCLAMP_CMD_GET_STATS, NLM_F_DUMP);
	}
	ret = nl_talk(nl, nlh, stats_cb, stats);
	nl_close(nl);
	if (ret < 0)
		return EXIT_RUNTIME;

	for (i = 0; i < FAMILY_COUNT; i++) {
		if (family && families[i] != family)
			continue;
		if (!stats[i].seen)
			return runtime_error("stats: the kernel sent no counters for %s",
					     family_name(families[i]));
	}

	out_start();
	out_table_open();
	for (i = 0; i < FAMILY_COUNT; i++)
		if (!family || families[i] == family)
			print_stats(family_name(families[i]), &stats[i]);
	out_table_close();
	out_end();
	return finish_output();
}
