// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl stats [ipv4|ipv6] / stats reset [ipv4|ipv6] /
 * stats --prometheus [--output FILE] [ipv4|ipv6]: the counters of each
 * family.
 *
 * Text is a table with a row per counter and a column per family; JSON is
 * {"ipv4": {"syn": N, ...}, "ipv6": {...}}. Both come from the same calls.
 *
 * --prometheus prints the Prometheus text exposition format, for
 * node_exporter's textfile collector: every counter as
 * mssclamp_KEY_total{family="ipv4"}, the gauges mssclamp_enabled and
 * mssclamp_ceiling_bytes, and the histograms mssclamp_advertised_mss
 * {family, direction="syn|synack"} and mssclamp_ptb_mtu {family}.
 * --output FILE writes it to FILE atomically (outfile.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "errors.h"
#include "family.h"
#include "nl.h"
#include "outfile.h"
#include "output.h"
#include "query.h"

/* In the order they are printed; the names are the JSON keys. */
static const struct counter {
	uint16_t attr;
	const char *name;
	const char *help;		/* for --prometheus */
} counters[] = {
	{ MSSCLAMP_STAT_A_SYN, "syn",
	  "SYN packets (SYN set, ACK and RST clear) inspected." },
	{ MSSCLAMP_STAT_A_SYNACK, "synack",
	  "SYN-ACK packets (SYN and ACK set, RST clear) inspected." },
	{ MSSCLAMP_STAT_A_CLAMPED_SYN, "clamped_syn",
	  "SYNs whose MSS was above the ceiling and was lowered to it." },
	{ MSSCLAMP_STAT_A_CLAMPED_SYNACK, "clamped_synack",
	  "SYN-ACKs whose MSS was above the ceiling and was lowered to it." },
	{ MSSCLAMP_STAT_A_UNCHANGED, "unchanged",
	  "SYNs and SYN-ACKs whose MSS was at or below the ceiling." },
	{ MSSCLAMP_STAT_A_NO_MSS, "no_mss",
	  "SYNs and SYN-ACKs without an MSS option." },
	{ MSSCLAMP_STAT_A_MALFORMED, "malformed",
	  "SYNs and SYN-ACKs whose TCP header or options could not be parsed." },
	{ MSSCLAMP_STAT_A_FRAGMENTS, "fragments",
	  "TCP packets that were non-first fragments, skipped." },
	{ MSSCLAMP_STAT_A_ERRORS, "errors",
	  "SYNs and SYN-ACKs that needed rewriting but could not be made writable." },
	{ MSSCLAMP_STAT_A_PTB, "ptb",
	  "ICMP fragmentation-needed and ICMPv6 Packet Too Big messages seen." },
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
	.what = "stats", .accepted = "ipv4, ipv6 or reset",
	.query = &query_stats, .print = print_stats, .table = true,
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
		return -EIO;
	ret = query_reset(nl, family);
	nl_close(nl);
	return ret;
}

/* ------------------------------------------------------------------ */
/* --prometheus                                                         */

/* What --prometheus prints, from three requests. */
struct prom {
	uint8_t family;			/* 0: both */
	struct config config[FAMILY_COUNT];
	struct stats stats[FAMILY_COUNT];
	struct hists hists;
};

static bool prom_family(const struct prom *p, int i)
{
	return !p->family || families[i] == p->family;
}

static void prom_head(FILE *f, const char *name, const char *type,
		      const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * One histogram: a cumulative bucket per bucket the kernel sent, "le" its
 * high bound (the values are integers), then "+Inf", _sum and _count. The
 * last bucket of the module is open (high 4294967295): "+Inf" is its.
 */
static void prom_hist(FILE *f, const char *name, const char *labels,
		      const struct hist *h)
{
	uint64_t cum = 0;
	unsigned int i;

	for (i = 0; i < h->n; i++) {
		cum += h->b[i].count;
		if (h->b[i].high == UINT32_MAX)
			continue;
		fprintf(f, "%s_bucket{%s,le=\"%" PRIu32 "\"} %" PRIu64 "\n",
			name, labels, h->b[i].high, cum);
	}
	fprintf(f, "%s_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", name, labels, cum);
	fprintf(f, "%s_sum{%s} %" PRIu64 "\n", name, labels, h->sum);
	fprintf(f, "%s_count{%s} %" PRIu64 "\n", name, labels, cum);
}

static void prom_print(FILE *f, const struct prom *p)
{
	static const int directions[] = { MSSCLAMP_HIST_SYN,
					  MSSCLAMP_HIST_SYNACK };
	char name[64], labels[64];
	size_t c, d;
	int i;

	for (c = 0; c < N_COUNTERS; c++) {
		snprintf(name, sizeof(name), "mssclamp_%s_total",
			 counters[c].name);
		prom_head(f, name, "counter", counters[c].help);
		for (i = 0; i < FAMILY_COUNT; i++)
			if (prom_family(p, i))
				fprintf(f, "%s{family=\"%s\"} %" PRIu64 "\n",
					name, family_name(families[i]),
					p->stats[i].val[counters[c].attr]);
	}
	prom_head(f, "mssclamp_enabled", "gauge",
		  "Whether the family is clamped (1) or not (0).");
	for (i = 0; i < FAMILY_COUNT; i++)
		if (prom_family(p, i))
			fprintf(f, "mssclamp_enabled{family=\"%s\"} %u\n",
				family_name(families[i]),
				p->config[i].enabled ? 1 : 0);
	prom_head(f, "mssclamp_ceiling_bytes", "gauge",
		  "The MSS ceiling: mtu - IP header - 20 - overhead.");
	for (i = 0; i < FAMILY_COUNT; i++)
		if (prom_family(p, i))
			fprintf(f, "mssclamp_ceiling_bytes{family=\"%s\"} %" PRIu32 "\n",
				family_name(families[i]), p->config[i].mss);
	prom_head(f, "mssclamp_advertised_mss", "histogram",
		  "The MSS option of the SYNs and SYN-ACKs inspected, before clamping.");
	for (i = 0; i < FAMILY_COUNT; i++) {
		if (!prom_family(p, i))
			continue;
		for (d = 0; d < ARRAY_SIZE(directions); d++) {
			snprintf(labels, sizeof(labels),
				 "family=\"%s\",direction=\"%s\"",
				 family_name(families[i]),
				 hist_kind_name(directions[d]));
			prom_hist(f, "mssclamp_advertised_mss", labels,
				  &p->hists.h[i][directions[d]]);
		}
	}
	prom_head(f, "mssclamp_ptb_mtu", "histogram",
		  "The MTU reported by the ICMP fragmentation-needed and ICMPv6 Packet Too Big messages seen.");
	for (i = 0; i < FAMILY_COUNT; i++) {
		if (!prom_family(p, i))
			continue;
		snprintf(labels, sizeof(labels), "family=\"%s\"",
			 family_name(families[i]));
		prom_hist(f, "mssclamp_ptb_mtu", labels,
			  &p->hists.h[i][MSSCLAMP_HIST_PTB]);
	}
}

static int prometheus(uint8_t family, const char *output)
{
	struct outfile of;
	struct prom *p;
	struct nl *nl;
	FILE *f = stdout;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return runtime_error("stats: out of memory");
	p->family = family;
	nl = nl_open("stats");
	if (!nl) {
		free(p);
		return -EIO;
	}
	ret = query_get(nl, &query_config, "stats", family, p->config);
	if (!ret)
		ret = query_get(nl, &query_stats, "stats", family, p->stats);
	if (!ret)
		ret = query_hist(nl, "stats", &p->hists);
	nl_close(nl);
	if (ret) {
		free(p);
		return ret;
	}

	if (output && !(f = outfile_open(&of, output, "stats"))) {
		free(p);
		return -EIO;
	}
	prom_print(f, p);
	free(p);
	return output ? outfile_commit(&of, "stats") : finish_output();
}

int stats_main(int argc, char *argv[])
{
	struct stats stats[FAMILY_COUNT];
	const char *output = NULL;
	bool prom = false;
	uint8_t family = 0;
	int i;

	if (argc >= 2 && !strcmp(argv[1], "reset"))
		return reset_main(argc - 1, argv + 1);

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--prometheus")) {
			if (prom)
				return usage_error("stats: '--prometheus' given twice");
			prom = true;
		} else if (!strcmp(a, "--output") ||
			   !strncmp(a, "--output=", 9)) {
			if (output)
				return usage_error("stats: '--output' given twice");
			if (a[8] == '=')
				output = a + 9;
			else if (i + 1 < argc)
				output = argv[++i];
			if (!output || !*output)
				return usage_error("stats: '--output' needs the name of a file");
		} else if (a[0] == '-' && a[1]) {
			return usage_error("stats: unknown option '%s' (expected --prometheus or --output FILE)",
					   a);
		} else if (family) {
			return usage_error("stats: unexpected argument '%s' (expected one family at most: ipv4 or ipv6)",
					   a);
		} else if (!(family = family_parse(a))) {
			return usage_error("stats: unknown family '%s' (expected %s)",
					   a, stats_view.accepted);
		}
	}
	if (output && !prom)
		return usage_error("stats: '--output' writes the metrics of --prometheus: give both");
	if (prom && out_json())
		return usage_error("stats: --prometheus has no JSON form (for JSON, use -j stats)");
	if (prom)
		return prometheus(family, output);
	return query_main(&stats_view, argc, argv, stats);
}
