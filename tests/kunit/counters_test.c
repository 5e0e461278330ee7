// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-cpu counters and histograms read while they are written,
 * across 2^32 boundaries.
 *
 * A writer counts packets with mssclamp_count_value() as fast as it can:
 * one counter slot and one histogram bucket, each set (under its seqcount,
 * as a writer) to just below a multiple of 2^32 at the start of every round
 * and counted across it, and one histogram sum that grows by U32_MAX per
 * packet, so that its high word changes nearly every time. A reader folds
 * them with mssclamp_stats_fold() and mssclamp_hist_fold(), the paths the
 * netlink dumps take, and resets them now and then. On a 32-bit kernel a
 * u64 is two words: u64_stats_fetch_begin() and u64_stats_fetch_retry()
 * make a reader that raced a writer read again (a seqcount; on 64-bit they
 * do nothing, and u64_stats_read() is one load), so the reader must never
 * see
 *   - a value lower than one it saw before, the baseline of a reset
 *     included (a low word that wrapped without its high word, or the
 *     other way round),
 *   - a slot or bucket whose low word is not within SMP_NEAR of 0, or a
 *     sum that is not a multiple of U32_MAX,
 * and once the writer has stopped, the totals are what it counted, to the
 * packet.
 *
 * counters_wrap_test runs writer and reader by turns on one CPU (every
 * architecture: the boundaries and the baseline); counters_smp_test runs
 * them at once on two CPUs, two kthreads bound to different CPUs, and is
 * skipped on a kernel with fewer (User-Mode Linux has one).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched.h>

#include "mssclamp.h"
#include "test_af.h"

#define SMP_SLOT	MSSCLAMP_SLOT(MSSCLAMP_OUT_CLAMPED, false)
#define SMP_KIND	MSSCLAMP_HIST_PTB
/*
 * An ICMPv6 MTU is 32 bits: the sum grows by U32_MAX per packet. Read from
 * a variable, as the hook reads it from the packet: a constant above
 * S32_MAX does not assemble as x86_64's local_add() immediate ("ir").
 */
static u32 smp_value = U32_MAX;
#define SMP_VALUE	READ_ONCE(smp_value)
#define SMP_BUCKET	(MSSCLAMP_HIST_BUCKETS - 1)
#define SMP_NEAR	16		/* a round: 2^32 * r - NEAR ... + NEAR */
#define SMP_RESET_EVERY	64		/* reads */
#define SMP_MSECS	3000		/* how long the two CPUs race */

struct smp_ctx {
	struct test_af t;
	struct mssclamp_hist hist;	/* the reader's fold */
	/* The writer's. */
	u64 rounds;
	u64 calls;		/* mssclamp_count_value() calls */
	bool stop;
	/* The reader's: the last values seen, raw (fold + baseline). */
	u64 slot, count, sum;
	u64 first_round, last_round;	/* the rounds the reader saw */
	unsigned long reads, resets, bad;
	char why[192];		/* the first inconsistency */
	struct completion done[2];
};

/* One round: both counters from 2^32 * (rounds + 1) - NEAR to + NEAR. */
static void smp_write_round(struct smp_ctx *c)
{
	struct mssclamp_af *af = &c->t.af;
	u64 start = ((c->rounds + 1) << 32) - SMP_NEAR;
	struct mssclamp_pcpu_stats *s;
	struct mssclamp_pcpu_hist *h;
	unsigned long flags;
	int i;

	s = get_cpu_ptr(af->stats);
	h = this_cpu_ptr(af->hist);
	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_set(&s->slot[SMP_SLOT], start);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	flags = u64_stats_update_begin_irqsave(&h->syncp);
	u64_stats_set(&h->count[SMP_KIND][SMP_BUCKET], start);
	u64_stats_update_end_irqrestore(&h->syncp, flags);
	put_cpu_ptr(af->stats);

	for (i = 0; i < 2 * SMP_NEAR; i++)
		mssclamp_count_value(af, SMP_SLOT, SMP_KIND, SMP_VALUE);
	c->calls += 2 * SMP_NEAR;
	c->rounds++;
}

static __printf(2, 3) void smp_bad(struct smp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->bad++) {
		va_start(ap, fmt);
		vsnprintf(c->why, sizeof(c->why), fmt, ap);
		va_end(ap);
	}
}

/*
 * @v, a slot or bucket (@sum false) or a sum, is one the writer wrote and
 * not below @prev, the last one read; it becomes @prev.
 */
static void smp_check(struct smp_ctx *c, const char *what, u64 v, u64 *prev,
		      bool sum)
{
	u32 rem = 0;

	if (sum)
		div_u64_rem(v, U32_MAX, &rem);
	else if ((u32)(v + SMP_NEAR) > 2 * SMP_NEAR)
		rem = 1;
	if (rem)
		smp_bad(c, "read %lu: %s %#llx was never written", c->reads,
			what, v);
	if (v < *prev)
		smp_bad(c, "read %lu: %s went back from %#llx to %#llx",
			c->reads, what, *prev, v);
	*prev = v;
}

/* Fold both as a dump does; every SMP_RESET_EVERY reads, reset too. */
static void smp_read(struct smp_ctx *c)
{
	struct mssclamp_af *af = &c->t.af;
	struct mssclamp_hist *base = af->hist_base;
	struct mssclamp_stats st;
	u64 round;

	mssclamp_stats_fold(af, &st);
	mssclamp_hist_fold(af, &c->hist);
	c->reads++;
	smp_check(c, "slot", STAT(st, CLAMPED_SYN) + af->base[SMP_SLOT],
		  &c->slot, false);
	smp_check(c, "bucket", c->hist.count[SMP_KIND][SMP_BUCKET] +
		  base->count[SMP_KIND][SMP_BUCKET], &c->count, false);
	smp_check(c, "sum", c->hist.sum[SMP_KIND] + base->sum[SMP_KIND],
		  &c->sum, true);
	round = (c->slot + SMP_NEAR) >> 32;
	if (!c->first_round)
		c->first_round = round;
	c->last_round = round;

	if (c->reads % SMP_RESET_EVERY)
		return;
	mssclamp_stats_reset(af);
	c->resets++;
	smp_check(c, "slot baseline", af->base[SMP_SLOT], &c->slot, false);
	smp_check(c, "bucket baseline", base->count[SMP_KIND][SMP_BUCKET],
		  &c->count, false);
	smp_check(c, "sum baseline", base->sum[SMP_KIND], &c->sum, true);
}

static struct smp_ctx *smp_new(struct kunit *test)
{
	struct smp_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	test_af_init(test, &c->t, false, 0);
	init_completion(&c->done[0]);
	init_completion(&c->done[1]);
	return c;
}

/*
 * With the writer stopped: nothing inconsistent was read, the totals are
 * what the writer counted, and a reset takes them all back to 0.
 */
static void smp_settle(struct kunit *test, struct smp_ctx *c)
{
	struct mssclamp_af *af = &c->t.af;
	u64 end = (c->rounds << 32) + SMP_NEAR;
	struct mssclamp_stats st;

	KUNIT_EXPECT_EQ_MSG(test, c->bad, 0, "%lu inconsistent reads, first: %s",
			    c->bad, c->why);
	KUNIT_EXPECT_GE_MSG(test, c->resets, 2, "%lu reads", c->reads);

	mssclamp_stats_fold(af, &st);
	mssclamp_hist_fold(af, &c->hist);
	KUNIT_EXPECT_EQ(test, STAT(st, CLAMPED_SYN) + af->base[SMP_SLOT], end);
	KUNIT_EXPECT_EQ(test, STAT(st, SYN), STAT(st, CLAMPED_SYN));
	KUNIT_EXPECT_EQ(test, c->hist.count[SMP_KIND][SMP_BUCKET] +
			af->hist_base->count[SMP_KIND][SMP_BUCKET], end);
	KUNIT_EXPECT_EQ(test, c->hist.sum[SMP_KIND] + af->hist_base->sum[SMP_KIND],
			c->calls * SMP_VALUE);

	mssclamp_stats_reset(af);
	mssclamp_stats_fold(af, &st);
	mssclamp_hist_fold(af, &c->hist);
	KUNIT_EXPECT_EQ(test, STAT(st, SYN), 0);
	KUNIT_EXPECT_EQ(test, STAT(st, CLAMPED_SYN), 0);
	KUNIT_EXPECT_EQ(test, c->hist.count[SMP_KIND][SMP_BUCKET], 0);
	KUNIT_EXPECT_EQ(test, c->hist.sum[SMP_KIND], 0);
	test_af_fini(&c->t);
}

/* Writer and reader by turns, on one CPU, across 200 boundaries. */
static void counters_wrap_test(struct kunit *test)
{
	struct smp_ctx *c = smp_new(test);
	int i;

	for (i = 0; i < 200; i++) {
		smp_write_round(c);
		smp_read(c);
	}
	KUNIT_EXPECT_EQ(test, c->last_round, 200);
	smp_settle(test, c);
}

static int smp_writer(void *arg)
{
	struct smp_ctx *c = arg;

	while (!READ_ONCE(c->stop)) {
		smp_write_round(c);
		cond_resched();
	}
	complete(&c->done[0]);
	return 0;
}

static int smp_reader(void *arg)
{
	struct smp_ctx *c = arg;
	unsigned long end = jiffies + msecs_to_jiffies(SMP_MSECS);

	while (time_before(jiffies, end)) {
		smp_read(c);
		cond_resched();
	}
	WRITE_ONCE(c->stop, true);
	complete(&c->done[1]);
	return 0;
}

/*
 * Writer and reader at once, each a kthread bound to its own CPU, for
 * SMP_MSECS: the reader must have seen the writer move on (rounds it
 * crossed while reading), and never a torn value.
 */
static void counters_smp_test(struct kunit *test)
{
	unsigned int rcpu = cpumask_first(cpu_online_mask);
	unsigned int wcpu = cpumask_next(rcpu, cpu_online_mask);
	struct task_struct *w, *r;
	struct smp_ctx *c;

	if (wcpu >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs, has %u",
			   num_online_cpus());
	c = smp_new(test);
	w = kthread_create(smp_writer, c, "mssclamp-w/%u", wcpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(w));
	r = kthread_create(smp_reader, c, "mssclamp-r/%u", rcpu);
	if (IS_ERR(r))
		kthread_stop(w);	/* never woken: smp_writer() never runs */
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	kthread_bind(w, wcpu);
	kthread_bind(r, rcpu);
	wake_up_process(w);
	wake_up_process(r);
	wait_for_completion(&c->done[1]);
	wait_for_completion(&c->done[0]);

	kunit_info(test, "CPU %u: %lu reads, %lu resets, rounds %llu to %llu; CPU %u: %llu rounds",
		   rcpu, c->reads, c->resets, c->first_round, c->last_round,
		   wcpu, c->rounds);
	KUNIT_EXPECT_GE_MSG(test, c->last_round - c->first_round, 2,
			    "the reader saw the writer move on");
	smp_settle(test, c);
}

static struct kunit_case mssclamp_counters_cases[] = {
	KUNIT_CASE(counters_wrap_test),
	KUNIT_CASE(counters_smp_test),
	{}
};

MSSCLAMP_KUNIT_SUITE(mssclamp_counters);

MODULE_LICENSE("GPL");
