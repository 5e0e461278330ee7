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
#include <linux/u64_stats_sync.h>
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

/* What mssclamp_cfg_check() finds wrong with a configuration. */
enum mssclamp_cfg_fault {
	MSSCLAMP_CFG_OK,
	MSSCLAMP_CFG_MTU_RANGE,		/* mtu outside the family's range */
	MSSCLAMP_CFG_OVERHEAD_LARGE,	/* the ceiling would be below the floor */
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

/* What became of one inspected SYN or SYN-ACK: exactly one of these. */
enum mssclamp_outcome {
	MSSCLAMP_OUT_CLAMPED,
	MSSCLAMP_OUT_UNCHANGED,
	MSSCLAMP_OUT_NO_MSS,
	MSSCLAMP_OUT_MALFORMED,
	MSSCLAMP_OUT_ERRORS,
	MSSCLAMP_OUT_COUNT,
};

/*
 * Per-cpu counter slots: one per outcome and direction (SYN, SYN-ACK),
 * then the TCP fragments skipped. An inspected packet is counted once, in
 * the slot of its outcome; "syn" and "synack" are the sums of their
 * direction's slots, so the exported counters agree with each other in
 * every snapshot, however it interleaves with the fast path.
 */
#define MSSCLAMP_SLOT(outcome, synack)	((outcome) * 2 + !!(synack))
#define MSSCLAMP_SLOT_FRAGMENTS		(2 * MSSCLAMP_OUT_COUNT)
#define MSSCLAMP_SLOT_COUNT		(MSSCLAMP_SLOT_FRAGMENTS + 1)

struct mssclamp_pcpu_stats {
	u64_stats_t slot[MSSCLAMP_SLOT_COUNT];
	struct u64_stats_sync syncp;	/* 32-bit: no torn reads */
};

/*
 * The counters as exported, indexed by their attribute: the uapi's enum
 * mssclamp_stat_attr is the one list of them (MSSCLAMP_STAT_A_PAD and
 * below are not counters).
 */
struct mssclamp_stats {
	u64 v[MSSCLAMP_STAT_A_MAX + 1];
};

struct mssclamp_af {
	struct mssclamp_cfg __rcu *cfg;
	struct mssclamp_pcpu_stats __percpu *stats;
	/*
	 * What the slots held at the last reset, subtracted on read: a
	 * reset never writes to another CPU's counters. Under
	 * mssclamp_net.lock.
	 */
	u64 base[MSSCLAMP_SLOT_COUNT];
	/* One ops per hook point; at most one registered at a time. */
	struct nf_hook_ops ops[2];
	int registered;			/* index into ops[], or -1 */
	u8 family;			/* enum mssclamp_family */
};

struct mssclamp_net {
	struct mutex lock;		/* serialises writers of af[] */
	/*
	 * Bumped on every change, for dumps (never 0, which
	 * nl_dump_check_consistent() takes for "not set").
	 */
	u32 gen;
	/* Set by .pre_exit: the namespace is going, hook nothing again. */
	bool dying;
	struct mssclamp_af af[MSSCLAMP_AF_COUNT];
};

/* Runs after conntrack (-200), before mangle (-150) and filter (0). */
#define MSSCLAMP_HOOK_PRIORITY	(NF_IP_PRI_MANGLE - 5)

/* pernet.c */
struct mssclamp_net *mssclamp_pernet(const struct net *net);
struct mssclamp_af *mssclamp_af_get(struct mssclamp_net *mn, u8 family);
int mssclamp_af_init(struct mssclamp_af *af, u8 family);
void mssclamp_af_free(struct mssclamp_af *af);
int mssclamp_state_init(struct mssclamp_net *mn);
void mssclamp_state_free(struct mssclamp_net *mn);
enum mssclamp_cfg_fault mssclamp_cfg_check(u8 family, struct mssclamp_cfg *cfg);
void mssclamp_cfg_resolve_devs(struct net *net, struct mssclamp_cfg *cfg,
			       const struct net_device *gone);
int mssclamp_cfg_publish(struct net *net, struct mssclamp_net *mn,
			 struct mssclamp_af *af, struct mssclamp_cfg *cfg);
int mssclamp_pernet_init(void);
void mssclamp_pernet_exit(void);
#if IS_ENABLED(CONFIG_MSSCLAMP_KUNIT_TEST)
/* The KUnit suites look inside a publish through this. */
extern int (*mssclamp_test_register_hook)(struct net *net,
					  const struct nf_hook_ops *ops);
#endif

/* stats.c */
void mssclamp_stats_fold(struct mssclamp_af *af, struct mssclamp_stats *sum);
void mssclamp_stats_reset(struct mssclamp_af *af);

/*
 * Count one packet in slot @slot of this CPU. The hooks run in softirq
 * context (forwarded packets) and, at POSTROUTING, in process context with
 * only rcu_read_lock() held, which does not disable preemption under
 * PREEMPT_RCU: get_cpu_ptr() keeps the task on this CPU, and the irqsave
 * form of the update keeps a softirq on the same CPU from nesting inside
 * a 32-bit seqcount writer. On 64-bit the update is one local64_inc().
 */
static inline void mssclamp_count(struct mssclamp_af *af, unsigned int slot)
{
	struct mssclamp_pcpu_stats *s = get_cpu_ptr(af->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_inc(&s->slot[slot]);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(af->stats);
}

/* hooks.c */
unsigned int mssclamp_hook_v4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);
unsigned int mssclamp_hook_v6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);

/* netlink.c */
struct netlink_callback;
int mssclamp_dump_fill(struct sk_buff *skb, struct netlink_callback *cb,
		       struct mssclamp_net *mn);
int mssclamp_genl_init(void);
void mssclamp_genl_exit(void);

#endif /* MSSCLAMP_H */
