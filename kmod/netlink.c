// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: the generic netlink family, the only control interface.
 * docs/netlink/mssclamp.yaml describes it; keep the two in step.
 *
 * Reads are open to everyone in the namespace; writes need CAP_NET_ADMIN
 * in the user namespace that owns the network namespace. Every rejection
 * carries an extack sentence that names what was wrong and what is
 * accepted: mssclampctl prints it as it is.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "mssclamp.h"

static const struct nla_policy mssclamp_dev_policy[MSSCLAMP_DEV_A_MAX + 1] = {
	[MSSCLAMP_DEV_A_NAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static const struct nla_policy mssclamp_policy[MSSCLAMP_A_MAX + 1] = {
	[MSSCLAMP_A_PAD] = { .type = NLA_REJECT },
	/*
	 * enum mssclamp_family has a gap (4, 6): no range says it, and
	 * ynl-gen-c.py derives no policy from such an enum, so
	 * mssclamp_req_check() checks the value (mssclamp_family_valid()).
	 * Not with NLA_POLICY_VALIDATE_FN: the validate pointer shares a
	 * union with .min and .max, which a policy dump reads for an NLA_U8
	 * (netlink_policy_dump_write_attr() -> nla_get_range_unsigned(), which
	 * WARNs when they look negative; 6.1 and 6.12).
	 */
	[MSSCLAMP_A_FAMILY] = { .type = NLA_U8 },
	[MSSCLAMP_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[MSSCLAMP_A_MTU] = { .type = NLA_U32 },
	[MSSCLAMP_A_OVERHEAD] = { .type = NLA_U32 },
	[MSSCLAMP_A_MSS] = {
		.type = NLA_REJECT,
		.reject_message = "mss is computed from mtu and overhead: set those",
	},
	[MSSCLAMP_A_PMTU] = NLA_POLICY_MAX(NLA_U8, 1),
	[MSSCLAMP_A_HOOK] = NLA_POLICY_MAX(NLA_U8, MSSCLAMP_HOOK_POSTROUTING),
	[MSSCLAMP_A_SYN] = NLA_POLICY_MAX(NLA_U8, 1),
	[MSSCLAMP_A_SYNACK] = NLA_POLICY_MAX(NLA_U8, 1),
	[MSSCLAMP_A_DEVS] = NLA_POLICY_NESTED(mssclamp_dev_policy),
	/* Read only: rejected in set, with a sentence (see mssclamp_req_check). */
	[MSSCLAMP_A_STATS] = { .type = NLA_NESTED },
	[MSSCLAMP_A_HIST_KIND] = {
		.type = NLA_REJECT,
		.reject_message = "histograms are read only: use the reset command",
	},
	[MSSCLAMP_A_HIST_SUM] = {
		.type = NLA_REJECT,
		.reject_message = "histograms are read only: use the reset command",
	},
	[MSSCLAMP_A_HIST_BUCKET] = {
		.type = NLA_REJECT,
		.reject_message = "histograms are read only: use the reset command",
	},
};

enum mssclamp_mcgrp {
	MSSCLAMP_MCGRP_MONITOR_ID,
};

static const struct genl_multicast_group mssclamp_mcgrps[] = {
	/* Anyone may listen, as anyone may read the configuration. */
	[MSSCLAMP_MCGRP_MONITOR_ID] = { .name = MSSCLAMP_MCGRP_MONITOR },
};

static struct genl_family mssclamp_genl_family;

/* The values of enum mssclamp_family, as the extack sentences name them. */
#define MSSCLAMP_FAMILIES "4 (ipv4) or 6 (ipv6)"

/* Whether @family is a value of enum mssclamp_family. */
static bool mssclamp_family_valid(u8 family)
{
	switch (family) {
	case MSSCLAMP_FAMILY_IPV4:
	case MSSCLAMP_FAMILY_IPV6:
		return true;
	}
	return false;
}

/*
 * What the policy cannot say: every attribute may appear once (parsing
 * keeps only the last of a repeated one, which would silently hide the
 * others), the family is one of enum mssclamp_family, and the counters
 * cannot be written.
 */
static int mssclamp_req_check(const struct genl_info *info)
{
	const struct nlattr *a;
	unsigned long seen = 0;
	int rem;

	BUILD_BUG_ON(MSSCLAMP_A_MAX >= BITS_PER_LONG);
	nla_for_each_attr(a, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		int type = nla_type(a);

		if (type > MSSCLAMP_A_MAX)
			continue;	/* the policy has rejected it already */
		if (__test_and_set_bit(type, &seen)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "duplicate attribute: each may appear once");
			return -EINVAL;
		}
	}
	a = info->attrs[MSSCLAMP_A_FAMILY];
	if (a && !mssclamp_family_valid(nla_get_u8(a))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "unknown family: " MSSCLAMP_FAMILIES);
		return -EINVAL;
	}
	if (info->attrs[MSSCLAMP_A_STATS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MSSCLAMP_A_STATS],
				    "stats are read only: use the reset command");
		return -EINVAL;
	}
	return 0;
}

/*
 * The family a request names, once mssclamp_req_check() has passed it;
 * NULL, with extack set, if it names none.
 */
static struct mssclamp_af *mssclamp_req_af(struct genl_info *info,
					   bool required)
{
	struct nlattr *a = info->attrs[MSSCLAMP_A_FAMILY];
	struct mssclamp_af *af;

	if (!a) {
		/* Marks the attribute missing, for tools that read it. */
		if (required && GENL_REQ_ATTR_CHECK(info, MSSCLAMP_A_FAMILY))
			NL_SET_ERR_MSG(info->extack,
				       "family missing: " MSSCLAMP_FAMILIES);
		return NULL;
	}
	af = mssclamp_af_get(mssclamp_pernet(genl_info_net(info)),
			     nla_get_u8(a));
	if (!af)
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "unknown family: " MSSCLAMP_FAMILIES);
	return af;
}

/*
 * The prologue of every doit, run before it by genl_family_rcv_msg_doit()
 * (the family's pre_doit; 6.12's genl_cmd_full_to_split() copies it into
 * each do op): mssclamp_req_check(), then the family the request names in
 * info->user_ptr[0]. Every command but RESET_STATS needs one; RESET_STATS
 * without one resets both (user_ptr[0] NULL).
 */
static int mssclamp_pre_doit(struct genl_info *info)
{
	bool required = info->genlhdr->cmd != MSSCLAMP_CMD_RESET_STATS;
	int err = mssclamp_req_check(info);

	if (err)
		return err;
	info->user_ptr[0] = mssclamp_req_af(info, required);
	if (!info->user_ptr[0] && (required || info->attrs[MSSCLAMP_A_FAMILY]))
		return -EINVAL;
	return 0;
}

/*
 * The type of pre_doit's first argument changed: struct genl_ops in 6.1
 * (include/net/genetlink.h), struct genl_split_ops since the split ops of
 * 6.2 (6.12). One wrapper for each; mssclamp_genl_family takes the one
 * its kernel's struct genl_family declares, without a version test.
 */
struct genl_split_ops;

static int __maybe_unused
mssclamp_pre_doit_full(const struct genl_ops *ops, struct sk_buff *skb,
		       struct genl_info *info)
{
	return mssclamp_pre_doit(info);
}

static int __maybe_unused
mssclamp_pre_doit_split(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	return mssclamp_pre_doit(info);
}

#define MSSCLAMP_PRE_DOIT						\
	__builtin_choose_expr(						\
		__builtin_types_compatible_p(				\
			typeof(*((struct genl_family *)NULL)->pre_doit), \
			typeof(mssclamp_pre_doit_split)),		\
		mssclamp_pre_doit_split, mssclamp_pre_doit_full)

static int mssclamp_put_cfg(struct sk_buff *skb, const struct mssclamp_af *af,
			    const struct mssclamp_cfg *cfg)
{
	struct nlattr *devs;
	unsigned int i;

	if (nla_put_u8(skb, MSSCLAMP_A_FAMILY, af->family) ||
	    nla_put_u8(skb, MSSCLAMP_A_ENABLED, cfg->enabled) ||
	    nla_put_u32(skb, MSSCLAMP_A_MTU, cfg->mtu) ||
	    nla_put_u32(skb, MSSCLAMP_A_OVERHEAD, cfg->overhead) ||
	    nla_put_u32(skb, MSSCLAMP_A_MSS, cfg->mss) ||
	    nla_put_u8(skb, MSSCLAMP_A_PMTU, cfg->pmtu) ||
	    nla_put_u8(skb, MSSCLAMP_A_HOOK, cfg->hook) ||
	    nla_put_u8(skb, MSSCLAMP_A_SYN, cfg->syn) ||
	    nla_put_u8(skb, MSSCLAMP_A_SYNACK, cfg->synack))
		return -EMSGSIZE;
	devs = nla_nest_start(skb, MSSCLAMP_A_DEVS);
	if (!devs)
		return -EMSGSIZE;
	for (i = 0; i < cfg->ndevs; i++)
		if (nla_put_string(skb, MSSCLAMP_DEV_A_NAME, cfg->devs[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, devs);
	return 0;
}

static int mssclamp_put_stats(struct sk_buff *skb, struct mssclamp_af *af)
{
	struct mssclamp_stats s;
	struct nlattr *nest;
	int a;

	mssclamp_stats_fold(af, &s);
	if (nla_put_u8(skb, MSSCLAMP_A_FAMILY, af->family))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, MSSCLAMP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (a = MSSCLAMP_STAT_A_PAD + 1; a <= MSSCLAMP_STAT_A_MAX; a++)
		if (nla_put_u64_64bit(skb, a, s.v[a], MSSCLAMP_STAT_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One message for one family: its configuration or its counters. The
 * caller holds mn->lock, so the message is of one state, and in a dump
 * cb->seq is that state's generation.
 */
static int mssclamp_fill(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			 u8 cmd, struct mssclamp_net *mn, struct mssclamp_af *af,
			 struct netlink_callback *cb)
{
	const struct mssclamp_cfg *cfg;
	void *hdr;
	int err;

	lockdep_assert_held(&mn->lock);
	hdr = genlmsg_put(skb, portid, seq, &mssclamp_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (cmd == MSSCLAMP_CMD_GET_CONFIG || cmd == MSSCLAMP_CMD_CONFIG_NTF) {
		cfg = rcu_dereference_protected(af->cfg,
						lockdep_is_held(&mn->lock));
		err = mssclamp_put_cfg(skb, af, cfg);
	} else {
		err = mssclamp_put_stats(skb, af);
	}
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int mssclamp_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mssclamp_net *mn = mssclamp_pernet(genl_info_net(info));
	struct mssclamp_af *af = info->user_ptr[0];
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&mn->lock);
	err = mssclamp_fill(msg, info->snd_portid, info->snd_seq, 0,
			    info->genlhdr->cmd, mn, af, NULL);
	mutex_unlock(&mn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

#if IS_ENABLED(CONFIG_MSSCLAMP_KUNIT_TEST)
/* The KUnit suites act between two messages of a dump through this. */
void (*mssclamp_test_dump_between)(struct mssclamp_net *mn);
#endif

/*
 * Dumps walk the two families; cb->args[0] is the next one to send. Each
 * message is filled under mn->lock with cb->seq set, under the same lock,
 * to the generation of the state it shows; nl_dump_check_consistent()
 * (from genl_dump_check_consistent()) flags NLM_F_DUMP_INTR on a message
 * whose cb->seq differs from the previous message's, whether the change
 * fell between two parts of the dump or between two messages of one part.
 * A dump without the flag shows one state: writers change a
 * configuration and bump the generation under the same lock
 * (mssclamp_cfg_publish()).
 */
int mssclamp_dump_fill(struct sk_buff *skb, struct netlink_callback *cb,
		       struct mssclamp_net *mn)
{
	u8 cmd = ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd;
	long i;
	int err;

	for (i = cb->args[0]; i < MSSCLAMP_AF_COUNT; i++) {
#if IS_ENABLED(CONFIG_MSSCLAMP_KUNIT_TEST)
		if (i > cb->args[0] && mssclamp_test_dump_between)
			mssclamp_test_dump_between(mn);
#endif
		mutex_lock(&mn->lock);
		cb->seq = mn->gen;
		err = mssclamp_fill(skb, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd, mn,
				    &mn->af[i], cb);
		mutex_unlock(&mn->lock);
		if (err)
			break;
	}
	cb->args[0] = i;
	return skb->len;
}

static int mssclamp_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return mssclamp_dump_fill(skb, cb, mssclamp_pernet(sock_net(skb->sk)));
}

/*
 * The histograms of both families, from a snapshot taken when the dump
 * starts, so that its messages agree with each other. A message carries
 * one family and kind, its sum and as many non-empty buckets as fit; the
 * next message goes on from there.
 *
 *   cb->args[0]  the snapshot (struct mssclamp_hist_dump *)
 *   cb->args[1]  family * MSSCLAMP_HIST_KINDS + kind, of the next message
 *   cb->args[2]  the next bucket of that histogram
 */
struct mssclamp_hist_dump {
	struct mssclamp_hist h[MSSCLAMP_AF_COUNT];
};

/* Take the snapshot a get-hist dump sends from; cb->args[0] holds it. */
int mssclamp_hist_dump_start(struct netlink_callback *cb,
			     struct mssclamp_net *mn)
{
	struct mssclamp_hist_dump *d;
	int i;

	d = kvzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return -ENOMEM;
	mutex_lock(&mn->lock);
	for (i = 0; i < MSSCLAMP_AF_COUNT; i++)
		mssclamp_hist_fold(&mn->af[i], &d->h[i]);
	mutex_unlock(&mn->lock);
	cb->args[0] = (long)d;
	return 0;
}

static int mssclamp_hist_start(struct netlink_callback *cb)
{
	return mssclamp_hist_dump_start(cb,
					mssclamp_pernet(sock_net(cb->skb->sk)));
}

int mssclamp_hist_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[0]);
	cb->args[0] = 0;
	return 0;
}

static int mssclamp_put_bucket(struct sk_buff *skb, unsigned int b, u64 count)
{
	struct nlattr *nest;
	u32 low, high;

	mssclamp_hist_bounds(b, &low, &high);
	nest = nla_nest_start(skb, MSSCLAMP_A_HIST_BUCKET);
	if (!nest ||
	    nla_put_u32(skb, MSSCLAMP_BUCKET_A_LOW, low) ||
	    nla_put_u32(skb, MSSCLAMP_BUCKET_A_HIGH, high) ||
	    nla_put_u64_64bit(skb, MSSCLAMP_BUCKET_A_COUNT, count,
			      MSSCLAMP_BUCKET_A_PAD)) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int mssclamp_hist_dump_fill(struct sk_buff *skb, struct netlink_callback *cb,
			    struct mssclamp_net *mn)
{
	const struct mssclamp_hist_dump *d = (void *)cb->args[0];
	long pos = cb->args[1], b = cb->args[2];

	for (; pos < MSSCLAMP_AF_COUNT * MSSCLAMP_HIST_KINDS; pos++, b = 0) {
		const struct mssclamp_hist *h = &d->h[pos / MSSCLAMP_HIST_KINDS];
		int kind = pos % MSSCLAMP_HIST_KINDS;
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mssclamp_genl_family,
				  NLM_F_MULTI, MSSCLAMP_CMD_GET_HIST);
		if (!hdr)
			break;
		if (nla_put_u8(skb, MSSCLAMP_A_FAMILY,
			       mn->af[pos / MSSCLAMP_HIST_KINDS].family) ||
		    nla_put_u8(skb, MSSCLAMP_A_HIST_KIND, kind) ||
		    nla_put_u64_64bit(skb, MSSCLAMP_A_HIST_SUM, h->sum[kind],
				      MSSCLAMP_A_PAD)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		for (; b < MSSCLAMP_HIST_BUCKETS; b++)
			if (h->count[kind][b] &&
			    mssclamp_put_bucket(skb, b, h->count[kind][b]))
				break;
		genlmsg_end(skb, hdr);
		if (b < MSSCLAMP_HIST_BUCKETS)
			break;	/* the skb is full: go on from bucket b */
	}
	cb->args[1] = pos;
	cb->args[2] = b;
	return skb->len;
}

static int mssclamp_hist_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return mssclamp_hist_dump_fill(skb, cb,
				       mssclamp_pernet(sock_net(skb->sk)));
}

/*
 * Tell the namespace's listeners of the monitor group: @cmd is
 * MSSCLAMP_CMD_CONFIG_NTF (the family's configuration, as a get-config
 * reply has it) or MSSCLAMP_CMD_RESET_NTF (the family only). A
 * notification that cannot be built is lost; the change stands. The
 * caller holds mn->lock.
 */
static void mssclamp_notify(struct net *net, struct mssclamp_net *mn,
			    struct mssclamp_af *af, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!genl_has_listeners(&mssclamp_genl_family, net,
				MSSCLAMP_MCGRP_MONITOR_ID))
		return;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (cmd == MSSCLAMP_CMD_CONFIG_NTF) {
		err = mssclamp_fill(msg, 0, 0, 0, cmd, mn, af, NULL);
	} else {
		err = -EMSGSIZE;
		hdr = genlmsg_put(msg, 0, 0, &mssclamp_genl_family, 0, cmd);
		if (hdr && !nla_put_u8(msg, MSSCLAMP_A_FAMILY, af->family)) {
			genlmsg_end(msg, hdr);
			err = 0;
		}
	}
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&mssclamp_genl_family, net, msg, 0,
				MSSCLAMP_MCGRP_MONITOR_ID, GFP_KERNEL);
}

static int mssclamp_set_devs(struct mssclamp_cfg *cfg, struct nlattr *nest,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem;

	cfg->ndevs = 0;
	memset(cfg->devs, 0, sizeof(cfg->devs));
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MSSCLAMP_DEV_A_NAME) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "dev: only interface names may be listed");
			return -EINVAL;
		}
		if (cfg->ndevs == MSSCLAMP_MAX_DEVS) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "dev: at most 16 interfaces may be listed");
			return -EINVAL;
		}
		/*
		 * The policy lets through a name with a NUL inside it
		 * ("\0\0" is empty once copied): judge the copy.
		 */
		nla_strscpy(cfg->devs[cfg->ndevs], a, IFNAMSIZ);
		if (!cfg->devs[cfg->ndevs][0]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "dev: empty interface name");
			return -EINVAL;
		}
		if (!dev_valid_name(cfg->devs[cfg->ndevs])) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "dev: not a valid interface name (no '/', ':' or spaces; not '.' or '..')");
			return -EINVAL;
		}
		cfg->ndevs++;
	}
	return 0;
}

/*
 * Turn what mssclamp_cfg_check() found into the request's error: the
 * attribute at fault (when the request carried it) and what is accepted.
 */
static int mssclamp_cfg_fault_extack(u8 family, enum mssclamp_cfg_fault fault,
				     struct nlattr **attrs,
				     struct netlink_ext_ack *extack)
{
	bool v6 = family == MSSCLAMP_FAMILY_IPV6;

	switch (fault) {
	case MSSCLAMP_CFG_OK:
		return 0;
	case MSSCLAMP_CFG_MTU_RANGE:
		if (v6)
			NL_SET_ERR_MSG_ATTR(extack, attrs[MSSCLAMP_A_MTU],
					    "mtu out of range: IPv6 accepts 1280 to 65535");
		else
			NL_SET_ERR_MSG_ATTR(extack, attrs[MSSCLAMP_A_MTU],
					    "mtu out of range: IPv4 accepts 576 to 65535");
		break;
	case MSSCLAMP_CFG_OVERHEAD_LARGE:
		if (v6)
			NL_SET_ERR_MSG_ATTR(extack, attrs[MSSCLAMP_A_OVERHEAD],
					    "overhead too large: mtu - 60 - overhead must be at least the IPv6 MSS floor 1220");
		else
			NL_SET_ERR_MSG_ATTR(extack, attrs[MSSCLAMP_A_OVERHEAD],
					    "overhead too large: mtu - 40 - overhead must be at least the IPv4 MSS floor 536");
		break;
	}
	return -EINVAL;
}

/*
 * Make @cfg, checked, the configuration of @af, and tell the monitor
 * group; on failure say in @extack what failed. Takes ownership of @cfg,
 * as mssclamp_cfg_publish() does. The caller holds mn->lock.
 *
 * Two steps of a change can run out of memory: the family's histograms
 * (mssclamp_hist_alloc(), the first time it is enabled) and the hook's
 * entries (nf_register_net_hook() -> nf_hook_entries_grow() ->
 * allocate_hook_entries_size() in net/netfilter/core.c). The histograms
 * are allocated here first, and mssclamp_cfg_publish() finds them there,
 * so an -ENOMEM from it is the hook's.
 */
int mssclamp_cfg_set(struct net *net, struct mssclamp_net *mn,
		     struct mssclamp_af *af, struct mssclamp_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&mn->lock);
	if (cfg->enabled) {
		err = mssclamp_hist_alloc(af);
		if (err) {
			kfree(cfg);
			NL_SET_ERR_MSG(extack,
				       "out of memory for the family's histograms");
			return err;
		}
	}
	err = mssclamp_cfg_publish(net, mn, af, cfg);
	if (err == -ENOMEM)
		NL_SET_ERR_MSG(extack,
			       "out of memory for the netfilter hook's entries");
	else if (err)
		NL_SET_ERR_MSG(extack, "cannot register the netfilter hook");
	else
		mssclamp_notify(net, mn, af, MSSCLAMP_CMD_CONFIG_NTF);
	return err;
}

static int mssclamp_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct mssclamp_net *mn = mssclamp_pernet(net);
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	struct mssclamp_af *af = info->user_ptr[0];
	struct mssclamp_cfg *cfg;
	int err;

	mutex_lock(&mn->lock);
	/* An unprivileged user namespace may ask: charge its memcg. */
	cfg = kmemdup(rcu_dereference_protected(af->cfg,
						lockdep_is_held(&mn->lock)),
		      sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg) {
		err = -ENOMEM;
		goto out;
	}
	if (attrs[MSSCLAMP_A_ENABLED])
		cfg->enabled = nla_get_u8(attrs[MSSCLAMP_A_ENABLED]);
	if (attrs[MSSCLAMP_A_MTU])
		cfg->mtu = nla_get_u32(attrs[MSSCLAMP_A_MTU]);
	if (attrs[MSSCLAMP_A_OVERHEAD])
		cfg->overhead = nla_get_u32(attrs[MSSCLAMP_A_OVERHEAD]);
	if (attrs[MSSCLAMP_A_PMTU])
		cfg->pmtu = nla_get_u8(attrs[MSSCLAMP_A_PMTU]);
	if (attrs[MSSCLAMP_A_HOOK])
		cfg->hook = nla_get_u8(attrs[MSSCLAMP_A_HOOK]);
	if (attrs[MSSCLAMP_A_SYN])
		cfg->syn = nla_get_u8(attrs[MSSCLAMP_A_SYN]);
	if (attrs[MSSCLAMP_A_SYNACK])
		cfg->synack = nla_get_u8(attrs[MSSCLAMP_A_SYNACK]);
	if (attrs[MSSCLAMP_A_DEVS]) {
		err = mssclamp_set_devs(cfg, attrs[MSSCLAMP_A_DEVS], extack);
		if (err)
			goto out_free;
	}

	err = mssclamp_cfg_fault_extack(af->family,
					mssclamp_cfg_check(af->family, cfg),
					attrs, extack);
	if (err)
		goto out_free;
	mssclamp_cfg_resolve_devs(net, cfg);
	err = mssclamp_cfg_set(net, mn, af, cfg, extack);
	goto out;

out_free:
	kfree(cfg);
out:
	mutex_unlock(&mn->lock);
	return err;
}

static int mssclamp_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct mssclamp_net *mn = mssclamp_pernet(net);
	struct mssclamp_af *af = info->user_ptr[0];	/* NULL: both */
	int i;

	mutex_lock(&mn->lock);
	for (i = 0; i < MSSCLAMP_AF_COUNT; i++) {
		if (af && af != &mn->af[i])
			continue;
		mssclamp_stats_reset(&mn->af[i]);
		mssclamp_notify(net, mn, &mn->af[i], MSSCLAMP_CMD_RESET_NTF);
	}
	mutex_unlock(&mn->lock);
	return 0;
}

static const struct genl_ops mssclamp_genl_ops[] = {
	{
		.cmd = MSSCLAMP_CMD_GET_CONFIG,
		.doit = mssclamp_get_doit,
		.dumpit = mssclamp_get_dumpit,
	},
	{
		.cmd = MSSCLAMP_CMD_SET_CONFIG,
		.doit = mssclamp_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MSSCLAMP_CMD_GET_STATS,
		.doit = mssclamp_get_doit,
		.dumpit = mssclamp_get_dumpit,
	},
	{
		.cmd = MSSCLAMP_CMD_RESET_STATS,
		.doit = mssclamp_reset_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MSSCLAMP_CMD_GET_HIST,
		.start = mssclamp_hist_start,
		.dumpit = mssclamp_hist_dumpit,
		.done = mssclamp_hist_done,
	},
};

static struct genl_family mssclamp_genl_family __ro_after_init = {
	.name = MSSCLAMP_GENL_NAME,
	.version = MSSCLAMP_GENL_VERSION,
	.maxattr = MSSCLAMP_A_MAX,
	.policy = mssclamp_policy,
	.netnsok = true,
	.parallel_ops = true,	/* writers serialise on the netns mutex */
	.pre_doit = MSSCLAMP_PRE_DOIT,
	.module = THIS_MODULE,
	.ops = mssclamp_genl_ops,
	.n_ops = ARRAY_SIZE(mssclamp_genl_ops),
	.mcgrps = mssclamp_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mssclamp_mcgrps),
	/* resv_start_op 0: every command has its reserved header checked. */
};

int __init mssclamp_genl_init(void)
{
	return genl_register_family(&mssclamp_genl_family);
}

void mssclamp_genl_exit(void)
{
	genl_unregister_family(&mssclamp_genl_family);
}
