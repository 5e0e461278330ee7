// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: the per-cpu counters and histograms, folded on read.
 *
 * The fast path counts each packet once, in the slot of what became of it
 * (mssclamp_count()); nothing here stops it or writes to its counters. A
 * reset takes a snapshot of the slots as the new baseline and reads
 * subtract it, so a reset is exact: a packet counted on another CPU while
 * it runs lands either before the snapshot or after it, never in neither.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
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

	out->v[MSSCLAMP_STAT_A_PTB] = c[MSSCLAMP_SLOT_PTB];
}

/*
 * One value of a per-cpu histogram, untorn. Each value is read on its
 * own: a histogram has too many to copy on the stack, and the buckets of
 * different CPUs are not one snapshot anyway.
 */
static u64 mssclamp_hist_read(const struct mssclamp_pcpu_hist *h,
			      const u64_stats_t *v)
{
	unsigned int start;
	u64 val;

	do {
		start = u64_stats_fetch_begin(&h->syncp);
		val = u64_stats_read(v);
	} while (u64_stats_fetch_retry(&h->syncp, start));
	return val;
}

/* The histograms summed over every CPU. */
static void mssclamp_hist_sum(struct mssclamp_af *af, struct mssclamp_hist *sum)
{
	int cpu, k, b;

	memset(sum, 0, sizeof(*sum));
	if (!af->hist)
		return;
	for_each_possible_cpu(cpu) {
		const struct mssclamp_pcpu_hist *h = per_cpu_ptr(af->hist, cpu);

		for (k = 0; k < MSSCLAMP_HIST_KINDS; k++) {
			for (b = 0; b < MSSCLAMP_HIST_BUCKETS; b++)
				sum->count[k][b] +=
					mssclamp_hist_read(h, &h->count[k][b]);
			sum->sum[k] += mssclamp_hist_read(h, &h->sum[k]);
		}
	}
}

/* The family's histograms since the last reset. Caller holds the netns lock. */
void mssclamp_hist_fold(struct mssclamp_af *af, struct mssclamp_hist *out)
{
	int k, b;

	mssclamp_hist_sum(af, out);
	if (!af->hist_base)
		return;
	for (k = 0; k < MSSCLAMP_HIST_KINDS; k++) {
		for (b = 0; b < MSSCLAMP_HIST_BUCKETS; b++)
			out->count[k][b] -= af->hist_base->count[k][b];
		out->sum[k] -= af->hist_base->sum[k];
	}
}

/*
 * The values bucket @bucket counts, @low to @high: below 1200 the ranges
 * of the low MSS and MTU values seen in the field, then every value from
 * 1200 to 1500, then the larger MTUs up to jumbo frames and beyond.
 */
void mssclamp_hist_bounds(unsigned int bucket, u32 *low, u32 *high)
{
	static const u32 below[MSSCLAMP_HIST_BELOW + 1] = {
		0, 536, 600, 700, 800, 900, 1000, 1100, 1200,
	};
	static const u32 above[MSSCLAMP_HIST_ABOVE + 1] = {
		1501, 2000, 4000, 8192, 9000, 16384, 0,
	};
	unsigned int exact = MSSCLAMP_HIST_EXACT_HIGH - MSSCLAMP_HIST_EXACT_LOW + 1;

	if (bucket < MSSCLAMP_HIST_BELOW) {
		*low = below[bucket];
		*high = below[bucket + 1] - 1;
	} else if (bucket < MSSCLAMP_HIST_BELOW + exact) {
		*low = MSSCLAMP_HIST_EXACT_LOW + bucket - MSSCLAMP_HIST_BELOW;
		*high = *low;
	} else {
		bucket -= MSSCLAMP_HIST_BELOW + exact;
		*low = above[bucket];
		/* The last bucket is open: an ICMPv6 MTU is 32 bits. */
		*high = above[bucket + 1] - 1;
	}
}

/*
 * The histograms of a family about to be enabled for the first time.
 * Under the netns lock, before the hook is registered.
 */
int mssclamp_hist_alloc(struct mssclamp_af *af)
{
	struct mssclamp_pcpu_hist __percpu *hist;
	int cpu;

	if (af->hist)
		return 0;
	af->hist_base = kzalloc(sizeof(*af->hist_base), GFP_KERNEL_ACCOUNT);
	if (!af->hist_base)
		return -ENOMEM;
	hist = alloc_percpu_gfp(struct mssclamp_pcpu_hist, GFP_KERNEL_ACCOUNT);
	if (!hist) {
		kfree(af->hist_base);
		af->hist_base = NULL;
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(hist, cpu)->syncp);
	WRITE_ONCE(af->hist, hist);
	return 0;
}

void mssclamp_hist_free(struct mssclamp_af *af)
{
	free_percpu(af->hist);
	af->hist = NULL;
	kfree(af->hist_base);
	af->hist_base = NULL;
}

/*
 * Start the family's counters and histograms again from 0. Caller holds
 * the netns lock.
 */
void mssclamp_stats_reset(struct mssclamp_af *af)
{
	mssclamp_slots_sum(af, af->base);
	if (af->hist_base)
		mssclamp_hist_sum(af, af->hist_base);
}
