// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: the IPv4 and IPv6 netfilter hooks.
 *
 * The fast path: every packet of the family crossing the hook point comes
 * here, so the common case (not TCP, or TCP without SYN) returns after
 * reading a few header bytes, before the configuration is even looked at.
 * The hooks read the protocol, the fragment offset and the TCP flags byte
 * from the linear part themselves; everything else (SYNs, IPv6 extension
 * headers, a flags byte outside the linear part) is out of line, so the
 * hooks need no stack frame for ordinary segments.
 *
 * A SYN whose TCP header is linear and not shared is rewritten in place in
 * one pass; otherwise the header is checked in a copy and the skb made
 * writable only when the MSS must be lowered.
 *
 * The hooks allocate and lock nothing themselves (skb_ensure_writable(),
 * when a cloned SYN must be unshared, allocates; ip_route_output_key()
 * takes a dst reference). Counters and histograms are per-cpu
 * (mssclamp_count_value()): a line only its own CPU writes, so their
 * increment is never contended; it is one incq on x86_64, an atomic
 * (atomic_long_inc(), through local64_inc()) on arm64, a seqcount and
 * interrupts off on 32-bit (docs/conventions.md). Beyond TCP, only ICMP
 * and ICMPv6 are looked at, for the Packet Too Big messages crossing the
 * box, and only after the protocol byte said so. The verdict is always
 * NF_ACCEPT: the clamp never drops.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/addrconf.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/l3mdev.h>
#include <net/lwtunnel.h>
#include <net/nexthop.h>
#include <net/route.h>
#include <net/tcp.h>

#include "clamp.h"
#include "mssclamp.h"
#define CREATE_TRACE_POINTS
#include "trace.h"

/* Offset of the flags byte in the TCP header. */
#define TCP_FLAGS_OFFSET	13

static __always_inline bool
mssclamp_dev_listed(const struct mssclamp_cfg *cfg,
		    const struct nf_hook_state *state)
{
	int in = state->in ? state->in->ifindex : 0;
	int out = state->out ? state->out->ifindex : 0;
	unsigned int i;

	for (i = 0; i < cfg->ndevs; i++) {
		/* Updated in place: mssclamp_cfg_follow_dev(). */
		int ifindex = READ_ONCE(cfg->ifindex[i]);

		if (ifindex && (ifindex == in || ifindex == out))
			return true;
	}
	return false;
}

/* No MTU from a route: it lowers nothing. */
#define MSSCLAMP_NO_MTU		U32_MAX

/*
 * The exact answer for the shapes the FIB result alone cannot give: a
 * nexthop with exceptions (a learned PMTU lives there, in a hash whose key
 * is private to net/ipv4/route.c; find_exception() and
 * ip_mtu_from_fib_result(), which read it without a dst, are not
 * exported), several paths (fib_select_multipath() hashes the flow) or
 * several default routes (fib_select_default()). The route lookup looks
 * the FIB up again, builds or finds a dst and takes a reference, as
 * ip_route_output_key() does for anyone. A nexthop keeps its exception
 * array from its first learned PMTU or redirect (update_or_create_fnhe())
 * until it is freed (free_nh_exceptions()): on a router that learns path
 * MTUs through a nexthop, a GRE or IPIP tunnel's say (tnl_update_pmtu()),
 * every SYN whose route back uses it comes here for good.
 */
static noinline u32 mssclamp_route_mtu_v4(struct net *net, struct flowi4 *fl4)
{
	struct rtable *rt = ip_route_output_key(net, fl4);
	u32 mtu = MSSCLAMP_NO_MTU;

	if (IS_ERR(rt))
		return mtu;
	if (rt->rt_type == RTN_UNICAST)
		mtu = dst_mtu(&rt->dst);
	ip_rt_put(rt);
	return mtu;
}

/*
 * The VRF a packet came in by, 0 for none: its input device if that is a
 * VRF (vrf_ip_rcv() and vrf_ip6_rcv() make the VRF the packet's device
 * before routing, so FORWARD and POSTROUTING get it as @in), else the
 * device's l3mdev master. No call for a device in none.
 */
static int mssclamp_vrf(const struct net_device *in)
{
	if (netif_is_l3_master(in))
		return in->ifindex;
	return netif_is_l3_slave(in) ? l3mdev_master_ifindex_rcu(in) : 0;
}

/*
 * fib_lookup() (include/net/ip_fib.h, the same in 6.1 and 6.12) without
 * its own rcu_read_lock() and rcu_read_unlock(): a hook runs inside
 * nf_hook()'s, and on a kernel with preemptible RCU each of the pair is a
 * call. Without routing rules the main table and, when it has no route
 * (-EAGAIN), the default one; with rules __fib_lookup(), as fib_lookup()
 * does.
 */
static __always_inline int mssclamp_fib_lookup(struct net *net,
					       struct flowi4 *fl4,
					       struct fib_result *res)
{
#ifdef CONFIG_IP_MULTIPLE_TABLES
	struct fib_table *tb;
	int err = -EAGAIN;

	if (net->ipv4.fib_has_custom_rules)
		return __fib_lookup(net, fl4, res, FIB_LOOKUP_NOREF);
	tb = rcu_dereference(net->ipv4.fib_main);
	if (tb)
		err = fib_table_lookup(tb, fl4, res, FIB_LOOKUP_NOREF);
	if (err != -EAGAIN)
		return err;
	tb = rcu_dereference(net->ipv4.fib_default);
	if (tb)
		err = fib_table_lookup(tb, fl4, res, FIB_LOOKUP_NOREF);
	return err == -EAGAIN ? -ENETUNREACH : err;
#else
	return fib_lookup(net, fl4, res, 0);
#endif
}

/*
 * The MTU of the route from here back to the IPv4 packet's source, as
 * dst_mtu() of the route ip_route_output_key() would give (ipv4_mtu():
 * learned PMTU, else the route's mtu, else the device's, less any
 * lightweight tunnel's headroom), from a FIB lookup under the hook's RCU
 * read side that takes no reference (mssclamp_fib_lookup():
 * FIB_LOOKUP_NOREF).
 * The lookup is an output one (iif loopback, as ip_route_output_key_hash()
 * sets it) in the input device's VRF (its l3mdev master, as
 * __fib_validate_source() looks the source up): it sees the routing rules
 * and the tables the kernel's own route to that address would.
 */
static __always_inline u32 mssclamp_back_mtu_v4(struct net *net,
						const struct sk_buff *skb,
						const struct net_device *in)
{
	struct flowi4 fl4 = {
		.flowi4_iif = LOOPBACK_IFINDEX,
		.flowi4_l3mdev = mssclamp_vrf(in),
		.daddr = ip_hdr(skb)->saddr,
	};
	const struct fib_nh_common *nhc;
	const struct fib_info *fi;
	/*
	 * Read only after a lookup that found a route, which filled every
	 * field read here (fib_table_lookup(), at its label "set_result"):
	 * not zeroed first (CONFIG_INIT_STACK_ALL_ZERO would, on every SYN).
	 */
	struct fib_result res __uninitialized;
	u32 mtu;

	if (mssclamp_fib_lookup(net, &fl4, &res) || res.type != RTN_UNICAST)
		return MSSCLAMP_NO_MTU;
	fi = res.fi;
	nhc = res.nhc;
	if (unlikely(rcu_access_pointer(nhc->nhc_exceptions) ||
		     fib_info_num_path(fi) > 1 ||
		     (!res.prefixlen && res.table->tb_num_default > 1)))
		return mssclamp_route_mtu_v4(net, &fl4);

	/* ip_dst_mtu_maybe_forward(dst, false) on what rt_set_nexthop() sets. */
	mtu = fi->fib_mtu;
	if (!mtu) {
		mtu = READ_ONCE(nhc->nhc_dev->mtu);
		if (unlikely(fi->fib_metrics->metrics[RTAX_LOCK - 1] &
			     (1 << RTAX_MTU)) &&
		    nhc->nhc_gw_family && nhc->nhc_scope == RT_SCOPE_LINK &&
		    mtu > 576)
			mtu = 576;
	}
	mtu = min_t(u32, mtu, IP_MAX_MTU);
	return mtu - lwtunnel_headroom(nhc->nhc_lwtstate, mtu);
}

/*
 * What ip6_mtu_from_fib6() gives for a route through @nh without exception:
 * the device's mtu6 (at least IPV6_MIN_MTU, at most IP6_MAX_MTU) less a
 * lightweight tunnel's headroom.
 */
static __always_inline u32 mssclamp_dev_mtu6(const struct fib6_nh *nh)
{
	const struct inet6_dev *idev = __in6_dev_get(nh->fib_nh_dev);
	u32 mtu = IPV6_MIN_MTU;

	if (idev)
		mtu = max_t(u32, mtu, READ_ONCE(idev->cnf.mtu6));
	mtu = min_t(u32, mtu, IP6_MAX_MTU);
	return mtu - lwtunnel_headroom(nh->fib_nh_lws, mtu);
}

/*
 * The same for IPv6, through ipv6_stub (IPv6 may be a module): a FIB
 * lookup (fib6_table_lookup() or, with routing rules, fib6_lookup(); no
 * reference), the path of a multipath route (fib6_select_path()), and
 * ip6_mtu_from_fib6(), which finds a learned PMTU in the route's
 * exceptions (rt6_find_cached_rt()) and otherwise gives the device's mtu6.
 * A route's own mtu counts in dst_mtu() (ip6_mtu()) even when not locked,
 * and ip6_mtu_from_fib6() reads it only when locked: it is applied here.
 * An exception without an MTU of its own (a redirect's: 0 from
 * ip6_mtu_from_fib6()) is a copy of the route through the same device
 * (ip6_rt_cache_alloc()), whose dst_mtu() ip6_dst_mtu_maybe_forward()
 * takes from that device's mtu6, as ip6_mtu_from_fib6() does for a route
 * without exception: so does this.
 */
static __always_inline u32 mssclamp_back_mtu_v6(struct net *net,
						const struct sk_buff *skb,
						const struct net_device *in)
{
	struct flowi6 fl6 = {
		.flowi6_iif = LOOPBACK_IFINDEX,
		.flowi6_l3mdev = mssclamp_vrf(in),
		.daddr = ipv6_hdr(skb)->saddr,
	};
	struct fib6_result res = {};
	u32 mtu, route;
	int err;

	/*
	 * Without routing rules, fib6_lookup() tries the local table and
	 * then the main one. A forwarded packet's source is not local: the
	 * main table alone, one trie walk instead of two.
	 */
#ifdef CONFIG_IPV6_MULTIPLE_TABLES
	if (net->ipv6.fib6_has_custom_rules)
		err = ipv6_stub->fib6_lookup(net, 0, &fl6, &res, 0);
	else
#endif
		err = ipv6_stub->fib6_table_lookup(net, net->ipv6.fib6_main_tbl,
						   0, &fl6, &res, 0);
	if (err || !res.f6i ||
	    res.f6i == net->ipv6.fib6_null_entry ||
	    res.fib6_type != RTN_UNICAST)
		return MSSCLAMP_NO_MTU;
	/*
	 * fib6_select_path() of a route of one path, without nexthop
	 * object or siblings, only makes the route's own nexthop res.nh
	 * (its label "out", the same in 6.1 and 6.12): done here without
	 * the call.
	 */
	if (likely(!res.f6i->nh && !READ_ONCE(res.f6i->fib6_nsiblings)))
		res.nh = res.f6i->fib6_nh;
	else
		ipv6_stub->fib6_select_path(net, &res, &fl6, 0, false, NULL, 0);
	if (!res.nh)
		return MSSCLAMP_NO_MTU;
	/*
	 * Nor is ip6_mtu_from_fib6() called where its answer is the
	 * device's mtu6 (mssclamp_dev_mtu6()): for a route whose mtu is not
	 * locked (fib6_metric_locked()) through a nexthop without an
	 * exception bucket, where rt6_find_cached_rt() finds nothing.
	 */
	if (likely(!rcu_access_pointer(res.nh->rt6i_exception_bucket) &&
		   !fib6_metric_locked(res.f6i, RTAX_MTU)))
		mtu = mssclamp_dev_mtu6(res.nh);
	else
		mtu = ipv6_stub->ip6_mtu_from_fib6(&res, &fl6.daddr,
						   &fl6.saddr);
	if (unlikely(!mtu))
		mtu = mssclamp_dev_mtu6(res.nh);
	route = res.f6i->fib6_pmtu;
	if (route) {
		route -= lwtunnel_headroom(res.nh->fib_nh_lws, route);
		mtu = min(mtu, route);
	}
	return mtu;
}

/*
 * Whether a packet whose input device is a VRF is the router's own, sent
 * from a socket in that VRF rather than received by it: vrf_ip_out_direct()
 * and vrf_ip6_out_direct() (and vrf_xmit() on the way through a VRF with a
 * qdisc) leave the VRF as the skb's device, and ip_output() and
 * ip6_output() pass that device to POSTROUTING as @in. A packet received
 * through the VRF carries IPSKB_L3SLAVE or IP6SKB_L3SLAVE (vrf_ip_rcv(),
 * vrf_ip6_rcv(); read by ipv4_l3mdev_skb() and ipv6_l3mdev_skb()); the
 * router's own do not: a SYN-ACK is a new skb (tcp_make_synack(): its
 * control block zeroed by __alloc_skb()), __tcp_transmit_skb() clears the
 * control block of the other segments, and vrf_process_v4_outbound() and
 * vrf_process_v6_outbound() clear it again.
 */
static __always_inline bool mssclamp_vrf_own(const struct sk_buff *skb,
					     const struct net_device *in,
					     bool v6)
{
	if (!netif_is_l3_master(in))
		return false;
	if (!v6)
		return !ipv4_l3mdev_skb(IPCB(skb)->flags);
	return !ipv6_l3mdev_skb(IP6CB(skb)->flags);
}

/*
 * The ceiling lowered to what the route the packet leaves by and the route
 * back towards its source allow, not below the floor. The router's own
 * packets (no input device, or a VRF as input device: mssclamp_vrf_own())
 * have a local source: the route back to it is the loopback's and says
 * nothing of any path, so only the route out counts for them.
 */
static __always_inline u16
mssclamp_pmtu_ceiling(const struct sk_buff *skb, const struct mssclamp_cfg *cfg,
		      const struct nf_hook_state *state, bool v6)
{
	const struct dst_entry *dst = skb_dst(skb);
	const struct net_device *in = state->in;
	u32 mtu = MSSCLAMP_NO_MTU;

	if (in && !mssclamp_vrf_own(skb, in, v6))
		mtu = v6 ? mssclamp_back_mtu_v6(state->net, skb, in) :
			   mssclamp_back_mtu_v4(state->net, skb, in);
	if (dst)
		mtu = min(mtu, dst_mtu(dst));
	if (mtu == MSSCLAMP_NO_MTU)
		return cfg->mss;
	if (mtu < cfg->hdrs + cfg->floor)
		return cfg->floor;
	return min_t(u32, cfg->mss, mtu - cfg->hdrs);
}

/*
 * One function per family, each with its route lookup inline: a SYN whose
 * MSS is above the floor makes one call for its ceiling, and its caller
 * keeps what the scan found in registers across it.
 */
static noinline u16 mssclamp_pmtu_ceiling_v4(const struct sk_buff *skb,
					     const struct mssclamp_cfg *cfg,
					     const struct nf_hook_state *state)
{
	return mssclamp_pmtu_ceiling(skb, cfg, state, false);
}

static noinline u16 mssclamp_pmtu_ceiling_v6(const struct sk_buff *skb,
					     const struct mssclamp_cfg *cfg,
					     const struct nf_hook_state *state)
{
	return mssclamp_pmtu_ceiling(skb, cfg, state, true);
}

static bool mssclamp_is_syn(u8 flags)
{
	return (flags & (TCPHDR_SYN | TCPHDR_RST)) == TCPHDR_SYN;
}

/* The counter slot of what came of one SYN or SYN-ACK. */
static unsigned int mssclamp_slot(enum mssclamp_verdict v, bool synack)
{
	switch (v) {
	case MSSCLAMP_CLAMPED:
		return MSSCLAMP_SLOT(MSSCLAMP_OUT_CLAMPED, synack);
	case MSSCLAMP_UNCHANGED:
		return MSSCLAMP_SLOT(MSSCLAMP_OUT_UNCHANGED, synack);
	case MSSCLAMP_NO_MSS:
		return MSSCLAMP_SLOT(MSSCLAMP_OUT_NO_MSS, synack);
	default:
		return MSSCLAMP_SLOT(MSSCLAMP_OUT_MALFORMED, synack);
	}
}

/*
 * Count what came of one SYN or SYN-ACK and, when it carried a valid MSS
 * option, the MSS it advertised before any clamping.
 */
static __always_inline void
mssclamp_count_syn(struct mssclamp_af *af, enum mssclamp_verdict v,
		   const struct mssclamp_result *res, bool synack)
{
	int kind = synack ? MSSCLAMP_HIST_SYNACK : MSSCLAMP_HIST_SYN;

	if (v != MSSCLAMP_CLAMPED && v != MSSCLAMP_UNCHANGED)
		kind = -1;
	mssclamp_count_value(af, mssclamp_slot(v, synack), kind, res->old_mss);
}

/*
 * The TCP header at @thoff, and its length in @hlen, when all of it is in
 * the linear part and may be written there as it is: when
 * skb_ensure_writable() would have nothing to do. NULL otherwise.
 */
static __always_inline u8 *
mssclamp_tcphdr_in_place(struct sk_buff *skb, unsigned int thoff,
			 unsigned int *hlen)
{
	unsigned int end;

	if (skb_headlen(skb) < thoff + MSSCLAMP_TCPHDR_LEN)
		return NULL;
	*hlen = mssclamp_data_offset(skb->data + thoff);
	end = thoff + *hlen;
	if (*hlen < MSSCLAMP_TCPHDR_LEN || skb_headlen(skb) < end)
		return NULL;
	if (skb_cloned(skb) && !skb_clone_writable(skb, end))
		return NULL;
	return skb->data + thoff;
}

/*
 * With pmtu on, the verdict of mssclamp_scan() against the floor, when it
 * was MSSCLAMP_CLAMPED, made the verdict against the path's ceiling, which
 * is looked up only now: only for an MSS above the floor, the only one the
 * ceiling (never below the floor) can lower. The MSS to leave in place
 * goes to @res->new_mss.
 */
static __always_inline enum mssclamp_verdict
mssclamp_pmtu_verdict(const struct sk_buff *skb,
		      const struct mssclamp_cfg *cfg,
		      const struct nf_hook_state *state,
		      struct mssclamp_result *res)
{
	u16 ceiling = state->pf == NFPROTO_IPV4 ?
		      mssclamp_pmtu_ceiling_v4(skb, cfg, state) :
		      mssclamp_pmtu_ceiling_v6(skb, cfg, state);

	if (res->old_mss <= ceiling) {
		res->new_mss = res->old_mss;
		return MSSCLAMP_UNCHANGED;
	}
	res->new_mss = ceiling;
	return MSSCLAMP_CLAMPED;
}

/*
 * The tracepoint (trace.h), fired from here only, out of line: reached
 * when the event is enabled in some tracing instance or by perf or BPF
 * (mssclamp_syn(), mssclamp_traced()). @outcome is the verdict or MSSCLAMP_TRACE_ERROR,
 * @old and @new the MSS found and the one the verdict left, as in struct
 * mssclamp_result. What the hook had at hand but need not keep for this
 * is found again here: the configuration, and the TCP header's offset
 * (after the IPv4 header and its options, or after the IPv6 extension
 * headers, as the hooks found it). The ceiling of a clamped segment, or
 * of one that could not be written, is the MSS it was lowered to;
 * otherwise it is the fixed one or, with pmtu on, what the routes give now
 * (mssclamp_pmtu_ceiling_v4() or _v6(), looked up again for the event: the
 * hook itself looks them up only for an MSS above the floor).
 */
static noinline void mssclamp_trace_syn(struct mssclamp_af *af,
					const struct sk_buff *skb,
					const struct nf_hook_state *state,
					bool synack, unsigned int outcome,
					u16 old, u16 new)
{
	const struct mssclamp_cfg *cfg = rcu_dereference(af->cfg);
	int thoff = skb_network_offset(skb);
	u16 ceiling = cfg->mss;
	u16 out = new;

	BUILD_BUG_ON(MSSCLAMP_NO_MSS != 0 || MSSCLAMP_UNCHANGED != 1 ||
		     MSSCLAMP_CLAMPED != 2 || MSSCLAMP_MALFORMED != 3);
	if (state->pf == NFPROTO_IPV4) {
		thoff += ip_hdrlen(skb);
	} else {
		__be16 frag_off;
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;

		thoff = ipv6_skip_exthdr(skb, thoff + sizeof(struct ipv6hdr),
					 &nexthdr, &frag_off);
		if (thoff < 0)
			return;
	}
	if (outcome == MSSCLAMP_CLAMPED || outcome == MSSCLAMP_TRACE_ERROR)
		ceiling = new;
	else if (cfg->pmtu)
		ceiling = state->pf == NFPROTO_IPV4 ?
			  mssclamp_pmtu_ceiling_v4(skb, cfg, state) :
			  mssclamp_pmtu_ceiling_v6(skb, cfg, state);
	if (outcome == MSSCLAMP_NO_MSS || outcome == MSSCLAMP_MALFORMED) {
		old = 0;
		out = 0;
	} else if (outcome == MSSCLAMP_TRACE_ERROR) {
		out = old;
	}
	trace_mssclamp_syn(skb, state, thoff, synack, outcome, old, ceiling,
			   out);
}

/*
 * Where a SYN's or SYN-ACK's fate is counted: fire the event when the SYN
 * path is the traced one (mssclamp_syn()). @traced is a constant in each
 * copy of the path, so the untraced one has no trace of this.
 */
static __always_inline void mssclamp_traced(struct mssclamp_af *af,
					    const struct sk_buff *skb,
					    const struct nf_hook_state *state,
					    bool synack, unsigned int outcome,
					    const struct mssclamp_result *res,
					    bool traced)
{
	if (traced)
		mssclamp_trace_syn(af, skb, state, synack, outcome,
				   res->old_mss, res->new_mss);
}

/*
 * The TCP header is not all in the linear part, or is shared with a clone:
 * check it in a copy, and unshare the skb only when there is an MSS to
 * lower (a SYN within the ceiling is never copied). With pmtu on, the
 * copy is scanned against the floor first, as in mssclamp_syn().
 */
static noinline void mssclamp_clamp_copy(struct mssclamp_af *af,
					 struct sk_buff *skb,
					 const struct nf_hook_state *state,
					 const struct mssclamp_cfg *cfg,
					 unsigned int thoff, bool synack,
					 bool traced)
{
	enum mssclamp_verdict v = MSSCLAMP_MALFORMED;
	u16 ceiling = cfg->pmtu ? cfg->floor : cfg->mss;
	struct mssclamp_result res = {};
	u8 buf[MSSCLAMP_TCPHDR_MAX];
	unsigned int hlen;
	const u8 *th;

	th = skb_header_pointer(skb, thoff, MSSCLAMP_TCPHDR_LEN, buf);
	if (!th)
		goto out;
	hlen = mssclamp_data_offset(th);
	if (hlen < MSSCLAMP_TCPHDR_LEN || hlen > skb->len - thoff)
		goto out;
	th = skb_header_pointer(skb, thoff, hlen, buf);
	if (!th)
		goto out;
	v = mssclamp_scan(th, hlen, ceiling, &res);
	if (cfg->pmtu && v == MSSCLAMP_CLAMPED) {
		v = mssclamp_pmtu_verdict(skb, cfg, state, &res);
		ceiling = res.new_mss;
	}
	if (v != MSSCLAMP_CLAMPED)
		goto out;

	/* Unshare and pull only as far as the end of the TCP header. */
	if (skb_ensure_writable(skb, thoff + hlen)) {
		/* Not clamped, but the MSS was read: it goes in the histogram. */
		mssclamp_count_value(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_ERRORS, synack),
				     synack ? MSSCLAMP_HIST_SYNACK : MSSCLAMP_HIST_SYN,
				     res.old_mss);
		mssclamp_traced(af, skb, state, synack, MSSCLAMP_TRACE_ERROR,
				&res, traced);
		return;
	}
	v = mssclamp_rewrite(skb->data + thoff, hlen, ceiling,
			     skb->ip_summed != CHECKSUM_PARTIAL, &res);
out:
	mssclamp_count_syn(af, v, &res, synack);
	mssclamp_traced(af, skb, state, synack, v, &res, traced);
}

/*
 * A SYN or SYN-ACK without RST, its TCP header at @thoff, its flags
 * @flags: clamp it if the configuration asks for it. With @traced, also
 * fire the tracepoint where the verdict is counted (mssclamp_syn()).
 */
static __always_inline unsigned int
__mssclamp_syn(struct mssclamp_af *af, struct sk_buff *skb,
	       const struct nf_hook_state *state, unsigned int thoff, u8 flags,
	       bool traced)
{
	bool synack = flags & TCPHDR_ACK;
	const struct mssclamp_cfg *cfg;
	struct mssclamp_result res;
	enum mssclamp_verdict v;
	unsigned int hlen;
	u8 *th;

	cfg = rcu_dereference(af->cfg);
	/*
	 * A hook outlives its family's disabling by a moment (the new
	 * configuration is published before it is unregistered).
	 */
	if (!cfg->enabled || (synack ? !cfg->synack : !cfg->syn))
		return NF_ACCEPT;
	/*
	 * The router's own packet on its way into a VRF device
	 * (vrf_output_direct(), vrf_output6_direct(), or vrf_output() and
	 * vrf_output6() through a VRF with a qdisc): the kernel hands it to
	 * POSTROUTING again from ip_output() or ip6_output(), with the
	 * device it leaves by as @out and the VRF as @in
	 * (mssclamp_vrf_own()). It is judged there, once. Only a packet
	 * for one of the router's own addresses, which vrf_local_xmit()
	 * delivers back, never comes again: it leaves by no link.
	 */
	if (!state->in && state->out && netif_is_l3_master(state->out))
		return NF_ACCEPT;
	if (cfg->ndevs && !mssclamp_dev_listed(cfg, state))
		return NF_ACCEPT;

	th = mssclamp_tcphdr_in_place(skb, thoff, &hlen);
	if (unlikely(!th)) {
		mssclamp_clamp_copy(af, skb, state, cfg, thoff, synack,
				    traced);
		return NF_ACCEPT;
	}
	/*
	 * The common case: one pass over the options, writing in place,
	 * without a copy of the header. With pmtu on, the options are
	 * scanned first, against the floor: the routes are looked up only
	 * for an MSS above it (mssclamp_pmtu_verdict()), and the MSS the
	 * scan found is then written without a second pass.
	 */
	v = mssclamp_scan(th, hlen, cfg->pmtu ? cfg->floor : cfg->mss, &res);
	if (v == MSSCLAMP_CLAMPED) {
		if (unlikely(cfg->pmtu)) {
			v = mssclamp_pmtu_verdict(skb, cfg, state, &res);
			/*
			 * The counter slot and histogram derived from
			 * @synack after the call: not computed before it
			 * and kept on the stack across it.
			 */
			OPTIMIZER_HIDE_VAR(synack);
		}
		if (v == MSSCLAMP_CLAMPED)
			mssclamp_write_mss(th, res.offset, res.old_mss,
					   res.new_mss,
					   skb->ip_summed != CHECKSUM_PARTIAL);
	}
	mssclamp_count_syn(af, v, &res, synack);
	mssclamp_traced(af, skb, state, synack, v, &res, traced);
	return NF_ACCEPT;
}

/* The SYN path while the tracepoint is enabled somewhere. */
static noinline unsigned int mssclamp_syn_traced(struct mssclamp_af *af,
						 struct sk_buff *skb,
						 const struct nf_hook_state *state,
						 unsigned int thoff, u8 flags)
{
	return __mssclamp_syn(af, skb, state, thoff, flags, true);
}

/*
 * The SYN path: out of line, so that the hooks pay for none of this on
 * other segments. While the tracepoint is enabled nowhere,
 * trace_mssclamp_syn_enabled() is its static key, a no-op instruction on
 * entry (static_key_false()) that the kernel patches into a jump when the
 * event's first user enables it; the path then taken is a copy of this one
 * that fires the event where each verdict is counted. So the untraced path
 * keeps nothing alive for the event and spends one instruction on it.
 */
static noinline unsigned int mssclamp_syn(struct mssclamp_af *af,
					  struct sk_buff *skb,
					  const struct nf_hook_state *state,
					  unsigned int thoff, u8 flags)
{
	if (trace_mssclamp_syn_enabled())
		return mssclamp_syn_traced(af, skb, state, thoff, flags);
	return __mssclamp_syn(af, skb, state, thoff, flags, false);
}

/* A TCP fragment after the first, skipped: counted out of line. */
static noinline void mssclamp_fragment(struct mssclamp_af *af)
{
	mssclamp_count(af, MSSCLAMP_SLOT_FRAGMENTS);
}

/* The flags byte is not in the linear part: a rare shape of skb. */
static noinline unsigned int mssclamp_tcp_nonlinear(struct mssclamp_af *af,
						    struct sk_buff *skb,
						    const struct nf_hook_state *state,
						    unsigned int thoff)
{
	u8 flags;

	if (skb_copy_bits(skb, thoff + TCP_FLAGS_OFFSET, &flags, 1))
		return NF_ACCEPT;	/* too short to be a SYN */
	if (!mssclamp_is_syn(flags))
		return NF_ACCEPT;
	return mssclamp_syn(af, skb, state, thoff, flags);
}

/*
 * A TCP segment whose header starts at @th, which may lie beyond the
 * linear part. Every segment but a SYN or SYN-ACK leaves after one byte is
 * read, without a stack frame: the rest is out of line. The bound is the
 * linear part's end (skb_tail_pointer()): fewer loads than skb_headlen(),
 * and the header's offset is computed only for a SYN.
 */
static __always_inline unsigned int mssclamp_tcp(struct mssclamp_af *af,
						 struct sk_buff *skb,
						 const struct nf_hook_state *state,
						 const u8 *th)
{
	u8 flags;

	if (unlikely(th + TCP_FLAGS_OFFSET >= skb_tail_pointer(skb)))
		return mssclamp_tcp_nonlinear(af, skb, state, th - skb->data);
	flags = th[TCP_FLAGS_OFFSET];
	/* SYN first: one test, and what carries data leaves. */
	if (likely(!(flags & TCPHDR_SYN)) || unlikely(flags & TCPHDR_RST))
		return NF_ACCEPT;
	return mssclamp_syn(af, skb, state, th - skb->data, flags);
}

/*
 * An ICMP message: count a "fragmentation needed" and the next-hop MTU it
 * reports. Only the first fragment carries the ICMP header.
 */
static noinline unsigned int mssclamp_icmp_v4(struct mssclamp_af *af,
					      struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct icmphdr buf;
	const struct icmphdr *ih;

	if (iph->frag_off & htons(IP_OFFSET))
		return NF_ACCEPT;
	ih = skb_header_pointer(skb, skb_network_offset(skb) + ip_hdrlen(skb),
				sizeof(buf), &buf);
	if (ih && ih->type == ICMP_DEST_UNREACH && ih->code == ICMP_FRAG_NEEDED)
		mssclamp_count_value(af, MSSCLAMP_SLOT_PTB, MSSCLAMP_HIST_PTB,
				     ntohs(ih->un.frag.mtu));
	return NF_ACCEPT;
}

/* An ICMPv6 message at @off: count a Packet Too Big and its MTU. */
static void mssclamp_icmp_v6(struct mssclamp_af *af, struct sk_buff *skb,
			     int off)
{
	struct icmp6hdr buf;
	const struct icmp6hdr *ih;

	ih = skb_header_pointer(skb, off, sizeof(buf), &buf);
	if (ih && ih->icmp6_type == ICMPV6_PKT_TOOBIG)
		mssclamp_count_value(af, MSSCLAMP_SLOT_PTB, MSSCLAMP_HIST_PTB,
				     ntohl(ih->icmp6_mtu));
}

unsigned int mssclamp_hook_v4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct mssclamp_af *af = priv;
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_TCP) {
		if (unlikely(iph->protocol == IPPROTO_ICMP))
			return mssclamp_icmp_v4(af, skb);
		return NF_ACCEPT;
	}
	if (unlikely(iph->frag_off & htons(IP_OFFSET))) {
		mssclamp_fragment(af);
		return NF_ACCEPT;
	}
	return mssclamp_tcp(af, skb, state, (const u8 *)iph + iph->ihl * 4);
}

/*
 * Extension headers before the transport header: walked out of line, so
 * that the IPv6 hook needs no stack frame when the next header is TCP.
 */
static noinline unsigned int mssclamp_v6_exthdr(struct mssclamp_af *af,
						struct sk_buff *skb,
						const struct nf_hook_state *state,
						int thoff, u8 nexthdr)
{
	__be16 frag_off = 0;

	if (nexthdr == IPPROTO_ICMPV6) {
		mssclamp_icmp_v6(af, skb, thoff);
		return NF_ACCEPT;
	}
	if (!ipv6_ext_hdr(nexthdr))
		return NF_ACCEPT;

	thoff = ipv6_skip_exthdr(skb, thoff, &nexthdr, &frag_off);
	if (thoff < 0)
		return NF_ACCEPT;
	if (unlikely(frag_off & htons(IP6_OFFSET))) {
		/*
		 * The walk stops at a non-first fragment's header: the
		 * protocol is that header's next header.
		 */
		u8 proto;

		if (!skb_copy_bits(skb, thoff, &proto, 1) &&
		    proto == IPPROTO_TCP)
			mssclamp_fragment(af);
		return NF_ACCEPT;
	}
	if (nexthdr == IPPROTO_ICMPV6) {
		mssclamp_icmp_v6(af, skb, thoff);
		return NF_ACCEPT;
	}
	if (nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	return mssclamp_tcp(af, skb, state, skb->data + thoff);
}

unsigned int mssclamp_hook_v6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct mssclamp_af *af = priv;
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);

	if (likely(ip6h->nexthdr == IPPROTO_TCP))
		return mssclamp_tcp(af, skb, state, (const u8 *)(ip6h + 1));
	return mssclamp_v6_exthdr(af, skb, state,
				  skb_network_offset(skb) + sizeof(*ip6h),
				  ip6h->nexthdr);
}
