// SPDX-License-Identifier: GPL-2.0
/*
 * mssclamp: the IPv4 and IPv6 netfilter hooks.
 *
 * The fast path: every packet of the family crossing the hook point comes
 * here, so the common case (not TCP, or TCP without SYN) returns after
 * reading a few header bytes, before the configuration is even looked at.
 * Nothing is allocated, locked or counted with atomics; counters are
 * per-cpu. The verdict is always NF_ACCEPT: the clamp never drops.
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

/*
 * A TCP segment whose header starts at @thoff. Clamp it if it is a SYN or
 * SYN-ACK the configuration asks for.
 */
static unsigned int mssclamp_tcp(struct mssclamp_af *af, struct sk_buff *skb,
				 const struct nf_hook_state *state,
				 unsigned int thoff)
{
	struct mssclamp_stats __percpu *stats = af->stats;
	const struct mssclamp_cfg *cfg;
	struct mssclamp_result res;
	u8 buf[MSSCLAMP_TCPHDR_MAX];
	enum mssclamp_verdict v;
	unsigned int hlen;
	const u8 *th;
	bool synack;
	u16 ceiling;
	u8 flags;

	if (likely(skb_headlen(skb) > thoff + TCP_FLAGS_OFFSET))
		flags = skb->data[thoff + TCP_FLAGS_OFFSET];
	else if (skb_copy_bits(skb, thoff + TCP_FLAGS_OFFSET, &flags, 1))
		return NF_ACCEPT;	/* too short to be a SYN */
	if ((flags & (TCPHDR_SYN | TCPHDR_RST)) != TCPHDR_SYN)
		return NF_ACCEPT;
	synack = flags & TCPHDR_ACK;

	cfg = rcu_dereference(af->cfg);
	if (synack ? !cfg->synack : !cfg->syn)
		return NF_ACCEPT;
	if (cfg->ndevs && !mssclamp_dev_listed(cfg, state))
		return NF_ACCEPT;

	if (synack)
		this_cpu_inc(stats->synack);
	else
		this_cpu_inc(stats->syn);

	th = skb_header_pointer(skb, thoff, MSSCLAMP_TCPHDR_LEN, buf);
	if (!th)
		goto malformed;
	hlen = mssclamp_data_offset(th);
	if (hlen < MSSCLAMP_TCPHDR_LEN || hlen > skb->len - thoff)
		goto malformed;
	th = skb_header_pointer(skb, thoff, hlen, buf);
	if (!th)
		goto malformed;

	ceiling = cfg->pmtu ? mssclamp_pmtu_ceiling(skb, cfg) : cfg->mss;
	v = mssclamp_scan(th, hlen, ceiling, &res);
	switch (v) {
	case MSSCLAMP_CLAMPED:
		break;
	case MSSCLAMP_UNCHANGED:
		this_cpu_inc(stats->unchanged);
		return NF_ACCEPT;
	case MSSCLAMP_NO_MSS:
		this_cpu_inc(stats->no_mss);
		return NF_ACCEPT;
	default:
		goto malformed;
	}

	/* Unshare and pull only as far as the end of the TCP header. */
	if (skb_ensure_writable(skb, thoff + hlen)) {
		this_cpu_inc(stats->errors);
		return NF_ACCEPT;
	}
	mssclamp_rewrite(skb->data + thoff, hlen, ceiling,
			 skb->ip_summed != CHECKSUM_PARTIAL, &res);
	if (synack)
		this_cpu_inc(stats->clamped_synack);
	else
		this_cpu_inc(stats->clamped_syn);
	return NF_ACCEPT;

malformed:
	this_cpu_inc(stats->malformed);
	return NF_ACCEPT;
}

unsigned int mssclamp_hook_v4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct mssclamp_af *af = priv;
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	if (unlikely(iph->frag_off & htons(IP_OFFSET))) {
		this_cpu_inc(af->stats->fragments);
		return NF_ACCEPT;
	}
	return mssclamp_tcp(af, skb, state,
			    skb_network_offset(skb) + ip_hdrlen(skb));
}

unsigned int mssclamp_hook_v6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct mssclamp_af *af = priv;
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int thoff = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	__be16 frag_off = 0;

	if (likely(nexthdr == IPPROTO_TCP))
		return mssclamp_tcp(af, skb, state, thoff);
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
			this_cpu_inc(af->stats->fragments);
		return NF_ACCEPT;
	}
	if (nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	return mssclamp_tcp(af, skb, state, thoff);
}
