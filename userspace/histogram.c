// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl histogram [ipv4|ipv6] [syn|synack|ptb]: what the clamp sees.
 * syn and synack: the MSS option of the SYNs and SYN-ACKs the module
 * inspected, as they arrived (before clamping); ptb: the MTU the ICMP
 * fragmentation-needed and ICMPv6 Packet Too Big messages crossing the
 * hook reported. Without a family, both; without a kind, all three.
 *
 * Text, per histogram: a line naming it and the count, a row per non-empty
 * bucket (the value or range, a bar, its share, the cumulative share) and
 * a closing line that holds the counts against the family's ceiling:
 *
 *   ceiling 1396: 93.1 % of SYNs already at or below it, 6.9 % lowered
 *
 * JSON: {"ipv4": {"ceiling": 1460, "syn": {"total": N, "buckets": [{"low":
 * L, "high": H, "count": N}, ...]}, "synack": {...}, "ptb": {...}}}, the
 * buckets ascending, the empty ones left out.
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
#include "output.h"
#include "query.h"

#define BAR_WIDTH	40

/* What a histogram's values are, singular and plural. */
static const char *noun(uint8_t family, int kind, bool many)
{
	switch (kind) {
	case MSSCLAMP_HIST_SYN:
		return many ? "SYNs" : "SYN";
	case MSSCLAMP_HIST_SYNACK:
		return many ? "SYN-ACKs" : "SYN-ACK";
	}
	if (family == MSSCLAMP_FAMILY_IPV4)
		return many ? "frag-needed messages" : "frag-needed message";
	return many ? "Packet Too Big messages" : "Packet Too Big message";
}

/* @part of @whole in tenths of a percent, rounded half up. */
static unsigned int tenths(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0;
	if (whole <= UINT64_MAX / 1000)
		return (part * 1000 + whole / 2) / whole;
	return (unsigned int)((long double)part * 1000 / whole + 0.5L);
}

/* "93.1 %" into @buf. */
static const char *pct(char *buf, size_t size, unsigned int t)
{
	snprintf(buf, size, "%u.%u %%", t / 10, t % 10);
	return buf;
}

/* The value or range of a bucket: "1460", "1501-1999", "16384+" (open). */
static void bucket_name(char *buf, size_t size, const struct hist_bucket *b)
{
	if (b->low == b->high)
		snprintf(buf, size, "%" PRIu32, b->low);
	else if (b->high == UINT32_MAX)
		snprintf(buf, size, "%" PRIu32 "+", b->low);
	else
		snprintf(buf, size, "%" PRIu32 "-%" PRIu32, b->low, b->high);
}

static uint64_t hist_total(const struct hist *h)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < h->n; i++)
		n += h->b[i].count;
	return n;
}

/* The rows: value, bar, share, cumulative share. */
static void print_rows(const struct hist *h, uint64_t total)
{
	char name[32], share[16], cum[16];
	uint64_t max = 0, sum = 0;
	unsigned int i;
	int width = 5;

	for (i = 0; i < h->n; i++) {
		bucket_name(name, sizeof(name), &h->b[i]);
		if ((int)strlen(name) > width)
			width = strlen(name);
		if (h->b[i].count > max)
			max = h->b[i].count;
	}
	out_text("  %*s  %-*s  %7s  %7s\n", width, "value", BAR_WIDTH, "",
		 "share", "cumul");
	for (i = 0; i < h->n; i++) {
		const struct hist_bucket *b = &h->b[i];
		int len = (int)((long double)b->count * BAR_WIDTH / max + 0.5L);

		if (len < 1)
			len = 1;
		sum += b->count;
		bucket_name(name, sizeof(name), b);
		out_text("  %*s  %.*s%*s  %7s  %7s\n", width, name, len,
			 "########################################",
			 BAR_WIDTH - len, "",
			 pct(share, sizeof(share), tenths(b->count, total)),
			 pct(cum, sizeof(cum), tenths(sum, total)));
	}
}

/*
 * The closing line. syn, synack: how many were at or below the ceiling
 * (left as they were) and how many above it (lowered). ptb: how many
 * reported an MTU that a packet carrying a full segment at the ceiling
 * fits (ceiling + IP header + 20), and how many a smaller one. A bucket
 * that the limit splits (1100-1199 for a ceiling of 1150) may hold either:
 * it is named apart.
 */
static void print_ceiling(uint8_t family, int kind, const struct hist *h,
			  uint64_t total, uint32_t ceiling)
{
	bool ptb = kind == MSSCLAMP_HIST_PTB;
	uint32_t limit = ceiling;
	uint64_t in = 0, out = 0;
	const struct hist_bucket *split = NULL;
	char a[16], b[16], c[16], name[32];
	unsigned int ti, to, i;

	if (ptb) {
		limit += (family == MSSCLAMP_FAMILY_IPV4 ? 20 : 40) + 20;
		out_text("ceiling %" PRIu32 " (%" PRIu32 "-byte packets): ",
			 ceiling, limit);
	} else {
		out_text("ceiling %" PRIu32 ": ", ceiling);
	}
	if (!total) {
		out_text("no %s counted\n", noun(family, kind, true));
		return;
	}
	for (i = 0; i < h->n; i++) {
		const struct hist_bucket *bk = &h->b[i];

		if (ptb ? bk->low >= limit : bk->high <= limit)
			in += bk->count;
		else if (ptb ? bk->high < limit : bk->low > limit)
			out += bk->count;
		else
			split = bk;
	}
	ti = tenths(in, total);
	/* Without a split bucket the two shares add up to 100.0. */
	to = split ? tenths(out, total) : 1000 - ti;
	if (ptb)
		out_text("%s of %s report an MTU they fit, %s a smaller one",
			 pct(a, sizeof(a), ti), noun(family, kind, true),
			 pct(b, sizeof(b), to));
	else
		out_text("%s of %s already at or below it, %s lowered",
			 pct(a, sizeof(a), ti), noun(family, kind, true),
			 pct(b, sizeof(b), to));
	if (split) {
		bucket_name(name, sizeof(name), split);
		out_text(", %s in %s may be either",
			 pct(c, sizeof(c), ti + to > 1000 ? 0 : 1000 - ti - to),
			 name);
	}
	out_text("\n");
}

static void print_hist(uint8_t family, int kind, const struct hist *h,
		       uint32_t ceiling, bool first)
{
	uint64_t total = hist_total(h);
	unsigned int i;

	out_text("%s%s %s: %" PRIu64 " %s\n", first ? "" : "\n",
		 family_name(family), hist_kind_name(kind), total,
		 noun(family, kind, total != 1));
	out_object_open(hist_kind_name(kind), NULL);
	out_uint(OUT_JSON, "total", NULL, total);
	out_array_open("buckets", NULL);
	for (i = 0; i < h->n; i++) {
		out_object_open(NULL, NULL);
		out_uint(OUT_JSON, "low", NULL, h->b[i].low);
		out_uint(OUT_JSON, "high", NULL, h->b[i].high);
		out_uint(OUT_JSON, "count", NULL, h->b[i].count);
		out_object_close(NULL);
	}
	out_array_close(NULL);
	out_object_close(NULL);
	if (total)
		print_rows(h, total);
	print_ceiling(family, kind, h, total, ceiling);
}

/* [ipv4|ipv6] [syn|synack|ptb] into *@family (0: both), *@kind (-1: all). */
static int parse_args(int argc, char *argv[], uint8_t *family, int *kind)
{
	int i = 1;

	*family = 0;
	*kind = -1;
	if (i < argc && (*family = family_parse(argv[i])))
		i++;
	if (i < argc && (*kind = hist_kind_parse(argv[i])) >= 0)
		i++;
	if (i == argc)
		return 0;
	if (i == 1)
		return usage_error("histogram: unknown family or kind '%s' (expected ipv4 or ipv6, then syn, synack or ptb)",
				   argv[i]);
	if (i == 2 && *family && *kind < 0)
		return usage_error("histogram: unknown kind '%s' (expected syn, synack or ptb)",
				   argv[i]);
	return usage_error("histogram: unexpected argument '%s' (expected [ipv4|ipv6] [syn|synack|ptb])",
			   argv[i]);
}

int histogram_main(int argc, char *argv[])
{
	struct config configs[FAMILY_COUNT];
	struct hists *hs;
	uint8_t family;
	bool first = true;
	struct nl *nl;
	int kind, ret, i, k;

	ret = parse_args(argc, argv, &family, &kind);
	if (ret)
		return ret;
	hs = calloc(1, sizeof(*hs));
	if (!hs)
		return runtime_error("histogram: out of memory");
	nl = nl_open("histogram");
	if (!nl) {
		free(hs);
		return -EIO;
	}
	/* The configuration for the ceiling, then the histograms. */
	ret = query_get(nl, &query_config, "histogram", family, configs);
	if (!ret)
		ret = query_hist(nl, "histogram", hs);
	nl_close(nl);
	if (ret) {
		free(hs);
		return ret;
	}

	out_start();
	for (i = 0; i < FAMILY_COUNT; i++) {
		if (family && families[i] != family)
			continue;
		out_object_open(family_name(families[i]), NULL);
		out_uint(OUT_JSON, "ceiling", NULL, configs[i].mss);
		for (k = 0; k < HIST_KINDS; k++) {
			if (kind >= 0 && k != kind)
				continue;
			print_hist(families[i], k, &hs->h[i][k],
				   configs[i].mss, first);
			first = false;
		}
		out_object_close(NULL);
	}
	out_end();
	free(hs);
	return finish_output();
}
