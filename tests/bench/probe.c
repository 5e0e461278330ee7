// SPDX-License-Identifier: GPL-2.0
/*
 * mssbench_probe: what the benchmark reports about the kernel it runs on.
 * Benchmark use only; it registers nothing and changes nothing.
 *
 *   /sys/module/mssbench_probe/parameters/hooks
 *	the netfilter hooks registered in the reader's network namespace
 *	(`ip netns exec NS cat ...`), IPv4 and IPv6, every hook point:
 *	"ipv4 forward -155 mssclamp_hook_v4", one per line. Unlike
 *	`nft list hooks` it needs no NETFILTER_NETLINK_HOOK (Debian's 6.1
 *	has none).
 *   /sys/module/mssbench_probe/parameters/sizes
 *	the sizes behind mssclamp's memory per namespace, as compiled for
 *	this kernel: "key=value" pairs (the state, the configuration, the
 *	per-cpu counters and histograms, the histograms' baseline, and what
 *	kmalloc() rounds each allocation up to).
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "mssclamp.h"

static const char *const mssbench_hook_names[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING] = "prerouting",
	[NF_INET_LOCAL_IN] = "input",
	[NF_INET_FORWARD] = "forward",
	[NF_INET_LOCAL_OUT] = "output",
	[NF_INET_POST_ROUTING] = "postrouting",
};

static int mssbench_list(char *buf, int len, const char *family,
			 struct nf_hook_entries __rcu *const *heads)
{
	int h;
	unsigned int i;

	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		const struct nf_hook_entries *e = rcu_dereference(heads[h]);
		struct nf_hook_ops **ops;

		if (!e)
			continue;
		ops = nf_hook_entries_get_hook_ops(e);
		for (i = 0; i < e->num_hook_entries; i++)
			len += scnprintf(buf + len, PAGE_SIZE - len,
					 "%s %s %d %ps\n", family,
					 mssbench_hook_names[h],
					 ops[i]->priority, e->hooks[i].hook);
	}
	return len;
}

static int mssbench_hooks_get(char *buf, const struct kernel_param *kp)
{
	struct net *net = current->nsproxy->net_ns;
	int len = 0;

	rcu_read_lock();
	len = mssbench_list(buf, len, "ipv4", net->nf.hooks_ipv4);
#if IS_ENABLED(CONFIG_IPV6)
	len = mssbench_list(buf, len, "ipv6", net->nf.hooks_ipv6);
#endif
	rcu_read_unlock();
	if (!len)
		len = scnprintf(buf, PAGE_SIZE, "none\n");
	return len;
}

static int mssbench_sizes_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE,
			 "net=%zu net_alloc=%zu cfg=%zu cfg_alloc=%zu stats=%zu hist=%zu hist_base=%zu hist_base_alloc=%zu possible_cpus=%u nf_hook_ops=%zu\n",
			 sizeof(struct mssclamp_net),
			 kmalloc_size_roundup(sizeof(struct mssclamp_net)),
			 sizeof(struct mssclamp_cfg),
			 kmalloc_size_roundup(sizeof(struct mssclamp_cfg)),
			 sizeof(struct mssclamp_pcpu_stats),
			 sizeof(struct mssclamp_pcpu_hist),
			 sizeof(struct mssclamp_hist),
			 kmalloc_size_roundup(sizeof(struct mssclamp_hist)),
			 num_possible_cpus(), sizeof(struct nf_hook_ops));
}

static const struct kernel_param_ops mssbench_hooks_ops = {
	.get = mssbench_hooks_get,
};

static const struct kernel_param_ops mssbench_sizes_ops = {
	.get = mssbench_sizes_get,
};

module_param_cb(hooks, &mssbench_hooks_ops, NULL, 0444);
MODULE_PARM_DESC(hooks, "netfilter hooks of the reader's network namespace");
module_param_cb(sizes, &mssbench_sizes_ops, NULL, 0444);
MODULE_PARM_DESC(sizes, "sizes of mssclamp's per-namespace state");

static int __init mssbench_probe_init(void)
{
	return 0;
}

static void __exit mssbench_probe_exit(void)
{
}

module_init(mssbench_probe_init);
module_exit(mssbench_probe_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mssclamp benchmark: hook list and state sizes");
