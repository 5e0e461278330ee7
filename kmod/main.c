// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: module init/exit, per-namespace state and its configuration.
 *
 * Each network namespace has, per family, a configuration published with
 * RCU and per-cpu counters. A family's nf_hook is registered in a namespace
 * only while the family is enabled there, so a namespace that does not use
 * the clamp pays nothing for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "mssclamp.h"

static unsigned int mssclamp_net_id __read_mostly;

struct mssclamp_net *mssclamp_pernet(const struct net *net)
{
	return net_generic(net, mssclamp_net_id);
}

struct mssclamp_af *mssclamp_af_get(struct mssclamp_net *mn, u8 family)
{
	switch (family) {
	case MSSCLAMP_FAMILY_IPV4:
		return &mn->af[MSSCLAMP_AF_V4];
	case MSSCLAMP_FAMILY_IPV6:
		return &mn->af[MSSCLAMP_AF_V6];
	}
	return NULL;
}

/*
 * Check a configuration as a whole and fill in what the fast path derives
 * from it. On rejection, extack names the attribute at fault (from @attrs,
 * the request's, when there is one) and what is accepted.
 */
int mssclamp_cfg_check(u8 family, struct mssclamp_cfg *cfg,
		       struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	bool v6 = family == MSSCLAMP_FAMILY_IPV6;
	u32 mtu_min = v6 ? MSSCLAMP_IPV6_MTU_MIN : MSSCLAMP_IPV4_MTU_MIN;
	u32 floor = v6 ? MSSCLAMP_IPV6_MSS_FLOOR : MSSCLAMP_IPV4_MSS_FLOOR;
	u32 hdrs = (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
		   sizeof(struct tcphdr);
	struct nlattr *mtu = attrs ? attrs[MSSCLAMP_A_MTU] : NULL;
	struct nlattr *overhead = attrs ? attrs[MSSCLAMP_A_OVERHEAD] : NULL;

	if (cfg->mtu < mtu_min || cfg->mtu > MSSCLAMP_MTU_MAX) {
		if (v6)
			NL_SET_ERR_MSG_ATTR(extack, mtu,
					    "mtu out of range: IPv6 accepts 1280 to 65535");
		else
			NL_SET_ERR_MSG_ATTR(extack, mtu,
					    "mtu out of range: IPv4 accepts 576 to 65535");
		return -EINVAL;
	}
	if (cfg->overhead > cfg->mtu - hdrs - floor) {
		if (v6)
			NL_SET_ERR_MSG_ATTR(extack, overhead,
					    "overhead too large: mtu - 60 - overhead must be at least the IPv6 MSS floor 1220");
		else
			NL_SET_ERR_MSG_ATTR(extack, overhead,
					    "overhead too large: mtu - 40 - overhead must be at least the IPv4 MSS floor 536");
		return -EINVAL;
	}
	cfg->hdrs = hdrs + cfg->overhead;
	cfg->mss = cfg->mtu - cfg->hdrs;
	cfg->floor = floor;
	return 0;
}

/*
 * Map the configured interface names to the ifindexes the fast path
 * compares. A name without a device maps to 0 and matches nothing until a
 * device of that name appears (see mssclamp_netdev_event()). @gone is a
 * device being unregistered, which must no longer match.
 */
void mssclamp_cfg_resolve_devs(struct net *net, struct mssclamp_cfg *cfg,
			       const struct net_device *gone)
{
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < cfg->ndevs; i++) {
		struct net_device *dev = dev_get_by_name_rcu(net, cfg->devs[i]);

		cfg->ifindex[i] = dev && dev != gone ? dev->ifindex : 0;
	}
	rcu_read_unlock();
}

/*
 * Make @cfg the family's configuration, registering or unregistering the
 * hook as it asks. Takes ownership of @cfg, also on error. May sleep.
 */
int mssclamp_cfg_publish(struct net *net, struct mssclamp_net *mn,
			 struct mssclamp_af *af, struct mssclamp_cfg *cfg)
{
	struct mssclamp_cfg *old;
	int want = cfg->enabled ? cfg->hook : -1;
	int was = af->registered;
	int err;

	lockdep_assert_held(&mn->lock);

	/*
	 * The new hook goes in before the old one leaves, so a change of
	 * hook point never opens a window without a clamp; a packet that
	 * meets both is clamped twice to the same value, which is harmless.
	 */
	if (want >= 0 && want != was) {
		err = nf_register_net_hook(net, &af->ops[want]);
		if (err) {
			kfree(cfg);
			return err;
		}
	}
	old = rcu_replace_pointer(af->cfg, cfg, lockdep_is_held(&mn->lock));
	if (was >= 0 && want != was)
		nf_unregister_net_hook(net, &af->ops[was]);
	af->registered = want;
	mn->gen++;
	kfree_rcu(old, rcu);
	return 0;
}

void mssclamp_stats_fold(const struct mssclamp_af *af,
			 struct mssclamp_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct mssclamp_stats *s = per_cpu_ptr(af->stats, cpu);

		sum->syn += READ_ONCE(s->syn);
		sum->synack += READ_ONCE(s->synack);
		sum->clamped_syn += READ_ONCE(s->clamped_syn);
		sum->clamped_synack += READ_ONCE(s->clamped_synack);
		sum->unchanged += READ_ONCE(s->unchanged);
		sum->no_mss += READ_ONCE(s->no_mss);
		sum->malformed += READ_ONCE(s->malformed);
		sum->fragments += READ_ONCE(s->fragments);
		sum->errors += READ_ONCE(s->errors);
	}
}

/*
 * Counters are zeroed CPU by CPU without stopping the fast path: a packet
 * counted on another CPU while this runs may or may not survive the reset.
 */
void mssclamp_stats_reset(struct mssclamp_af *af)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mssclamp_stats *s = per_cpu_ptr(af->stats, cpu);

		WRITE_ONCE(s->syn, 0);
		WRITE_ONCE(s->synack, 0);
		WRITE_ONCE(s->clamped_syn, 0);
		WRITE_ONCE(s->clamped_synack, 0);
		WRITE_ONCE(s->unchanged, 0);
		WRITE_ONCE(s->no_mss, 0);
		WRITE_ONCE(s->malformed, 0);
		WRITE_ONCE(s->fragments, 0);
		WRITE_ONCE(s->errors, 0);
	}
}

static void mssclamp_af_fini(struct net *net, struct mssclamp_af *af)
{
	if (af->registered >= 0)
		nf_unregister_net_hook(net, &af->ops[af->registered]);
	af->registered = -1;
	/* No hook can reach it any more: unregistering waited for readers. */
	kfree(rcu_dereference_protected(af->cfg, true));
	RCU_INIT_POINTER(af->cfg, NULL);
	free_percpu(af->stats);
	af->stats = NULL;
}

static int mssclamp_af_init(struct mssclamp_af *af, u8 family)
{
	bool v6 = family == MSSCLAMP_FAMILY_IPV6;
	struct mssclamp_cfg *cfg;
	int i;

	af->family = family;
	af->registered = -1;
	af->stats = alloc_percpu(struct mssclamp_stats);
	if (!af->stats)
		return -ENOMEM;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		free_percpu(af->stats);
		af->stats = NULL;
		return -ENOMEM;
	}
	cfg->mtu = 1500;
	cfg->hook = MSSCLAMP_HOOK_FORWARD;
	cfg->syn = true;
	cfg->synack = true;
	WARN_ON_ONCE(mssclamp_cfg_check(family, cfg, NULL, NULL));
	RCU_INIT_POINTER(af->cfg, cfg);

	for (i = 0; i < ARRAY_SIZE(af->ops); i++) {
		struct nf_hook_ops *ops = &af->ops[i];

		ops->hook = v6 ? mssclamp_hook_v6 : mssclamp_hook_v4;
		ops->pf = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
		ops->hooknum = i == MSSCLAMP_HOOK_FORWARD ? NF_INET_FORWARD :
							    NF_INET_POST_ROUTING;
		ops->priority = MSSCLAMP_HOOK_PRIORITY;
		ops->priv = af;
	}
	return 0;
}

static int __net_init mssclamp_net_init(struct net *net)
{
	struct mssclamp_net *mn = mssclamp_pernet(net);
	int err;

	mutex_init(&mn->lock);
	err = mssclamp_af_init(&mn->af[MSSCLAMP_AF_V4], MSSCLAMP_FAMILY_IPV4);
	if (err)
		return err;
	err = mssclamp_af_init(&mn->af[MSSCLAMP_AF_V6], MSSCLAMP_FAMILY_IPV6);
	if (err) {
		mssclamp_af_fini(net, &mn->af[MSSCLAMP_AF_V4]);
		return err;
	}
	return 0;
}

static void __net_exit mssclamp_net_exit(struct net *net)
{
	struct mssclamp_net *mn = mssclamp_pernet(net);
	int i;

	mutex_lock(&mn->lock);
	for (i = 0; i < MSSCLAMP_AF_COUNT; i++)
		mssclamp_af_fini(net, &mn->af[i]);
	mutex_unlock(&mn->lock);
	mutex_destroy(&mn->lock);
}

static struct pernet_operations mssclamp_net_ops = {
	.init = mssclamp_net_init,
	.exit = mssclamp_net_exit,
	.id = &mssclamp_net_id,
	.size = sizeof(struct mssclamp_net),
};

/*
 * Interfaces are configured by name. When a device of a listed name
 * appears, leaves (deleted, moved to another namespace) or is renamed, the
 * name-to-ifindex map is rebuilt, so the list always means "the devices
 * that now carry these names".
 */
static int mssclamp_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	const struct net_device *gone = NULL;
	struct net *net = dev_net(dev);
	struct mssclamp_net *mn;
	int i;

	switch (event) {
	case NETDEV_UNREGISTER:
		gone = dev;
		break;
	case NETDEV_REGISTER:
	case NETDEV_CHANGENAME:
		break;
	default:
		return NOTIFY_DONE;
	}

	mn = mssclamp_pernet(net);
	mutex_lock(&mn->lock);
	for (i = 0; i < MSSCLAMP_AF_COUNT; i++) {
		struct mssclamp_af *af = &mn->af[i];
		struct mssclamp_cfg *cur, *cfg;

		cur = rcu_dereference_protected(af->cfg,
						lockdep_is_held(&mn->lock));
		if (!cur || !cur->ndevs)
			continue;
		cfg = kmemdup(cur, sizeof(*cur), GFP_KERNEL);
		if (!cfg) {
			pr_warn_ratelimited("no memory to follow device %s\n",
					    dev->name);
			continue;
		}
		mssclamp_cfg_resolve_devs(net, cfg, gone);
		if (!memcmp(cfg->ifindex, cur->ifindex, sizeof(cfg->ifindex))) {
			kfree(cfg);
			continue;
		}
		/* Same enabled state and hook: cannot fail. */
		mssclamp_cfg_publish(net, mn, af, cfg);
	}
	mutex_unlock(&mn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block mssclamp_netdev_nb = {
	.notifier_call = mssclamp_netdev_event,
};

static int __init mssclamp_init(void)
{
	int err;

	err = register_pernet_subsys(&mssclamp_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&mssclamp_netdev_nb);
	if (err)
		goto err_pernet;
	err = mssclamp_genl_init();
	if (err)
		goto err_notifier;
	pr_debug("version %s loaded\n", MSSCLAMP_VERSION);
	return 0;

err_notifier:
	unregister_netdevice_notifier(&mssclamp_netdev_nb);
err_pernet:
	unregister_pernet_subsys(&mssclamp_net_ops);
	return err;
}

static void __exit mssclamp_exit(void)
{
	mssclamp_genl_exit();
	unregister_netdevice_notifier(&mssclamp_netdev_nb);
	unregister_pernet_subsys(&mssclamp_net_ops);
	rcu_barrier();	/* for the kfree_rcu() of replaced configurations */
}

module_init(mssclamp_init);
module_exit(mssclamp_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The mssclamp authors");
MODULE_DESCRIPTION("TCP MSS clamping for IPv4 and IPv6, per network namespace");
MODULE_VERSION(MSSCLAMP_VERSION);
MODULE_ALIAS_GENL_FAMILY(MSSCLAMP_GENL_NAME);
