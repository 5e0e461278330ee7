/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: a family state of the suites' own (struct mssclamp_af and its
 * published configuration), for the suites that run the hook functions
 * (hooks_test.c, shapes_test.c).
 */
#ifndef MSSCLAMP_KUNIT_TEST_AF_H
#define MSSCLAMP_KUNIT_TEST_AF_H

#include <kunit/test.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "mssclamp.h"

struct test_af {
	struct mssclamp_af af;
	struct mssclamp_cfg *cfg;
};

/*
 * @t for IPv4 or IPv6 (@v6), enabled with @overhead bytes besides the IP
 * header, the configuration checked (which derives the ceiling).
 */
static inline void test_af_init(struct kunit *test, struct test_af *t,
				bool v6, u32 overhead)
{
	u8 family = v6 ? MSSCLAMP_FAMILY_IPV6 : MSSCLAMP_FAMILY_IPV4;

	memset(t, 0, sizeof(*t));
	KUNIT_ASSERT_EQ(test, 0, mssclamp_af_init(&t->af, family));
	t->cfg = rcu_dereference_protected(t->af.cfg, true);
	t->cfg->enabled = true;
	t->cfg->overhead = overhead;
	KUNIT_ASSERT_EQ(test, 0, mssclamp_cfg_check(family, t->cfg, NULL,
						    NULL));
}

static inline void test_af_fini(struct test_af *t)
{
	mssclamp_af_free(&t->af);
}

#endif /* MSSCLAMP_KUNIT_TEST_AF_H */
