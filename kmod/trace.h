/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclamp's tracepoint: mssclamp:mssclamp_syn, one event for every SYN and
 * SYN-ACK the hook inspects (counted in `syn` or `synack`), with what came
 * of it. Defined with the kernel's TRACE_EVENT() machinery, so tracefs
 * (events/mssclamp/mssclamp_syn: enable, filter, format), perf and bpftrace
 * read it as they read the kernel's own; `mssclampctl trace` reads it from a
 * tracefs instance of its own.
 *
 * Fields (their layout is the event's "format" file):
 *   netns      the network namespace's inode number (stat -L -c %i
 *              /run/netns/NAME, ip netns identify)
 *   family     2 (AF_INET, "ipv4") or 10 (AF_INET6, "ipv6")
 *   direction  0 "syn", 1 "synack"
 *   saddr, daddr  the addresses, 16 bytes, network order; IPv4 ones in
 *              their IPv4-mapped form (::ffff:a.b.c.d), as the kernel's
 *              tcp events store them (bpftrace: ntop(args.saddr))
 *   src, dst   the same as text, NUL-terminated: dotted quad for IPv4,
 *              the compressed form of %pI6c for IPv6, so that an event
 *              filter can compare them (src == "2001:db8:7::5")
 *   sport, dport  the ports, host order
 *   iif, oif   input and output interface index, 0 for none
 *   mss        the MSS the segment advertised, 0 without a valid one
 *   ceiling    the ceiling that applied to it (with pmtu on, the one the
 *              routes give)
 *   outcome    0 "no_mss", 1 "unchanged", 2 "clamped", 3 "malformed",
 *              4 "error": the counter it went to
 *   mss_out    the MSS it left with, 0 without a valid one
 *
 * The event is fired from one place, mssclamp_trace_syn() in hooks.c,
 * reached only when the event is enabled somewhere
 * (trace_mssclamp_syn_enabled(), the tracepoint's static key).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mssclamp

#if !defined(MSSCLAMP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MSSCLAMP_TRACE_H

#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/tracepoint.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#ifndef MSSCLAMP_TRACE_OUTCOMES
#define MSSCLAMP_TRACE_OUTCOMES
/* The verdicts of enum mssclamp_verdict (clamp.h), and one more. */
#define MSSCLAMP_TRACE_ERROR	4	/* to clamp, but could not write */

/*
 * The tuple of one packet: its family (AF_INET or AF_INET6), addresses
 * binary (v4-mapped for IPv4) and as text, and the ports of the TCP header
 * at @thoff (0 if it is too short for them).
 */
static inline u8 mssclamp_trace_tuple(const struct sk_buff *skb,
				      const struct nf_hook_state *state,
				      unsigned int thoff, u8 *saddr, u8 *daddr,
				      char *src, char *dst, size_t textlen,
				      u16 *sport, u16 *dport)
{
	const __be16 *ports;
	__be16 pbuf[2];

	ports = skb_header_pointer(skb, thoff, sizeof(pbuf), pbuf);
	*sport = ports ? ntohs(ports[0]) : 0;
	*dport = ports ? ntohs(ports[1]) : 0;
	if (state->pf == NFPROTO_IPV6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		memcpy(saddr, &ip6h->saddr, sizeof(struct in6_addr));
		memcpy(daddr, &ip6h->daddr, sizeof(struct in6_addr));
		snprintf(src, textlen, "%pI6c", &ip6h->saddr);
		snprintf(dst, textlen, "%pI6c", &ip6h->daddr);
		return AF_INET6;
	}
	ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, (struct in6_addr *)saddr);
	ipv6_addr_set_v4mapped(ip_hdr(skb)->daddr, (struct in6_addr *)daddr);
	snprintf(src, textlen, "%pI4", &ip_hdr(skb)->saddr);
	snprintf(dst, textlen, "%pI4", &ip_hdr(skb)->daddr);
	return AF_INET;
}
#endif

TRACE_EVENT(mssclamp_syn,
	    TP_PROTO(const struct sk_buff *skb,
		     const struct nf_hook_state *state, unsigned int thoff,
		     bool synack, unsigned int outcome, u16 mss, u16 ceiling,
		     u16 mss_out),
	    TP_ARGS(skb, state, thoff, synack, outcome, mss, ceiling, mss_out),
	    TP_STRUCT__entry(__field(u32, netns)
			     __field(u8, family)
			     __field(u8, direction)
			     __field(u8, outcome)
			     __array(u8, saddr, 16)
			     __array(u8, daddr, 16)
			     __array(char, src, INET6_ADDRSTRLEN)
			     __array(char, dst, INET6_ADDRSTRLEN)
			     __field(u16, sport)
			     __field(u16, dport)
			     __field(int, iif)
			     __field(int, oif)
			     __field(u16, mss)
			     __field(u16, ceiling)
			     __field(u16, mss_out)),
	    TP_fast_assign(__entry->netns = state->net->ns.inum;
			   __entry->family =
				mssclamp_trace_tuple(skb, state, thoff,
						     __entry->saddr,
						     __entry->daddr,
						     __entry->src, __entry->dst,
						     INET6_ADDRSTRLEN,
						     &__entry->sport,
						     &__entry->dport);
			   __entry->direction = synack;
			   __entry->outcome = outcome;
			   __entry->iif = state->in ? state->in->ifindex : 0;
			   __entry->oif = state->out ? state->out->ifindex : 0;
			   __entry->mss = mss;
			   __entry->ceiling = ceiling;
			   __entry->mss_out = mss_out;),
	    TP_printk("netns=%u family=%s direction=%s src=%s sport=%u dst=%s dport=%u iif=%d oif=%d mss=%u ceiling=%u outcome=%s mss_out=%u",
		      __entry->netns,
		      __print_symbolic(__entry->family,
				       { AF_INET, "ipv4" },
				       { AF_INET6, "ipv6" }),
		      __print_symbolic(__entry->direction,
				       { 0, "syn" }, { 1, "synack" }),
		      __entry->src, __entry->sport, __entry->dst,
		      __entry->dport, __entry->iif, __entry->oif,
		      __entry->mss, __entry->ceiling,
		      __print_symbolic(__entry->outcome,
				       { 0, "no_mss" }, { 1, "unchanged" },
				       { 2, "clamped" }, { 3, "malformed" },
				       { MSSCLAMP_TRACE_ERROR, "error" }),
		      __entry->mss_out)
);

#endif /* MSSCLAMP_TRACE_H */

/* Out of the kernel's tree: define_trace.h finds this file by -I kmod/. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
