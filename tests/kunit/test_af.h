/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A family's state outside any namespace, for the suites that run the
 * hooks on it directly: enabled, at MTU 1500 and the given overhead.
 */
#ifndef MSSCLAMP_TEST_AF_H
#define MSSCLAMP_TEST_AF_H

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/string.h>
/* get_unaligned_*(), put_unaligned_*(): asm/ until 6.11, linux/ since 6.12. */
#if __has_include("linux/unaligned.h")
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "mssclamp.h"

/* A counter of struct mssclamp_stats, by its attribute's name. */
#define STAT_A(name)		MSSCLAMP_STAT_A_##name
#define STAT(s, name)		((s).v[STAT_A(name)])

struct test_af {
	struct mssclamp_af af;
	struct mssclamp_cfg *cfg;
};

static inline void test_af_init(struct kunit *test, struct test_af *t,
				bool v6, u32 overhead)
{
	u8 family = v6 ? MSSCLAMP_FAMILY_IPV6 : MSSCLAMP_FAMILY_IPV4;

	memset(t, 0, sizeof(*t));
	KUNIT_ASSERT_EQ(test, 0, mssclamp_af_init(&t->af, family));
	t->cfg = rcu_dereference_protected(t->af.cfg, true);
	t->cfg->enabled = true;
	t->cfg->overhead = overhead;
	KUNIT_ASSERT_EQ(test, MSSCLAMP_CFG_OK,
			mssclamp_cfg_check(family, t->cfg));
	/* As mssclamp_cfg_publish() does when a family is enabled. */
	KUNIT_ASSERT_EQ(test, 0, mssclamp_hist_alloc(&t->af));
}

static inline void test_af_fini(struct test_af *t)
{
	mssclamp_af_free(&t->af);
}

/* Every counter of @af (mssclamp_stats_fold()) is @want's. */
static inline void test_expect_stats(struct kunit *test,
				     struct mssclamp_af *af,
				     const struct mssclamp_stats *want)
{
	struct mssclamp_stats s;
	int a;

	mssclamp_stats_fold(af, &s);
	for (a = MSSCLAMP_STAT_A_PAD + 1; a <= MSSCLAMP_STAT_A_MAX; a++)
		KUNIT_EXPECT_EQ_MSG(test, s.v[a], want->v[a], "counter %d", a);
}

/*
 * An IPv4 header of @ihl 32-bit words, protocol @proto, from @saddr to
 * 198.51.100.2, TTL 64; the caller sets the rest.
 */
static inline void test_iph(struct iphdr *iph, unsigned int ihl, u8 proto,
			    u32 saddr)
{
	iph->version = 4;
	iph->ihl = ihl;
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = htonl(saddr);
	iph->daddr = htonl(0xc6336402);	/* 198.51.100.2 */
}

/*
 * The suite @suite: the cases of @suite_cases[], registered with
 * kunit_test_suite(). (tests/kunit/run.sh reads the suites' names from
 * this macro's uses.)
 */
#define MSSCLAMP_KUNIT_SUITE(suite)				\
	static struct kunit_suite suite##_suite = {		\
		.name = #suite,					\
		.test_cases = suite##_cases,			\
	};							\
	kunit_test_suite(suite##_suite)

#endif /* MSSCLAMP_TEST_AF_H */
