// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-namespace state outside the fast path: the order in which
 * a configuration is published and a hook registered, the rollback when
 * registration fails, the dump generation, and the counters' reset.
 *
 * Each case has a state of its own (mssclamp_state_init() on a zeroed
 * struct mssclamp_net); hooks it registers go into init_net and are gone
 * again before the case ends. The netdevice notifier's case works on
 * init_net's own state, through the notifier the module registered, and
 * puts that state back as it found it (both families disabled, any
 * device).
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "mssclamp.h"
#include "test_af.h"
#include "test_netdev.h"

/* What the registration stub saw, and what it answers. */
static struct {
	struct mssclamp_af *af;
	int calls;
	bool enabled;
	u16 mss;
	int fail;
} seen;

static int record_register(struct net *net, const struct nf_hook_ops *ops)
{
	const struct mssclamp_cfg *cfg;

	cfg = rcu_dereference_protected(seen.af->cfg, true);
	seen.calls++;
	seen.enabled = cfg->enabled;
	seen.mss = cfg->mss;
	if (seen.fail)
		return seen.fail;
	return nf_register_net_hook(net, ops);
}

static struct mssclamp_net *state_new(struct kunit *test)
{
	struct mssclamp_net *mn = kunit_kzalloc(test, sizeof(*mn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mn);
	KUNIT_ASSERT_EQ(test, 0, mssclamp_state_init(mn));
	return mn;
}

static void state_free(struct mssclamp_net *mn)
{
	mssclamp_test_register_hook = NULL;
	synchronize_rcu();	/* the test hook may have been crossed */
	rcu_barrier();		/* kfree_rcu() of replaced configurations */
	mssclamp_state_free(mn);
}

/* A copy of the family's configuration with @mtu and @enabled, checked. */
static struct mssclamp_cfg *cfg_with(struct kunit *test,
				     struct mssclamp_net *mn,
				     struct mssclamp_af *af, u32 mtu,
				     bool enabled)
{
	struct mssclamp_cfg *cfg;

	cfg = kmemdup(rcu_dereference_protected(af->cfg,
						lockdep_is_held(&mn->lock)),
		      sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	cfg->mtu = mtu;
	cfg->enabled = enabled;
	KUNIT_ASSERT_EQ(test, MSSCLAMP_CFG_OK,
			mssclamp_cfg_check(af->family, cfg));
	return cfg;
}

/*
 * The first SYN a new hook sees is judged by the configuration that asked
 * for the hook: when the hook is registered, that configuration is
 * already the one published.
 */
static void mssclamp_publish_order_test(struct kunit *test)
{
	struct mssclamp_net *mn = state_new(test);
	struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V4];
	struct mssclamp_cfg *cfg;
	int err;

	memset(&seen, 0, sizeof(seen));
	seen.af = af;
	mssclamp_test_register_hook = record_register;

	mutex_lock(&mn->lock);
	/* Disabled at mtu 1500 (mss 1460); enable at 1400 in one step. */
	err = mssclamp_cfg_publish(&init_net, mn, af,
				   cfg_with(test, mn, af, 1400, true));
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, seen.calls, 1);
	KUNIT_EXPECT_TRUE_MSG(test, seen.enabled,
			      "the hook went in while the family was still disabled");
	KUNIT_EXPECT_EQ_MSG(test, seen.mss, 1360,
			    "the hook went in while the old ceiling was published");
	KUNIT_EXPECT_EQ(test, af->registered, MSSCLAMP_HOOK_FORWARD);

	/* A change of hook point: the same for the new hook. */
	seen.calls = 0;
	cfg = cfg_with(test, mn, af, 1300, true);
	cfg->hook = MSSCLAMP_HOOK_POSTROUTING;
	err = mssclamp_cfg_publish(&init_net, mn, af, cfg);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, seen.calls, 1);
	KUNIT_EXPECT_EQ(test, seen.mss, 1260);
	KUNIT_EXPECT_EQ(test, af->registered, MSSCLAMP_HOOK_POSTROUTING);

	/* Disabled again: nothing registered. */
	err = mssclamp_cfg_publish(&init_net, mn, af,
				   cfg_with(test, mn, af, 1300, false));
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, af->registered, -1);
	mutex_unlock(&mn->lock);
	state_free(mn);
}

/* A registration that fails leaves the family as it was. */
static void mssclamp_publish_rollback_test(struct kunit *test)
{
	struct mssclamp_net *mn = state_new(test);
	struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V6];
	const struct mssclamp_cfg *before, *after;
	u32 gen = mn->gen;
	int err;

	memset(&seen, 0, sizeof(seen));
	seen.af = af;
	seen.fail = -ENOMEM;
	mssclamp_test_register_hook = record_register;

	mutex_lock(&mn->lock);
	before = rcu_dereference_protected(af->cfg, lockdep_is_held(&mn->lock));
	err = mssclamp_cfg_publish(&init_net, mn, af,
				   cfg_with(test, mn, af, 1400, true));
	after = rcu_dereference_protected(af->cfg, lockdep_is_held(&mn->lock));
	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_EQ(test, seen.calls, 1);
	KUNIT_EXPECT_PTR_EQ(test, after, before);
	KUNIT_EXPECT_FALSE(test, after->enabled);
	KUNIT_EXPECT_EQ(test, after->mss, 1440);
	KUNIT_EXPECT_EQ(test, af->registered, -1);
	KUNIT_EXPECT_EQ_MSG(test, mn->gen, gen,
			    "a failed change must not look like a change to dumps");
	mutex_unlock(&mn->lock);
	state_free(mn);
}

/* The generation is never 0, also across a wrap. */
static void mssclamp_gen_test(struct kunit *test)
{
	struct mssclamp_net *mn = state_new(test);
	struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V4];
	struct mssclamp_cfg *cfg;

	KUNIT_EXPECT_NE(test, mn->gen, 0);
	mutex_lock(&mn->lock);
	mn->gen = U32_MAX;
	cfg = cfg_with(test, mn, af, 1400, false);
	KUNIT_EXPECT_EQ(test, 0, mssclamp_cfg_publish(&init_net, mn, af, cfg));
	KUNIT_EXPECT_EQ(test, mn->gen, 1);
	mutex_unlock(&mn->lock);
	state_free(mn);
}

/* A dump request for @cmd, as the netlink core hands it to dumpit. */
static void dump_cb(struct kunit *test, struct netlink_callback *cb, u8 cmd)
{
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	struct sk_buff *req;

	req = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	nlh = nlmsg_put(req, 0, 7, GENL_ID_CTRL, GENL_HDRLEN, NLM_F_DUMP);
	KUNIT_ASSERT_NOT_NULL(test, nlh);
	g = nlmsg_data(nlh);
	g->cmd = cmd;
	memset(cb, 0, sizeof(*cb));
	cb->skb = req;
	cb->nlh = nlh;
}

/* The messages in @skb from @off: how many, and their flags ORed. */
static int msgs(struct sk_buff *skb, unsigned int off, u16 *flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(skb->data + off);
	int rem = skb->len - off, n = 0;

	*flags = 0;
	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		*flags |= nlh->nlmsg_flags;
		n++;
	}
	return n;
}

/*
 * A dump that straddles a change says so (NLM_F_DUMP_INTR), also when
 * the change is the namespace's first.
 */
static void mssclamp_dump_intr_test(struct kunit *test)
{
	struct mssclamp_net *mn = state_new(test);
	struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V4];
	struct netlink_callback *cb;
	struct mssclamp_cfg *cfg;
	struct sk_buff *skb;
	unsigned int one, fill;
	u16 flags;

	cb = kunit_kzalloc(test, sizeof(*cb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cb);

	/* How long one family's message is: a whole dump holds two. */
	dump_cb(test, cb, MSSCLAMP_CMD_GET_CONFIG);
	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	mssclamp_dump_fill(skb, cb, mn);
	KUNIT_ASSERT_EQ(test, msgs(skb, 0, &flags), 2);
	KUNIT_EXPECT_FALSE(test, flags & NLM_F_DUMP_INTR);
	one = skb->len / 2;
	kfree_skb(skb);
	kfree_skb(cb->skb);

	/* First part: room for one message only. */
	dump_cb(test, cb, MSSCLAMP_CMD_GET_CONFIG);
	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	fill = skb_tailroom(skb) - one - 8;
	skb_put_zero(skb, fill);
	mssclamp_dump_fill(skb, cb, mn);
	KUNIT_ASSERT_EQ(test, msgs(skb, fill, &flags), 1);
	KUNIT_EXPECT_EQ(test, cb->args[0], 1);
	KUNIT_EXPECT_FALSE(test, flags & NLM_F_DUMP_INTR);
	kfree_skb(skb);

	/* The namespace's first change, between the two parts. */
	mutex_lock(&mn->lock);
	cfg = cfg_with(test, mn, af, 1400, false);
	KUNIT_EXPECT_EQ(test, 0, mssclamp_cfg_publish(&init_net, mn, af, cfg));
	mutex_unlock(&mn->lock);

	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	mssclamp_dump_fill(skb, cb, mn);
	KUNIT_ASSERT_EQ(test, msgs(skb, 0, &flags), 1);
	KUNIT_EXPECT_TRUE_MSG(test, flags & NLM_F_DUMP_INTR,
			      "a dump across the first change is not flagged");
	kfree_skb(skb);
	kfree_skb(cb->skb);
	state_free(mn);
}

/*
 * A get-hist dump split over many small parts sends every non-empty
 * bucket exactly once, with its count, each part within its skb, and the
 * parts agree (they come from the snapshot taken at the start).
 */
static void mssclamp_hist_dump_test(struct kunit *test)
{
	struct mssclamp_net *mn = state_new(test);
	struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V6];
	struct netlink_callback *cb;
	unsigned int parts = 0, msgs_seen = 0, buckets = 0, split = 0;
	u64 total = 0, want = 0;
	u32 v, seen_low = 0;
	bool ascending = true;

	cb = kunit_kzalloc(test, sizeof(*cb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cb);
	mutex_lock(&mn->lock);
	KUNIT_ASSERT_EQ(test, 0, mssclamp_hist_alloc(af));
	mutex_unlock(&mn->lock);
	/* Every bucket of the IPv6 SYN histogram, value v counted v % 3 + 1 times. */
	for (v = 0; v <= 70000; v += v < 500 ? 100 : v < 1600 ? 1 : 997) {
		int n = v % 3 + 1;

		want += n;
		while (n--)
			mssclamp_count_value(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_UNCHANGED,
							       false),
					     MSSCLAMP_HIST_SYN, v);
	}

	dump_cb(test, cb, MSSCLAMP_CMD_GET_HIST);
	KUNIT_ASSERT_EQ(test, 0, mssclamp_hist_dump_start(cb, mn));
	/* Counted after the start: not in this dump. */
	mssclamp_count_value(af, 0, MSSCLAMP_HIST_SYN, 1400);
	for (;;) {
		struct sk_buff *skb = alloc_skb(1024, GFP_KERNEL);
		struct nlmsghdr *nlh;
		int rem, len;

		KUNIT_ASSERT_NOT_NULL(test, skb);
		len = mssclamp_hist_dump_fill(skb, cb, mn);
		if (!len) {
			kfree_skb(skb);
			break;
		}
		parts++;
		rem = skb->len;
		for (nlh = (struct nlmsghdr *)skb->data; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem)) {
			struct genlmsghdr *g = nlmsg_data(nlh);
			struct nlattr *a, *b;
			unsigned int before = buckets;
			u8 family = 0, kind = 0xff;
			int r, rb;

			msgs_seen++;
			KUNIT_EXPECT_EQ(test, g->cmd, MSSCLAMP_CMD_GET_HIST);
			nla_for_each_attr(a, genlmsg_data(g), genlmsg_len(g), r) {
				u32 low = 0, high = 0;
				u64 count = 0;

				if (nla_type(a) == MSSCLAMP_A_FAMILY)
					family = nla_get_u8(a);
				if (nla_type(a) == MSSCLAMP_A_HIST_KIND)
					kind = nla_get_u8(a);
				if (nla_type(a) != MSSCLAMP_A_HIST_BUCKET)
					continue;
				nla_for_each_nested(b, a, rb) {
					if (nla_type(b) == MSSCLAMP_BUCKET_A_LOW)
						low = nla_get_u32(b);
					if (nla_type(b) == MSSCLAMP_BUCKET_A_HIGH)
						high = nla_get_u32(b);
					if (nla_type(b) == MSSCLAMP_BUCKET_A_COUNT)
						count = nla_get_u64(b);
				}
				KUNIT_EXPECT_TRUE(test, family == MSSCLAMP_FAMILY_IPV6 &&
						  kind == MSSCLAMP_HIST_SYN);
				KUNIT_EXPECT_LE(test, low, high);
				if (buckets && low <= seen_low)
					ascending = false;
				seen_low = low;
				buckets++;
				total += count;
			}
			split += buckets > before;
		}
		kfree_skb(skb);
		KUNIT_ASSERT_LT_MSG(test, parts, 1000, "the dump does not end");
	}
	mssclamp_hist_done(cb);
	kfree_skb(cb->skb);
	KUNIT_EXPECT_EQ(test, buckets, MSSCLAMP_HIST_BUCKETS);
	KUNIT_EXPECT_EQ(test, total, want);
	KUNIT_EXPECT_TRUE_MSG(test, ascending, "buckets in ascending order");
	/* How many buckets a part holds depends on the skb's room (the
	 * architecture's skb_shared_info): count the messages that carried
	 * buckets, not the parts.
	 */
	KUNIT_EXPECT_GT_MSG(test, split, 1, "the histogram was split");
	/* Two families, three kinds: at least one message each. */
	KUNIT_EXPECT_GE(test, msgs_seen, 6);
	state_free(mn);
}

static void count_n(struct mssclamp_af *af, unsigned int slot, int n)
{
	while (n--)
		mssclamp_count(af, slot);
}

/*
 * Reset is a baseline, not a write into other CPUs' counters: what was
 * counted before it is gone from the totals, what is counted after it is
 * all there, and every snapshot adds up (syn and synack are the sums of
 * their outcomes).
 */
static void mssclamp_stats_reset_test(struct kunit *test)
{
	struct mssclamp_net *mn = state_new(test);
	struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V6];
	unsigned int slot = MSSCLAMP_SLOT(MSSCLAMP_OUT_CLAMPED, false);
	const struct mssclamp_stats before = { .v = {
		[STAT_A(SYN)] = 5, [STAT_A(CLAMPED_SYN)] = 5,
		[STAT_A(SYNACK)] = 4, [STAT_A(UNCHANGED)] = 3,
		[STAT_A(ERRORS)] = 1, [STAT_A(FRAGMENTS)] = 2,
	} }, none = {}, after = { .v = {
		[STAT_A(SYN)] = 2, [STAT_A(NO_MSS)] = 2,
		[STAT_A(SYNACK)] = 1, [STAT_A(MALFORMED)] = 1,
	} };
	u64 raw = 0;
	int cpu;

	count_n(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_CLAMPED, false), 5);
	count_n(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_UNCHANGED, true), 3);
	count_n(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_ERRORS, true), 1);
	count_n(af, MSSCLAMP_SLOT_FRAGMENTS, 2);

	mutex_lock(&mn->lock);
	test_expect_stats(test, af, &before);

	mssclamp_stats_reset(af);
	for_each_possible_cpu(cpu)
		raw += u64_stats_read(&per_cpu_ptr(af->stats, cpu)->slot[slot]);
	KUNIT_EXPECT_EQ_MSG(test, raw, 5,
			    "reset wrote into the per-cpu counters");
	test_expect_stats(test, af, &none);
	mutex_unlock(&mn->lock);

	count_n(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_NO_MSS, false), 2);
	count_n(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_MALFORMED, true), 1);
	mutex_lock(&mn->lock);
	test_expect_stats(test, af, &after);
	mutex_unlock(&mn->lock);
	state_free(mn);
}

/* The flags of the @n-th message (from 0) in @skb; 0xffff if none. */
static u16 msg_flags(struct sk_buff *skb, int n)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)skb->data;
	int rem = skb->len;

	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem))
		if (n-- == 0)
			return nlh->nlmsg_flags;
	return 0xffff;
}

/* The MTU a get-config message @n (from 0) in @skb carries; 0 if none. */
static u32 msg_mtu(struct sk_buff *skb, int n)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)skb->data;
	int rem = skb->len;
	struct nlattr *a;

	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		if (n-- > 0)
			continue;
		a = nlmsg_find_attr(nlh, GENL_HDRLEN, MSSCLAMP_A_MTU);
		return a ? nla_get_u32(a) : 0;
	}
	return 0;
}

/* What publish_between() is to do, and did. */
static struct {
	struct kunit *test;
	int calls;
} between;

/* Set IPv6's mtu to 1400: a change between two messages of a dump. */
static void publish_between(struct mssclamp_net *mn)
{
	struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V6];
	int err;

	between.calls++;
	mutex_lock(&mn->lock);
	err = mssclamp_cfg_publish(&init_net, mn, af,
				   cfg_with(between.test, mn, af, 1400, false));
	mutex_unlock(&mn->lock);
	KUNIT_EXPECT_EQ(between.test, err, 0);
}

/*
 * A change that falls between the IPv4 and the IPv6 message of one part
 * of a dump (both fit in one skb, one dumpit call) flags the IPv6
 * message, the first to show the new state.
 */
static void mssclamp_dump_between_test(struct kunit *test)
{
	static const u8 cmds[] = {
		MSSCLAMP_CMD_GET_CONFIG, MSSCLAMP_CMD_GET_STATS,
	};
	struct netlink_callback *cb;
	struct sk_buff *skb;
	unsigned int i;
	u16 flags;

	cb = kunit_kzalloc(test, sizeof(*cb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cb);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		struct mssclamp_net *mn = state_new(test);

		kunit_info(test, "%s dump", i ? "get-stats" : "get-config");
		between.test = test;
		between.calls = 0;
		mssclamp_test_dump_between = publish_between;
		dump_cb(test, cb, cmds[i]);
		skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		mssclamp_dump_fill(skb, cb, mn);
		mssclamp_test_dump_between = NULL;

		KUNIT_EXPECT_EQ(test, between.calls, 1);
		KUNIT_ASSERT_EQ(test, msgs(skb, 0, &flags), 2);
		KUNIT_EXPECT_EQ(test, cb->args[0], MSSCLAMP_AF_COUNT);
		KUNIT_EXPECT_FALSE_MSG(test, msg_flags(skb, 0) & NLM_F_DUMP_INTR,
				       "the IPv4 message came before the change");
		KUNIT_EXPECT_TRUE_MSG(test, msg_flags(skb, 1) & NLM_F_DUMP_INTR,
				      "a change between the IPv4 and the IPv6 message is not flagged");
		if (cmds[i] == MSSCLAMP_CMD_GET_CONFIG) {
			KUNIT_EXPECT_EQ(test, msg_mtu(skb, 0), 1500);
			KUNIT_EXPECT_EQ_MSG(test, msg_mtu(skb, 1), 1400,
					    "the IPv6 message does not show the change");
		}
		kfree_skb(skb);
		kfree_skb(cb->skb);
		state_free(mn);
	}
}

/* What failing_register() answers every registration with. */
static int fail_register;

static int failing_register(struct net *net, const struct nf_hook_ops *ops)
{
	return fail_register;
}

/*
 * A change that cannot register its hook says why: out of memory for the
 * hook's entries is not out of memory for the histograms (which are
 * there), and another error is neither.
 */
static void mssclamp_set_enomem_test(struct kunit *test)
{
	static const struct {
		int err;
		const char *msg;
	} cases[] = {
		{ -ENOMEM, "out of memory for the netfilter hook's entries" },
		{ -EBUSY, "cannot register the netfilter hook" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mssclamp_net *mn = state_new(test);
		struct mssclamp_af *af = &mn->af[MSSCLAMP_AF_V4];
		struct netlink_ext_ack extack = {};
		const struct mssclamp_cfg *now;
		int err;

		fail_register = cases[i].err;
		mssclamp_test_register_hook = failing_register;
		mutex_lock(&mn->lock);
		err = mssclamp_cfg_set(&init_net, mn, af,
				       cfg_with(test, mn, af, 1400, true),
				       &extack);
		KUNIT_EXPECT_EQ(test, err, cases[i].err);
		KUNIT_EXPECT_NOT_NULL_MSG(test, af->hist,
					  "the histograms were allocated");
		KUNIT_EXPECT_EQ(test, af->registered, -1);
		now = rcu_dereference_protected(af->cfg,
						lockdep_is_held(&mn->lock));
		KUNIT_EXPECT_FALSE(test, now->enabled);
		mutex_unlock(&mn->lock);
		KUNIT_ASSERT_NOT_NULL(test, extack._msg);
		KUNIT_EXPECT_STREQ(test, extack._msg, cases[i].msg);
		state_free(mn);
	}
}

/* A device of our own in init_net, for the notifier's case. */
static const struct net_device_ops notifier_dev_ops = {};

static void notifier_dev_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &notifier_dev_ops;
}

/* In how many families of @mn the device set holds @ifindex. */
static int sets_holding(struct mssclamp_net *mn, int ifindex)
{
	unsigned int i, j;
	int n = 0;

	mutex_lock(&mn->lock);
	for (i = 0; i < MSSCLAMP_AF_COUNT; i++) {
		const struct mssclamp_cfg *cfg;

		cfg = rcu_dereference_protected(mn->af[i].cfg,
						lockdep_is_held(&mn->lock));
		for (j = 0; j < cfg->ndevs; j++)
			if (cfg->ifindex[j] == ifindex) {
				n++;
				break;
			}
	}
	mutex_unlock(&mn->lock);
	return n;
}

/* init_net's families, disabled, listing @n of @names (0: any device). */
static int notifier_scope(struct mssclamp_net *mn, const char * const *names,
			  unsigned int n)
{
	unsigned int i, j;
	int err = 0;

	mutex_lock(&mn->lock);
	for (i = 0; i < MSSCLAMP_AF_COUNT && !err; i++) {
		struct mssclamp_af *af = &mn->af[i];
		struct mssclamp_cfg *cfg;

		cfg = kmemdup(rcu_dereference_protected(af->cfg,
							lockdep_is_held(&mn->lock)),
			      sizeof(*cfg), GFP_KERNEL);
		if (!cfg) {
			err = -ENOMEM;
			break;
		}
		cfg->enabled = false;
		memset(cfg->devs, 0, sizeof(cfg->devs));
		cfg->ndevs = n;
		for (j = 0; j < n; j++)
			strscpy(cfg->devs[j], names[j], IFNAMSIZ);
		mssclamp_cfg_resolve_devs(&init_net, cfg);
		err = mssclamp_cfg_publish(&init_net, mn, af, cfg);
	}
	mutex_unlock(&mn->lock);
	return err;
}

/*
 * Rename @dev to @name (@what): then @want of the sets hold it and, if
 * @bumps, the dump generation has moved.
 */
static void notifier_rename(struct kunit *test, struct mssclamp_net *mn,
			    struct net_device *dev, const char *name, int want,
			    bool bumps, const char *what)
{
	u32 gen = READ_ONCE(mn->gen);
	int err;

	rtnl_lock();
	err = dev_change_name(dev, name);
	rtnl_unlock();
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, sets_holding(mn, dev->ifindex), want,
			    "%s: in the wrong number of sets", what);
	if (bumps)
		KUNIT_EXPECT_NE_MSG(test, READ_ONCE(mn->gen), gen,
				    "%s: no new generation", what);
}

/*
 * The netdevice notifier keeps the device sets current, with nothing to
 * allocate: a device of a listed name is recorded when it is registered
 * or renamed to that name, and dropped when it is renamed away or
 * unregistered; renamed from one listed name to another, it stays. Each
 * change bumps the dump generation.
 */
static void mssclamp_notifier_test(struct kunit *test)
{
	static const char * const names[] = { "mcku0", "mcku1", "mcku0" };
	struct mssclamp_net *mn = mssclamp_pernet(&init_net);
	struct net_device *dev;
	int ifindex, err;
	u32 gen, now;

	dev = alloc_netdev(0, "mcku0", NET_NAME_USER, notifier_dev_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0, notifier_scope(mn, names, ARRAY_SIZE(names)));

	gen = READ_ONCE(mn->gen);
	err = register_netdev(dev);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err) {
		free_netdev(dev);
		goto out;
	}
	ifindex = dev->ifindex;
	KUNIT_EXPECT_EQ_MSG(test, sets_holding(mn, ifindex), 2,
			    "a listed device registered is not in the sets");
	now = READ_ONCE(mn->gen);
	KUNIT_EXPECT_NE_MSG(test, now, gen, "registered: no new generation");

	notifier_rename(test, mn, dev, "mcku1", 2, false,
			"renamed to another listed name");
	notifier_rename(test, mn, dev, "mcku2", 0, true,
			"renamed to an unlisted name");
	notifier_rename(test, mn, dev, "mcku0", 2, false,
			"renamed to a listed name");

	/* Set while the device exists: recorded without the notifier. */
	KUNIT_EXPECT_EQ(test, 0, notifier_scope(mn, names, ARRAY_SIZE(names)));
	KUNIT_EXPECT_EQ(test, sets_holding(mn, ifindex), 2);
	gen = READ_ONCE(mn->gen);
	unregister_netdev(dev);
	KUNIT_EXPECT_EQ_MSG(test, sets_holding(mn, ifindex), 0,
			    "an unregistered device is still in the sets");
	now = READ_ONCE(mn->gen);
	KUNIT_EXPECT_NE_MSG(test, now, gen, "unregistered: no new generation");
	free_netdev(dev);
out:
	KUNIT_EXPECT_EQ(test, 0, notifier_scope(mn, NULL, 0));
	rcu_barrier();		/* kfree_rcu() of replaced configurations */
}

static struct kunit_case mssclamp_state_cases[] = {
	KUNIT_CASE(mssclamp_publish_order_test),
	KUNIT_CASE(mssclamp_publish_rollback_test),
	KUNIT_CASE(mssclamp_gen_test),
	KUNIT_CASE(mssclamp_dump_intr_test),
	KUNIT_CASE(mssclamp_hist_dump_test),
	KUNIT_CASE(mssclamp_stats_reset_test),
	KUNIT_CASE(mssclamp_dump_between_test),
	KUNIT_CASE(mssclamp_set_enomem_test),
	KUNIT_CASE(mssclamp_notifier_test),
	{}
};

MSSCLAMP_KUNIT_SUITE(mssclamp_state);

MODULE_LICENSE("GPL");
