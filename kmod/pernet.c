// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: per-namespace state, its configuration, and the netdevice
 * notifier that keeps interface scopes current.
 *
 * Each network namespace has, per family, a configuration published with
 * RCU and per-cpu counters. A family's nf_hook is registered in a namespace
 * only while the family is enabled there, so a namespace that does not use
 * the clamp pays nothing for it.
 *
 * Teardown is in two steps, as the pernet core expects: .pre_exit
 * unregisters the hooks, .exit frees what they read. Unregistering alone
 * does not wait for a CPU already inside a hook: nf_unregister_net_hook()
 * swaps the entry's function for accept_all() in place (nf_remove_net_hook())
 * and frees the old entries with call_rcu() (nf_hook_entries_free()), so
 * such a CPU still runs mssclamp_hook_v4/v6() with our state as .priv. The
 * core puts a synchronize_rcu() between the two steps, in cleanup_net()
 * (a namespace going away) and in unregister_pernet_subsys() (module
 * unload: free_exit_list() in 6.1, ops_undo_list() in 6.12), and the
 * netfilter core calls the hooks inside rcu_read_lock() (nf_hook()), so by
 * .exit no CPU can be inside a hook of that namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
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
 * from it. Returns MSSCLAMP_CFG_OK, or what is wrong with it, which the
 * caller turns into an error for whoever asked (netlink.c: extack).
 */
enum mssclamp_cfg_fault mssclamp_cfg_check(u8 family, struct mssclamp_cfg *cfg)
{
	bool v6 = family == MSSCLAMP_FAMILY_IPV6;
	u32 mtu_min = v6 ? MSSCLAMP_IPV6_MTU_MIN : MSSCLAMP_IPV4_MTU_MIN;
	u32 floor = v6 ? MSSCLAMP_IPV6_MSS_FLOOR : MSSCLAMP_IPV4_MSS_FLOOR;
	u32 hdrs = (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
		   sizeof(struct tcphdr);

	if (cfg->mtu < mtu_min || cfg->mtu > MSSCLAMP_MTU_MAX)
		return MSSCLAMP_CFG_MTU_RANGE;
	if (cfg->overhead > cfg->mtu - hdrs - floor)
		return MSSCLAMP_CFG_OVERHEAD_LARGE;
	cfg->hdrs = hdrs + cfg->overhead;
	cfg->mss = cfg->mtu - cfg->hdrs;
	cfg->floor = floor;
	return MSSCLAMP_CFG_OK;
}

/* The slot of @ifindex in @cfg's device set, or -1 (0: a free slot). */
static int mssclamp_devs_slot(const struct mssclamp_cfg *cfg, int ifindex)
{
	unsigned int i;

	for (i = 0; i < cfg->ndevs; i++)
		if (cfg->ifindex[i] == ifindex)
			return i;
	return -1;
}

/* Whether @name is one of the names @cfg lists. */
static bool mssclamp_devs_named(const struct mssclamp_cfg *cfg,
				const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->ndevs; i++)
		if (!strncmp(cfg->devs[i], name, IFNAMSIZ))
			return true;
	return false;
}

/*
 * Fill the device set of a configuration not yet published: the
 * ifindexes of the devices whose primary name is listed, each once, in
 * the first slots (see struct mssclamp_cfg). A name without a device
 * contributes nothing until a device of that name appears (see
 * mssclamp_cfg_follow_dev()).
 *
 * Only primary names count, as with iptables' -o and nft's oifname:
 * dev_get_by_name_rcu() also finds a device by one of its alternative
 * names (netdev_name_node_lookup_rcu() walks them all), and altname
 * changes send no notification we could follow.
 */
void mssclamp_cfg_resolve_devs(struct net *net, struct mssclamp_cfg *cfg)
{
	unsigned int i, n = 0;

	memset(cfg->ifindex, 0, sizeof(cfg->ifindex));
	rcu_read_lock();
	for (i = 0; i < cfg->ndevs; i++) {
		struct net_device *dev = dev_get_by_name_rcu(net, cfg->devs[i]);

		if (!dev || strcmp(dev->name, cfg->devs[i]))
			continue;
		if (mssclamp_devs_slot(cfg, dev->ifindex) < 0)
			cfg->ifindex[n++] = dev->ifindex;
	}
	rcu_read_unlock();
}

/*
 * Bring the published configuration @cfg's device set up to date with
 * @dev, which has just been registered or renamed (@gone false) or is
 * being unregistered (@gone true), in place: at most one slot changes,
 * with one WRITE_ONCE() that the fast path reads with READ_ONCE() (see
 * docs/design.md, "Interfaces"). Nothing is allocated, so nothing can
 * fail. Returns whether the set changed. The caller holds the
 * namespace's lock, under RTNL.
 *
 * Not inlined: tests/netns/27-unload.sh counts its calls with a kprobe.
 */
noinline bool mssclamp_cfg_follow_dev(struct mssclamp_cfg *cfg,
				      const struct net_device *dev, bool gone)
{
	bool listed = !gone && mssclamp_devs_named(cfg, dev->name);
	int slot = mssclamp_devs_slot(cfg, dev->ifindex);
	bool held = slot >= 0;

	if (listed == held)
		return false;
	if (!listed) {
		WRITE_ONCE(cfg->ifindex[slot], 0);
		return true;
	}
	/*
	 * The set holds distinct devices, each carrying a distinct listed
	 * name, and @dev carries another: a free slot is left.
	 */
	slot = mssclamp_devs_slot(cfg, 0);
	if (WARN_ON_ONCE(slot < 0))
		return false;
	WRITE_ONCE(cfg->ifindex[slot], dev->ifindex);
	return true;
}

#if IS_ENABLED(CONFIG_MSSCLAMP_KUNIT_TEST)
int (*mssclamp_test_register_hook)(struct net *net,
				   const struct nf_hook_ops *ops);
#endif

static int mssclamp_register_hook(struct net *net,
				  const struct nf_hook_ops *ops)
{
#if IS_ENABLED(CONFIG_MSSCLAMP_KUNIT_TEST)
	if (mssclamp_test_register_hook)
		return mssclamp_test_register_hook(net, ops);
#endif
	return nf_register_net_hook(net, ops);
}

/* The next dump generation: never 0 (see struct mssclamp_net). */
static void mssclamp_gen_bump(struct mssclamp_net *mn)
{
	u32 gen = mn->gen + 1;

	WRITE_ONCE(mn->gen, gen ? gen : 1);
}

/*
 * Make @cfg the family's configuration, registering or unregistering the
 * hook as it asks. Takes ownership of @cfg, also on error. May sleep.
 *
 * The configuration is published before a hook is registered, so the
 * first packet a new hook sees is judged by it. During a change of hook
 * point both hooks are registered for a moment, and both read @cfg: a
 * packet that crosses both is inspected twice (the second time it is
 * already within the ceiling), never left unclamped. On failure the old
 * configuration is put back; @cfg, which a CPU may have seen meanwhile,
 * is freed after a grace period.
 */
int mssclamp_cfg_publish(struct net *net, struct mssclamp_net *mn,
			 struct mssclamp_af *af, struct mssclamp_cfg *cfg)
{
	int want = cfg->enabled && !mn->dying ? cfg->hook : -1;
	int was = af->registered;
	struct mssclamp_cfg *old;
	int err;

	lockdep_assert_held(&mn->lock);

	if (want >= 0) {
		err = mssclamp_hist_alloc(af);
		if (err) {
			kfree(cfg);
			return err;
		}
	}
	old = rcu_replace_pointer(af->cfg, cfg, lockdep_is_held(&mn->lock));
	if (want >= 0 && want != was) {
		err = mssclamp_register_hook(net, &af->ops[want]);
		if (err) {
			rcu_assign_pointer(af->cfg, old);
			kfree_rcu(cfg, rcu);
			return err;
		}
	}
	if (was >= 0 && want != was)
		nf_unregister_net_hook(net, &af->ops[was]);
	af->registered = want;
	mssclamp_gen_bump(mn);
	kfree_rcu(old, rcu);
	return 0;
}

/* The family's state, as a fresh namespace has it; no hook registered. */
int mssclamp_af_init(struct mssclamp_af *af, u8 family)
{
	bool v6 = family == MSSCLAMP_FAMILY_IPV6;
	struct mssclamp_cfg *cfg;
	int cpu, i;

	memset(af, 0, sizeof(*af));
	af->family = family;
	af->registered = -1;
	/* An unprivileged user creates namespaces: charge their memcg. */
	af->stats = alloc_percpu_gfp(struct mssclamp_pcpu_stats,
				     GFP_KERNEL_ACCOUNT);
	if (!af->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(af->stats, cpu)->syncp);

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg) {
		free_percpu(af->stats);
		af->stats = NULL;
		return -ENOMEM;
	}
	cfg->mtu = 1500;
	cfg->hook = MSSCLAMP_HOOK_FORWARD;
	cfg->syn = true;
	cfg->synack = true;
	WARN_ON_ONCE(mssclamp_cfg_check(family, cfg) != MSSCLAMP_CFG_OK);
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

/*
 * Free what mssclamp_af_init() allocated. No hook may be registered, and
 * no CPU may still be inside one (see the top of this file).
 */
void mssclamp_af_free(struct mssclamp_af *af)
{
	WARN_ON_ONCE(af->registered >= 0);
	kfree(rcu_dereference_protected(af->cfg, true));
	RCU_INIT_POINTER(af->cfg, NULL);
	free_percpu(af->stats);
	af->stats = NULL;
	mssclamp_hist_free(af);
}

int mssclamp_state_init(struct mssclamp_net *mn)
{
	int err;

	mutex_init(&mn->lock);
	mn->gen = 1;
	mn->dying = false;
	err = mssclamp_af_init(&mn->af[MSSCLAMP_AF_V4], MSSCLAMP_FAMILY_IPV4);
	if (err)
		return err;
	err = mssclamp_af_init(&mn->af[MSSCLAMP_AF_V6], MSSCLAMP_FAMILY_IPV6);
	if (err) {
		mssclamp_af_free(&mn->af[MSSCLAMP_AF_V4]);
		return err;
	}
	return 0;
}

void mssclamp_state_free(struct mssclamp_net *mn)
{
	int i;

	for (i = 0; i < MSSCLAMP_AF_COUNT; i++)
		mssclamp_af_free(&mn->af[i]);
	mutex_destroy(&mn->lock);
}

static int __net_init mssclamp_net_init(struct net *net)
{
	return mssclamp_state_init(mssclamp_pernet(net));
}

/*
 * Unregister the hooks, and keep the netdevice notifier from registering
 * them again: in cleanup_net() the namespace's devices are unregistered
 * after .pre_exit, and each NETDEV_UNREGISTER of a listed device would
 * publish a configuration.
 */
static void __net_exit mssclamp_net_pre_exit(struct net *net)
{
	struct mssclamp_net *mn = mssclamp_pernet(net);
	int i;

	mutex_lock(&mn->lock);
	mn->dying = true;
	for (i = 0; i < MSSCLAMP_AF_COUNT; i++) {
		struct mssclamp_af *af = &mn->af[i];

		if (af->registered >= 0)
			nf_unregister_net_hook(net, &af->ops[af->registered]);
		af->registered = -1;
	}
	mutex_unlock(&mn->lock);
}

/* After .pre_exit and a grace period: no CPU is inside our hooks. */
static void __net_exit mssclamp_net_exit(struct net *net)
{
	mssclamp_state_free(mssclamp_pernet(net));
}

static struct pernet_operations mssclamp_net_ops = {
	.init = mssclamp_net_init,
	.pre_exit = mssclamp_net_pre_exit,
	.exit = mssclamp_net_exit,
	.id = &mssclamp_net_id,
	.size = sizeof(struct mssclamp_net),
};

/* Set before the notifier goes: see mssclamp_pernet_exit(). */
static bool mssclamp_unloading;

/*
 * Interfaces are configured by name. When a device of a listed name
 * appears, leaves (deleted, moved to another namespace) or is renamed, the
 * device sets are updated in place, so the list always means "the devices
 * that now carry these names". This path allocates nothing: it cannot
 * fail, and no one's memory limit decides what another namespace clamps.
 */
static int mssclamp_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct mssclamp_net *mn;
	bool changed = false;
	int i;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_CHANGENAME:
	case NETDEV_UNREGISTER:
		break;
	default:
		return NOTIFY_DONE;
	}
	if (READ_ONCE(mssclamp_unloading))
		return NOTIFY_DONE;

	mn = mssclamp_pernet(dev_net(dev));
	mutex_lock(&mn->lock);
	if (mn->dying)
		goto out;
	for (i = 0; i < MSSCLAMP_AF_COUNT; i++) {
		struct mssclamp_cfg *cfg;

		cfg = rcu_dereference_protected(mn->af[i].cfg,
						lockdep_is_held(&mn->lock));
		if (cfg && cfg->ndevs &&
		    mssclamp_cfg_follow_dev(cfg, dev,
					    event == NETDEV_UNREGISTER))
			changed = true;
	}
	if (changed)
		mssclamp_gen_bump(mn);
out:
	mutex_unlock(&mn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block mssclamp_netdev_nb = {
	.notifier_call = mssclamp_netdev_event,
};

int __init mssclamp_pernet_init(void)
{
	int err;

	err = register_pernet_subsys(&mssclamp_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&mssclamp_netdev_nb);
	if (err)
		unregister_pernet_subsys(&mssclamp_net_ops);
	return err;
}

/*
 * unregister_netdevice_notifier() replays NETDEV_GOING_DOWN, NETDEV_DOWN
 * and NETDEV_UNREGISTER to the leaving notifier for every device of every
 * namespace (call_netdevice_unregister_net_notifiers(), net/core/dev.c,
 * 6.1 and 6.12), under RTNL. Taken for real, each listed device would be
 * dropped from its set, and stop being clamped, before .pre_exit takes
 * the hooks away. The replay runs in this task after the flag is set, so
 * the notifier ignores it; a real event that races with unload may be
 * ignored too, which leaves the sets as they were until the hooks go.
 */
void mssclamp_pernet_exit(void)
{
	WRITE_ONCE(mssclamp_unloading, true);
	unregister_netdevice_notifier(&mssclamp_netdev_nb);
	unregister_pernet_subsys(&mssclamp_net_ops);
}
