// SPDX-License-Identifier: GPL-2.0
/*
 * mssbench_nop: the floor any netfilter hook pays. Registers one hook per
 * family at FORWARD with mssclamp's priority, in the network namespace of
 * the process that loads it (`ip netns exec NS insmod mssbench_nop.ko`),
 * and does nothing but return NF_ACCEPT. Benchmark use only.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

static struct net *mssbench_net;

static unsigned int mssbench_nop_hook(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static struct nf_hook_ops mssbench_nop_ops[] = {
	{
		.hook = mssbench_nop_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_MANGLE - 5,
	},
	{
		.hook = mssbench_nop_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_MANGLE - 5,
	},
};

static int __init mssbench_nop_init(void)
{
	int err;

	/* The namespace stays alive as long as the module holds its hooks. */
	mssbench_net = get_net(current->nsproxy->net_ns);
	err = nf_register_net_hooks(mssbench_net, mssbench_nop_ops,
				    ARRAY_SIZE(mssbench_nop_ops));
	if (err)
		put_net(mssbench_net);
	return err;
}

static void __exit mssbench_nop_exit(void)
{
	nf_unregister_net_hooks(mssbench_net, mssbench_nop_ops,
				ARRAY_SIZE(mssbench_nop_ops));
	put_net(mssbench_net);
}

module_init(mssbench_nop_init);
module_exit(mssbench_nop_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mssclamp benchmark: an nf_hook that only returns NF_ACCEPT");
