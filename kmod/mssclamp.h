/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclamp: state shared by the module's files.
 *
 * Per network namespace, per family (IPv4, IPv6): a configuration published
 * with RCU, per-cpu counters, and the nf_hook_ops that carry the family's
 * state in .priv. Writers hold mssclamp_net.lock.
 */
#ifndef MSSCLAMP_H
#define MSSCLAMP_H

#include <linux/types.h>
#include <linux/if.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>

#include "uapi/mssclamp.h"

#ifndef MSSCLAMP_VERSION
#define MSSCLAMP_VERSION "unknown"
#endif

enum mssclamp_af_index {
	MSSCLAMP_AF_V4,
	MSSCLAMP_AF_V6,
	MSSCLAMP_AF_COUNT,
};

/* Immutable once published; replaced as a whole on every change. */
struct mssclamp_cfg {
	/* As configured. */
	bool enabled;
	bool pmtu;
	bool syn;
	bool synack;
	u8 hook;			/* enum mssclamp_hook */
	u32 mtu;
	u32 overhead;
	unsigned int ndevs;		/* 0: any device */
	char devs[MSSCLAMP_MAX_DEVS][IFNAMSIZ];

	/* Derived at configuration time for the fast path. */
	u16 mss;			/* the fixed ceiling */
	u16 floor;			/* the family's lowest MSS */
	u32 hdrs;			/* IP + TCP headers + overhead, for pmtu */
	int ifindex[MSSCLAMP_MAX_DEVS];	/* 0 where the name has no device */

	struct rcu_head rcu;
};

struct mssclamp_stats {
	u64 syn;
	u64 synack;
	u64 clamped_syn;
	u64 clamped_synack;
	u64 unchanged;
	u64 no_mss;
	u64 malformed;
	u64 fragments;
	u64 errors;
};

struct mssclamp_af {
	struct mssclamp_cfg __rcu *cfg;
	struct mssclamp_stats __percpu *stats;
	/* One ops per hook point; at most one registered at a time. */
	struct nf_hook_ops ops[2];
	int registered;			/* index into ops[], or -1 */
	u8 family;			/* enum mssclamp_family */
};

struct mssclamp_net {
	struct mutex lock;		/* serialises writers of af[] */
	u32 gen;			/* bumped on every change, for dumps */
	struct mssclamp_af af[MSSCLAMP_AF_COUNT];
};

/* Runs after conntrack (-200), before mangle (-150) and filter (0). */
#define MSSCLAMP_HOOK_PRIORITY	(NF_IP_PRI_MANGLE - 5)

/* main.c */
struct mssclamp_net *mssclamp_pernet(const struct net *net);
struct mssclamp_af *mssclamp_af_get(struct mssclamp_net *mn, u8 family);
int mssclamp_cfg_check(u8 family, struct mssclamp_cfg *cfg,
		       struct nlattr **attrs, struct netlink_ext_ack *extack);
void mssclamp_cfg_resolve_devs(struct net *net, struct mssclamp_cfg *cfg,
			       const struct net_device *gone);
int mssclamp_cfg_publish(struct net *net, struct mssclamp_net *mn,
			 struct mssclamp_af *af, struct mssclamp_cfg *cfg);
void mssclamp_stats_fold(const struct mssclamp_af *af,
			 struct mssclamp_stats *sum);
void mssclamp_stats_reset(struct mssclamp_af *af);

/* hooks.c */
unsigned int mssclamp_hook_v4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);
unsigned int mssclamp_hook_v6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);

/* netlink.c */
int mssclamp_genl_init(void);
void mssclamp_genl_exit(void);

#endif /* MSSCLAMP_H */
