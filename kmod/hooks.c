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
 * Nothing is allocated, locked or counted with atomics; counters are
 * per-cpu, one increment per packet (mssclamp_count()). The verdict is
 * always NF_ACCEPT: the clamp never drops.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "clamp.h"
#include "mssclamp.h"

/* Offset of the flags byte in the TCP header. */
#define TCP_FLAGS_OFFSET	13

static bool mssclamp_dev_listed(const struct mssclamp_cfg *cfg,
				const struct nf_hook_state *state)
{
	int in = state->in ? state->in->ifindex : 0;
	int out = state->out ? state->out->ifindex : 0;
	unsigned int i;

	for (i = 0; i < cfg->ndevs; i++) {
		int ifindex = cfg->ifindex[i];

		if (ifindex && (ifindex == in || ifindex == out))
			return true;
	}
	return false;
}

/* The ceiling lowered to what the packet's route allows, not below floor. */
static u16 mssclamp_pmtu_ceiling(const struct sk_buff *skb,
				 const struct mssclamp_cfg *cfg)
{
	const struct dst_entry *dst = skb_dst(skb);
	u32 mtu;

	if (!dst)
		return cfg->mss;
	mtu = dst_mtu(dst);
	if (mtu < cfg->hdrs + cfg->floor)
		return cfg->floor;
	return min_t(u32, cfg->mss, mtu - cfg->hdrs);
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
 * The TCP header at @thoff, and its length in @hlen, when all of it is in
 * the linear part and may be written there as it is: when
 * skb_ensure_writable() would have nothing to do. NULL otherwise.
 */
static u8 *mssclamp_tcphdr_in_place(struct sk_buff *skb, unsigned int thoff,
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
 * The TCP header is not all in the linear part, or is shared with a clone:
 * check it in a copy, and unshare the skb only when there is an MSS to
 * lower (a SYN within the ceiling is never copied).
 */
static noinline void mssclamp_clamp_copy(struct mssclamp_af *af,
					 struct sk_buff *skb,
					 unsigned int thoff, u16 ceiling,
					 bool synack)
{
	enum mssclamp_verdict v = MSSCLAMP_MALFORMED;
	struct mssclamp_result res;
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
	if (v != MSSCLAMP_CLAMPED)
		goto out;

	/* Unshare and pull only as far as the end of the TCP header. */
	if (skb_ensure_writable(skb, thoff + hlen)) {
		mssclamp_count(af, MSSCLAMP_SLOT(MSSCLAMP_OUT_ERRORS, synack));
		return;
	}
	v = mssclamp_rewrite(skb->data + thoff, hlen, ceiling,
			     skb->ip_summed != CHECKSUM_PARTIAL, &res);
out:
	mssclamp_count(af, mssclamp_slot(v, synack));
}

/*
 * A SYN or SYN-ACK without RST, its TCP header at @thoff, its flags
 * @flags: clamp it if the configuration asks for it. Out of line, so that
 * the hooks pay for none of this on other segments.
 */
static noinline unsigned int mssclamp_syn(struct mssclamp_af *af,
					  struct sk_buff *skb,
					  const struct nf_hook_state *state,
					  unsigned int thoff, u8 flags)
{
	bool synack = flags & TCPHDR_ACK;
	const struct mssclamp_cfg *cfg;
	struct mssclamp_result res;
	unsigned int hlen;
	u16 ceiling;
	u8 *th;

	cfg = rcu_dereference(af->cfg);
	/*
	 * A hook outlives its family's disabling by a moment (the new
	 * configuration is published before it is unregistered).
	 */
	if (!cfg->enabled || (synack ? !cfg->synack : !cfg->syn))
		return NF_ACCEPT;
	if (cfg->ndevs && !mssclamp_dev_listed(cfg, state))
		return NF_ACCEPT;

	ceiling = cfg->pmtu ? mssclamp_pmtu_ceiling(skb, cfg) : cfg->mss;

	/*
	 * The common case: one pass over the options, writing in place,
	 * without a copy of the header.
	 */
	th = mssclamp_tcphdr_in_place(skb, thoff, &hlen);
	if (likely(th))
		mssclamp_count(af,
			       mssclamp_slot(mssclamp_rewrite(th, hlen, ceiling,
							      skb->ip_summed != CHECKSUM_PARTIAL,
							      &res),
					     synack));
	else
		mssclamp_clamp_copy(af, skb, thoff, ceiling, synack);
	return NF_ACCEPT;
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
 * A TCP segment whose header starts at @thoff. Every segment but a SYN or
 * SYN-ACK leaves after one byte is read, without a stack frame: the rest
 * is out of line.
 */
static __always_inline unsigned int mssclamp_tcp(struct mssclamp_af *af,
						 struct sk_buff *skb,
						 const struct nf_hook_state *state,
						 unsigned int thoff)
{
	u8 flags;

	if (unlikely(skb_headlen(skb) <= thoff + TCP_FLAGS_OFFSET))
		return mssclamp_tcp_nonlinear(af, skb, state, thoff);
	flags = skb->data[thoff + TCP_FLAGS_OFFSET];
	if (likely(!mssclamp_is_syn(flags)))
		return NF_ACCEPT;
	return mssclamp_syn(af, skb, state, thoff, flags);
}

unsigned int mssclamp_hook_v4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct mssclamp_af *af = priv;
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	if (unlikely(iph->frag_off & htons(IP_OFFSET))) {
		mssclamp_fragment(af);
		return NF_ACCEPT;
	}
	return mssclamp_tcp(af, skb, state,
			    skb_network_offset(skb) + ip_hdrlen(skb));
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
	if (nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	return mssclamp_tcp(af, skb, state, thoff);
}

unsigned int mssclamp_hook_v6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct mssclamp_af *af = priv;
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int thoff = skb_network_offset(skb) + sizeof(struct ipv6hdr);

	if (likely(nexthdr == IPPROTO_TCP))
		return mssclamp_tcp(af, skb, state, thoff);
	return mssclamp_v6_exthdr(af, skb, state, thoff, nexthdr);
}
