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

/*
 * Replaced as a whole on every change, and immutable once published but
 * for ifindex[], which the netdevice notifier updates in place (see
 * mssclamp_cfg_follow_dev()).
 */
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
	/*
	 * The device set: the ifindexes of the devices whose primary name
	 * is listed, each once, in any order, within the first ndevs slots;
	 * 0 is a free slot. Written with WRITE_ONCE() under
	 * mssclamp_net.lock once published, read with READ_ONCE().
	 */
	int ifindex[MSSCLAMP_MAX_DEVS];

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
#define MSSCLAMP_SLOT_PTB		(MSSCLAMP_SLOT_FRAGMENTS + 1)
#define MSSCLAMP_SLOT_COUNT		(MSSCLAMP_SLOT_PTB + 1)

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

/*
 * Histograms of the MSS advertised in SYNs and SYN-ACKs before clamping,
 * and of the MTU that ICMP "fragmentation needed" and ICMPv6 "Packet Too
 * Big" report: every value from 1200 to 1500 has its own bucket, coarser
 * buckets lie below and above (mssclamp_hist_bounds()).
 */
#define MSSCLAMP_HIST_KINDS	(MSSCLAMP_HIST_PTB + 1)
#define MSSCLAMP_HIST_EXACT_LOW	1200
#define MSSCLAMP_HIST_EXACT_HIGH	1500
#define MSSCLAMP_HIST_BELOW	8	/* buckets below 1200 */
#define MSSCLAMP_HIST_ABOVE	6	/* buckets above 1500 */
#define MSSCLAMP_HIST_BUCKETS	(MSSCLAMP_HIST_BELOW + \
				 MSSCLAMP_HIST_EXACT_HIGH - \
				 MSSCLAMP_HIST_EXACT_LOW + 1 + \
				 MSSCLAMP_HIST_ABOVE)

struct mssclamp_pcpu_hist {
	u64_stats_t count[MSSCLAMP_HIST_KINDS][MSSCLAMP_HIST_BUCKETS];
	u64_stats_t sum[MSSCLAMP_HIST_KINDS];
	struct u64_stats_sync syncp;
};

/* The histograms summed over the CPUs: a snapshot, or a baseline. */
struct mssclamp_hist {
	u64 count[MSSCLAMP_HIST_KINDS][MSSCLAMP_HIST_BUCKETS];
	u64 sum[MSSCLAMP_HIST_KINDS];
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
	/*
	 * The histograms and their baseline: allocated when the family is
	 * first enabled (a namespace that never clamps pays nothing for
	 * them), before its hook is registered, and freed with the rest.
	 * NULL until then.
	 */
	struct mssclamp_pcpu_hist __percpu *hist;
	struct mssclamp_hist *hist_base;
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
void mssclamp_cfg_resolve_devs(struct net *net, struct mssclamp_cfg *cfg);
bool mssclamp_cfg_follow_dev(struct mssclamp_cfg *cfg,
			     const struct net_device *dev, bool gone);
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
int mssclamp_hist_alloc(struct mssclamp_af *af);
void mssclamp_hist_free(struct mssclamp_af *af);
void mssclamp_hist_fold(struct mssclamp_af *af, struct mssclamp_hist *out);
void mssclamp_hist_bounds(unsigned int bucket, u32 *low, u32 *high);

/* The bucket of @value (see mssclamp_hist_bounds()). */
static inline unsigned int mssclamp_hist_bucket(u32 value)
{
	if (value >= MSSCLAMP_HIST_EXACT_LOW) {
		if (value <= MSSCLAMP_HIST_EXACT_HIGH)
			return MSSCLAMP_HIST_BELOW + value -
			       MSSCLAMP_HIST_EXACT_LOW;
		/* Two compares to any of the six. */
		if (value < 4000)
			return MSSCLAMP_HIST_BUCKETS - MSSCLAMP_HIST_ABOVE +
			       (value >= 2000);
		if (value < 9000)
			return MSSCLAMP_HIST_BUCKETS - MSSCLAMP_HIST_ABOVE + 2 +
			       (value >= 8192);
		return MSSCLAMP_HIST_BUCKETS - MSSCLAMP_HIST_ABOVE + 4 +
		       (value >= 16384);
	}
	if (value < 536)
		return 0;
	if (value < 600)
		return 1;
	return value / 100 - 4;		/* 600-699: 2 ... 1100-1199: 7 */
}

/*
 * Count one packet in slot @slot of this CPU and, when @kind is not
 * negative, its @value in that histogram. The hooks run in softirq
 * context (forwarded packets) and, at POSTROUTING, in process context with
 * only rcu_read_lock() held, which does not disable preemption under
 * PREEMPT_RCU: get_cpu_ptr() keeps the task on this CPU, and the irqsave
 * form of the update keeps a softirq on the same CPU from nesting inside
 * a 32-bit seqcount writer. On 64-bit each update is one local64 add.
 *
 * af->hist is written once, before the hook that reads it is registered:
 * nf_register_net_hook() publishes the new hook entries, whose .priv
 * leads here, with rcu_assign_pointer() (nf_hook_entries_grow() and
 * __nf_register_net_hook() in net/netfilter/core.c), so a hook that runs
 * sees it; a KUnit suite's family may have none.
 */
static inline void mssclamp_count_value(struct mssclamp_af *af,
					unsigned int slot, int kind, u32 value)
{
	struct mssclamp_pcpu_stats *s = get_cpu_ptr(af->stats);
	struct mssclamp_pcpu_hist __percpu *hist;
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_inc(&s->slot[slot]);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	hist = kind >= 0 ? READ_ONCE(af->hist) : NULL;
	if (hist) {
		struct mssclamp_pcpu_hist *h = this_cpu_ptr(hist);

		flags = u64_stats_update_begin_irqsave(&h->syncp);
		u64_stats_inc(&h->count[kind][mssclamp_hist_bucket(value)]);
		u64_stats_add(&h->sum[kind], value);
		u64_stats_update_end_irqrestore(&h->syncp, flags);
	}
	put_cpu_ptr(af->stats);
}

/* Count one packet in slot @slot of this CPU. */
static inline void mssclamp_count(struct mssclamp_af *af, unsigned int slot)
{
	mssclamp_count_value(af, slot, -1, 0);
}

/* hooks.c */
unsigned int mssclamp_hook_v4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);
unsigned int mssclamp_hook_v6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);

/* netlink.c */
struct netlink_callback;
struct netlink_ext_ack;
int mssclamp_cfg_set(struct net *net, struct mssclamp_net *mn,
		     struct mssclamp_af *af, struct mssclamp_cfg *cfg,
		     struct netlink_ext_ack *extack);
int mssclamp_dump_fill(struct sk_buff *skb, struct netlink_callback *cb,
		       struct mssclamp_net *mn);
#if IS_ENABLED(CONFIG_MSSCLAMP_KUNIT_TEST)
/* The KUnit suites act between two messages of a dump through this. */
extern void (*mssclamp_test_dump_between)(struct mssclamp_net *mn);
#endif
int mssclamp_hist_dump_start(struct netlink_callback *cb,
			     struct mssclamp_net *mn);
int mssclamp_hist_dump_fill(struct sk_buff *skb, struct netlink_callback *cb,
			    struct mssclamp_net *mn);
int mssclamp_hist_done(struct netlink_callback *cb);
int mssclamp_genl_init(void);
void mssclamp_genl_exit(void);

#endif /* MSSCLAMP_H */
