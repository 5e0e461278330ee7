// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: the per-cpu counters, folded on read.
 *
 * The fast path counts each packet once, in the slot of what became of it
 * (mssclamp_count()); nothing here stops it or writes to its counters. A
 * reset takes a snapshot of the slots as the new baseline and reads
 * subtract it, so a reset is exact: a packet counted on another CPU while
 * it runs lands either before the snapshot or after it, never in neither.
 */
#include <linux/percpu.h>
#include <linux/string.h>

#include "mssclamp.h"

/* The sum of the slots over every CPU, each CPU's read untorn. */
static void mssclamp_slots_sum(struct mssclamp_af *af,
			       u64 sum[MSSCLAMP_SLOT_COUNT])
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * MSSCLAMP_SLOT_COUNT);
	for_each_possible_cpu(cpu) {
		const struct mssclamp_pcpu_stats *s = per_cpu_ptr(af->stats, cpu);
		u64 v[MSSCLAMP_SLOT_COUNT];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < MSSCLAMP_SLOT_COUNT; i++)
				v[i] = u64_stats_read(&s->slot[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < MSSCLAMP_SLOT_COUNT; i++)
			sum[i] += v[i];
	}
}

/* An outcome's count, SYNs and SYN-ACKs together. */
static u64 mssclamp_both(const u64 *c, enum mssclamp_outcome o)
{
	return c[MSSCLAMP_SLOT(o, 0)] + c[MSSCLAMP_SLOT(o, 1)];
}

/* The family's counters since the last reset. Caller holds the netns lock. */
void mssclamp_stats_fold(struct mssclamp_af *af, struct mssclamp_stats *out)
{
	u64 c[MSSCLAMP_SLOT_COUNT];
	int i;

	mssclamp_slots_sum(af, c);
	for (i = 0; i < MSSCLAMP_SLOT_COUNT; i++)
		c[i] -= af->base[i];

	memset(out, 0, sizeof(*out));
	for (i = 0; i < MSSCLAMP_OUT_COUNT; i++) {
		out->v[MSSCLAMP_STAT_A_SYN] += c[MSSCLAMP_SLOT(i, 0)];
		out->v[MSSCLAMP_STAT_A_SYNACK] += c[MSSCLAMP_SLOT(i, 1)];
	}
	out->v[MSSCLAMP_STAT_A_CLAMPED_SYN] =
		c[MSSCLAMP_SLOT(MSSCLAMP_OUT_CLAMPED, 0)];
	out->v[MSSCLAMP_STAT_A_CLAMPED_SYNACK] =
		c[MSSCLAMP_SLOT(MSSCLAMP_OUT_CLAMPED, 1)];
	out->v[MSSCLAMP_STAT_A_UNCHANGED] =
		mssclamp_both(c, MSSCLAMP_OUT_UNCHANGED);
	out->v[MSSCLAMP_STAT_A_NO_MSS] = mssclamp_both(c, MSSCLAMP_OUT_NO_MSS);
	out->v[MSSCLAMP_STAT_A_MALFORMED] =
		mssclamp_both(c, MSSCLAMP_OUT_MALFORMED);
	out->v[MSSCLAMP_STAT_A_ERRORS] = mssclamp_both(c, MSSCLAMP_OUT_ERRORS);
	out->v[MSSCLAMP_STAT_A_FRAGMENTS] = c[MSSCLAMP_SLOT_FRAGMENTS];
}

/* Start the family's counters again from 0. Caller holds the netns lock. */
void mssclamp_stats_reset(struct mssclamp_af *af)
{
	mssclamp_slots_sum(af, af->base);
}
