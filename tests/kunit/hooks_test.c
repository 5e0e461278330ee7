// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the mssclamp hook functions on real skbs, and configuration checks.
 *
 * Each case builds a packet (IPv4 or IPv6, optional IP options or extension
 * headers, SYN / SYN-ACK / ACK / SYN+RST), in a given checksum state and
 * skb shape (linear, paged, the flags byte paged, cloned), runs it through
 * mssclamp_hook_v4/_v6
 * with a family state of its own, and checks the verdict, the bytes, the
 * checksum and the counters.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/ip6_fib.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/tcp.h>

#include "clamp.h"
#include "mssclamp.h"
#include "test_af.h"

#define JUMBO_MSS	8960

enum pkt_shape {
	SHAPE_LINEAR,
	SHAPE_PAGED,		/* TCP options in a page fragment */
	SHAPE_FLAGS_PAGED,	/* from the TCP flags byte on in a page */
	SHAPE_CLONED,		/* a clone shares the data */
};

struct hook_case {
	const char *name;
	bool v6;
	u8 flags;		/* TCP flags */
	u8 ip_opts;		/* IPv4 option bytes (NOPs), multiple of 4 */
	bool hbh;		/* IPv6: a hop-by-hop header before TCP */
	bool frag;		/* IPv6 fragment header; offset below */
	u16 frag_off;		/* in 8-byte units */
	u8 csum;		/* CHECKSUM_NONE / _UNNECESSARY / _COMPLETE / _PARTIAL */
	enum pkt_shape shape;
	u16 mss;		/* in the packet; 0: no MSS option */
	bool syn_off, synack_off;
	/* expected */
	u16 want_mss;
	int want_counter;	/* MSSCLAMP_STAT_A_*, or -1 */
	int want_kind;		/* MSSCLAMP_STAT_A_SYN or _SYNACK, or -1 */
};

/*
 * A SYN of MSS 8960 clamped to @mss (1460 in IPv4, 1396 in IPv6, at MTU
 * 1500 and overhead 0), in checksum state CHECKSUM_@csum and shape
 * SHAPE_@shape.
 */
#define SYN_CLAMPED(name, v6, csum, shape, mss)				\
	{ name, v6, TCPHDR_SYN, 0, 0, 0, 0, CHECKSUM_##csum, SHAPE_##shape, \
	  JUMBO_MSS, 0, 0, mss, STAT_A(CLAMPED_SYN), STAT_A(SYN) }

static const struct hook_case hook_cases[] = {
	SYN_CLAMPED("v4 SYN clamped", false, NONE, LINEAR, 1460),
	{ "v4 SYN-ACK clamped", false, TCPHDR_SYN | TCPHDR_ACK, 0, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, 0, 0, 1460,
	  STAT_A(CLAMPED_SYNACK), STAT_A(SYNACK) },
	{ "v4 SYN below ceiling unchanged", false, TCPHDR_SYN, 0, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, 1400, 0, 0, 1400, STAT_A(UNCHANGED),
	  STAT_A(SYN) },
	{ "v4 SYN without MSS", false, TCPHDR_SYN, 0, 0, 0, 0, CHECKSUM_NONE,
	  SHAPE_LINEAR, 0, 0, 0, 0, STAT_A(NO_MSS), STAT_A(SYN) },
	{ "v4 ACK ignored", false, TCPHDR_ACK, 0, 0, 0, 0, CHECKSUM_NONE,
	  SHAPE_LINEAR, JUMBO_MSS, 0, 0, JUMBO_MSS, -1, -1 },
	{ "v4 SYN+RST ignored", false, TCPHDR_SYN | TCPHDR_RST, 0, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, 0, 0, JUMBO_MSS, -1, -1 },
	{ "v4 SYN with syn off ignored", false, TCPHDR_SYN, 0, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, true, 0, JUMBO_MSS, -1, -1 },
	{ "v4 SYN-ACK with synack off ignored", false,
	  TCPHDR_SYN | TCPHDR_ACK, 0, 0, 0, 0, CHECKSUM_NONE, SHAPE_LINEAR,
	  JUMBO_MSS, 0, true, JUMBO_MSS, -1, -1 },
	{ "v4 SYN with IP options", false, TCPHDR_SYN, 8, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, 0, 0, 1460,
	  STAT_A(CLAMPED_SYN), STAT_A(SYN) },
	SYN_CLAMPED("v4 SYN CHECKSUM_UNNECESSARY", false, UNNECESSARY, LINEAR, 1460),
	SYN_CLAMPED("v4 SYN CHECKSUM_COMPLETE", false, COMPLETE, LINEAR, 1460),
	SYN_CLAMPED("v4 SYN CHECKSUM_PARTIAL", false, PARTIAL, LINEAR, 1460),
	SYN_CLAMPED("v4 SYN paged", false, NONE, PAGED, 1460),
	SYN_CLAMPED("v4 SYN cloned", false, NONE, CLONED, 1460),
	SYN_CLAMPED("v4 SYN, flags byte paged", false, NONE, FLAGS_PAGED, 1460),
	{ "v4 SYN-ACK, flags byte paged", false, TCPHDR_SYN | TCPHDR_ACK, 0,
	  0, 0, 0, CHECKSUM_UNNECESSARY, SHAPE_FLAGS_PAGED, JUMBO_MSS, 0, 0,
	  1460,
	  STAT_A(CLAMPED_SYNACK), STAT_A(SYNACK) },
	{ "v4 ACK, flags byte paged, ignored", false, TCPHDR_ACK, 0, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_FLAGS_PAGED, JUMBO_MSS, 0, 0, JUMBO_MSS, -1,
	  -1 },
	{ "v4 SYN+RST, flags byte paged, ignored", false,
	  TCPHDR_SYN | TCPHDR_RST, 0, 0, 0, 0, CHECKSUM_NONE,
	  SHAPE_FLAGS_PAGED, JUMBO_MSS, 0, 0, JUMBO_MSS, -1, -1 },
	{ "v4 SYN with syn off, flags byte paged, ignored", false, TCPHDR_SYN,
	  0, 0, 0, 0, CHECKSUM_NONE, SHAPE_FLAGS_PAGED, JUMBO_MSS, true, 0,
	  JUMBO_MSS, -1, -1 },
	{ "v4 SYN without MSS, flags byte paged", false, TCPHDR_SYN, 0, 0, 0,
	  0, CHECKSUM_NONE, SHAPE_FLAGS_PAGED, 0, 0, 0, 0, STAT_A(NO_MSS),
	  STAT_A(SYN) },
	SYN_CLAMPED("v6 SYN clamped", true, NONE, LINEAR, 1396),
	{ "v6 SYN-ACK clamped", true, TCPHDR_SYN | TCPHDR_ACK, 0, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, 0, 0, 1396,
	  STAT_A(CLAMPED_SYNACK), STAT_A(SYNACK) },
	{ "v6 ACK ignored", true, TCPHDR_ACK, 0, 0, 0, 0, CHECKSUM_NONE,
	  SHAPE_LINEAR, JUMBO_MSS, 0, 0, JUMBO_MSS, -1, -1 },
	{ "v6 SYN after hop-by-hop header", true, TCPHDR_SYN, 0, true, 0, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, 0, 0, 1396,
	  STAT_A(CLAMPED_SYN), STAT_A(SYN) },
	{ "v6 first fragment clamped", true, TCPHDR_SYN, 0, 0, true, 0,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, 0, 0, 1396,
	  STAT_A(CLAMPED_SYN), STAT_A(SYN) },
	{ "v6 non-first fragment skipped", true, TCPHDR_SYN, 0, 0, true, 8,
	  CHECKSUM_NONE, SHAPE_LINEAR, JUMBO_MSS, 0, 0, JUMBO_MSS,
	  STAT_A(FRAGMENTS), -1 },
	SYN_CLAMPED("v6 SYN CHECKSUM_COMPLETE", true, COMPLETE, LINEAR, 1396),
	SYN_CLAMPED("v6 SYN CHECKSUM_PARTIAL", true, PARTIAL, LINEAR, 1396),
	SYN_CLAMPED("v6 SYN paged", true, NONE, PAGED, 1396),
	SYN_CLAMPED("v6 SYN cloned", true, UNNECESSARY, CLONED, 1396),
	SYN_CLAMPED("v6 SYN, flags byte paged", true, COMPLETE, FLAGS_PAGED, 1396),
	{ "v6 ACK, flags byte paged, ignored", true, TCPHDR_ACK, 0, 0, 0, 0,
	  CHECKSUM_NONE, SHAPE_FLAGS_PAGED, JUMBO_MSS, 0, 0, JUMBO_MSS, -1,
	  -1 },
	{ "v6 SYN after hop-by-hop header, flags byte paged", true,
	  TCPHDR_SYN, 0, true, 0, 0, CHECKSUM_NONE, SHAPE_FLAGS_PAGED,
	  JUMBO_MSS, 0, 0, 1396, STAT_A(CLAMPED_SYN), STAT_A(SYN) },
	{ "v6 SYN+RST after hop-by-hop header, flags byte paged, ignored",
	  true, TCPHDR_SYN | TCPHDR_RST, 0, true, 0, 0, CHECKSUM_NONE,
	  SHAPE_FLAGS_PAGED, JUMBO_MSS, 0, 0, JUMBO_MSS, -1, -1 },
};

static void hook_case_desc(const struct hook_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hook, hook_cases, hook_case_desc);

/* Linux's SYN options: MSS, SACK-permitted, timestamps, NOP, window scale. */
static size_t put_tcp_opts(u8 *p, u16 mss)
{
	static const u8 rest[] = { 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
				   1, 3, 3, 7 };
	size_t n = 0;

	if (mss) {
		p[0] = TCPOPT_MSS;
		p[1] = TCPOLEN_MSS;
		put_unaligned_be16(mss, p + 2);
		n = 4;
	} else {
		memset(p, TCPOPT_NOP, 4);
		n = 4;
	}
	memcpy(p + n, rest, sizeof(rest));
	return n + sizeof(rest);	/* 20 bytes */
}

#define TCP_OPTLEN	20
#define PAYLOAD		0

/* The TCP checksum over the segment as it is now, pseudo header included. */
static __sum16 tcp_csum(const struct hook_case *c, struct sk_buff *skb,
			unsigned int thoff)
{
	unsigned int len = skb->len - thoff;
	__wsum sum = skb_checksum(skb, thoff, len, 0);

	if (c->v6) {
		const struct ipv6hdr *ip6 = ipv6_hdr(skb);

		return csum_ipv6_magic(&ip6->saddr, &ip6->daddr, len,
				       IPPROTO_TCP, sum);
	}
	return csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr, len,
				 IPPROTO_TCP, sum);
}

/*
 * Build the packet of @c: network header at skb->data. Returns the skb and
 * the TCP header's offset.
 */
static struct sk_buff *build_pkt(struct kunit *test, const struct hook_case *c,
				 unsigned int *thoff_out)
{
	u8 hdr[40 + 8 + 8 + 20 + TCP_OPTLEN] = {};
	unsigned int nhlen, thoff, tlen, len;
	struct sk_buff *skb;
	struct tcphdr *th;
	u8 *p = hdr;

	if (c->v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)p;
		u8 *nh = &ip6->nexthdr;

		ip6->version = 6;
		ip6->hop_limit = 64;
		ip6->saddr.s6_addr[0] = 0x20;
		ip6->saddr.s6_addr[1] = 0x01;
		ip6->saddr.s6_addr[2] = 0x0d;
		ip6->saddr.s6_addr[3] = 0xb8;
		ip6->saddr.s6_addr[15] = 2;
		ip6->daddr = ip6->saddr;
		ip6->daddr.s6_addr[5] = 2;
		nhlen = sizeof(*ip6);
		if (c->hbh) {
			*nh = NEXTHDR_HOP;
			nh = p + nhlen;		/* next header byte */
			p[nhlen + 1] = 0;	/* 8 bytes */
			p[nhlen + 2] = 1;	/* PadN, 4 bytes of padding */
			p[nhlen + 3] = 4;
			nhlen += 8;
		}
		if (c->frag) {
			*nh = NEXTHDR_FRAGMENT;
			nh = p + nhlen;
			put_unaligned_be16(c->frag_off << 3 | 1, p + nhlen + 2);
			nhlen += 8;
		}
		*nh = IPPROTO_TCP;
	} else {
		struct iphdr *iph = (struct iphdr *)p;

		nhlen = sizeof(*iph) + c->ip_opts;
		memset(p + sizeof(*iph), IPOPT_NOP, c->ip_opts);
		test_iph(iph, nhlen / 4, IPPROTO_TCP, 0xc0000202); /* 192.0.2.2 */
		iph->frag_off = htons(IP_DF);
	}
	thoff = nhlen;
	th = (struct tcphdr *)(p + thoff);
	th->source = htons(40000);
	th->dest = htons(80);
	th->seq = htonl(1);
	th->doff = (sizeof(*th) + TCP_OPTLEN) / 4;
	th->window = htons(64240);
	((u8 *)th)[13] = c->flags;
	put_tcp_opts((u8 *)(th + 1), c->mss);
	tlen = sizeof(*th) + TCP_OPTLEN + PAYLOAD;
	len = thoff + tlen;
	if (c->v6)
		put_unaligned_be16(len - sizeof(struct ipv6hdr), p + 4);
	else
		put_unaligned_be16(len, p + 2);

	skb = alloc_skb(LL_MAX_HEADER + len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, LL_MAX_HEADER);
	if (c->shape == SHAPE_PAGED || c->shape == SHAPE_FLAGS_PAGED) {
		/*
		 * Linear: IP + the first 14 TCP bytes (13: up to the flags
		 * byte); the rest in a page.
		 */
		unsigned int head = thoff + (c->shape == SHAPE_PAGED ? 14 : 13);
		struct page *page = alloc_page(GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		skb_put_data(skb, hdr, head);
		memcpy(page_address(page), hdr + head, len - head);
		skb_fill_page_desc(skb, 0, page, 0, len - head);
		skb->len += len - head;
		skb->data_len += len - head;
		skb->truesize += PAGE_SIZE;
	} else {
		skb_put_data(skb, hdr, len);
	}
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, thoff);
	skb->protocol = htons(c->v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (!c->v6)
		ip_send_check(ip_hdr(skb));

	/* A correct checksum first, then the state of the case. */
	th = tcp_hdr(skb);
	if (skb_headlen(skb) >= thoff + sizeof(*th)) {
		th->check = 0;
		th->check = tcp_csum(c, skb, thoff);
	} else {
		__sum16 zero = 0, sum;

		skb_store_bits(skb, thoff + 16, &zero, 2);
		sum = tcp_csum(c, skb, thoff);
		skb_store_bits(skb, thoff + 16, &sum, 2);
	}
	skb->ip_summed = c->csum;
	if (c->csum == CHECKSUM_COMPLETE) {
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
	} else if (c->csum == CHECKSUM_PARTIAL) {
		__sum16 pseudo;

		if (c->v6)
			pseudo = ~csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
						  &ipv6_hdr(skb)->daddr, tlen,
						  IPPROTO_TCP, 0);
		else
			pseudo = ~csum_tcpudp_magic(ip_hdr(skb)->saddr,
						    ip_hdr(skb)->daddr, tlen,
						    IPPROTO_TCP, 0);
		th->check = pseudo;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	}
	*thoff_out = thoff;
	return skb;
}

static unsigned int run_hook(struct test_af *t, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	unsigned int verdict;

	rcu_read_lock();
	if (t->af.family == MSSCLAMP_FAMILY_IPV6)
		verdict = mssclamp_hook_v6(&t->af, skb, state);
	else
		verdict = mssclamp_hook_v4(&t->af, skb, state);
	rcu_read_unlock();
	return verdict;
}

/* Counters @kind and @outcome (-1: none) are 1, every other one 0. */
static void expect_counters(struct kunit *test, struct test_af *t,
			    int kind, int outcome)
{
	struct mssclamp_stats want = {};

	if (kind >= 0)
		want.v[kind] = 1;
	if (outcome >= 0)
		want.v[outcome] = 1;
	test_expect_stats(test, &t->af, &want);
}

static u16 mss_in(struct kunit *test, struct sk_buff *skb, unsigned int thoff)
{
	u8 opt[4];

	KUNIT_EXPECT_EQ(test, skb_copy_bits(skb, thoff + 20, opt, 4), 0);
	if (opt[0] != TCPOPT_MSS)
		return 0;
	return get_unaligned_be16(opt + 2);
}

static void mssclamp_hook_test(struct kunit *test)
{
	const struct hook_case *c = test->param_value;
	struct nf_hook_state state = {};
	struct sk_buff *skb, *clone = NULL;
	struct test_af t;
	unsigned int thoff;
	u8 before[128];

	test_af_init(test, &t, c->v6, c->v6 ? 44 : 0);
	t.cfg->syn = !c->syn_off;
	t.cfg->synack = !c->synack_off;

	skb = build_pkt(test, c, &thoff);
	KUNIT_ASSERT_LE(test, skb->len, sizeof(before));
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, before, skb->len));
	if (c->shape == SHAPE_CLONED) {
		clone = skb_clone(skb, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, clone);
	}

	KUNIT_EXPECT_EQ(test, run_hook(&t, skb, &state), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, mss_in(test, skb, thoff), c->mss ? c->want_mss : 0);
	expect_counters(test, &t, c->want_kind, c->want_counter);

	if (c->csum == CHECKSUM_PARTIAL) {
		/* The pseudo-header sum stays: the device sums the rest. */
		KUNIT_EXPECT_EQ(test, 0,
				memcmp(before + thoff + 16,
				       skb->data + thoff + 16, 2));
	} else {
		KUNIT_EXPECT_EQ_MSG(test, tcp_csum(c, skb, thoff), 0,
				    "TCP checksum invalid after the hook");
	}
	if (c->csum == CHECKSUM_COMPLETE)
		KUNIT_EXPECT_EQ(test, csum_fold(skb->csum),
				csum_fold(skb_checksum(skb, 0, skb->len, 0)));

	if (clone) {
		u8 seen[128];

		KUNIT_ASSERT_EQ(test, 0,
				skb_copy_bits(clone, 0, seen, clone->len));
		KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(before, seen, clone->len),
				    "the clone saw the rewrite");
		kfree_skb(clone);
	}
	kfree_skb(skb);
	test_af_fini(&t);
}

/* A device for a hook's state: only its ifindex is read. */
static struct net_device *test_dev(struct kunit *test, int ifindex)
{
	struct net_device *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->ifindex = ifindex;
	return dev;
}

/* A SYN of MSS 8960 from @in to @out through @t's hook: its MSS after. */
static u16 dev_mss(struct kunit *test, struct test_af *t,
		   struct net_device *in, struct net_device *out)
{
	const struct hook_case c = { .flags = TCPHDR_SYN, .mss = JUMBO_MSS,
				     .csum = CHECKSUM_NONE };
	struct nf_hook_state state = { .in = in, .out = out };
	unsigned int thoff;
	struct sk_buff *skb;
	u16 mss;

	skb = build_pkt(test, &c, &thoff);
	run_hook(t, skb, &state);
	mss = mss_in(test, skb, thoff);
	kfree_skb(skb);
	return mss;
}

/* Interface scope: clamped when the input or the output device is listed. */
static void mssclamp_hook_dev_test(struct kunit *test)
{
	struct net_device *wan, *lan;
	struct test_af t;

	wan = test_dev(test, 7);
	lan = test_dev(test, 3);

	test_af_init(test, &t, false, 0);
	t.cfg->ndevs = 1;
	t.cfg->ifindex[0] = 7;

	/* Out through wan: clamped. In on wan: clamped. */
	KUNIT_EXPECT_EQ(test, dev_mss(test, &t, lan, wan), 1460);
	KUNIT_EXPECT_EQ(test, dev_mss(test, &t, wan, lan), 1460);
	/* Neither: untouched and not counted. */
	KUNIT_EXPECT_EQ(test, dev_mss(test, &t, lan, lan), JUMBO_MSS);

	/* A listed name without a device (ifindex 0) matches nothing. */
	t.cfg->ifindex[0] = 0;
	lan->ifindex = 0;
	KUNIT_EXPECT_EQ(test, dev_mss(test, &t, NULL, lan), JUMBO_MSS);

	{
		struct mssclamp_stats s;

		mssclamp_stats_fold(&t.af, &s);
		KUNIT_EXPECT_EQ(test, STAT(s, SYN), 2);
		KUNIT_EXPECT_EQ(test, STAT(s, CLAMPED_SYN), 2);
	}
	test_af_fini(&t);
}

/*
 * Malformed headers are forwarded untouched and counted. A TCP header cut
 * before its flags byte is too short to be a SYN: forwarded untouched,
 * nothing counted.
 */
static void mssclamp_hook_malformed_test(struct kunit *test)
{
	const struct hook_case c = { .flags = TCPHDR_SYN, .mss = JUMBO_MSS,
				     .csum = CHECKSUM_NONE };
	static const struct {
		const char *what;
		int off;		/* the byte to set; -1: none */
		u8 val;
		u8 keep;		/* TCP bytes left; 0: all */
	} bad[] = {
		{ "data offset 4", 12, 4 << 4 },
		{ "data offset past the packet", 12, 15 << 4 },
		{ "option length 0", 21, 0 },
		{ "option length 1", 21, 1 },
		{ "MSS length 5", 21, 5 },
		{ "cut after 1 TCP byte", -1, 0, 1 },
		{ "cut before the data offset", -1, 0, 12 },
		{ "cut before the flags byte", -1, 0, 13 },
	};
	struct nf_hook_state state = {};
	unsigned int thoff, i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sk_buff *skb;
		struct test_af t;
		u8 before[128];

		test_af_init(test, &t, false, 0);
		skb = build_pkt(test, &c, &thoff);
		if (bad[i].keep)
			skb_trim(skb, thoff + bad[i].keep);
		if (bad[i].off >= 0)
			skb->data[thoff + bad[i].off] = bad[i].val;
		memcpy(before, skb->data, skb->len);
		KUNIT_EXPECT_EQ(test, run_hook(&t, skb, &state), NF_ACCEPT);
		KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(before, skb->data, skb->len),
				    "%s: packet changed", bad[i].what);
		kunit_info(test, "%s\n", bad[i].what);
		if (bad[i].keep)
			expect_counters(test, &t, -1, -1);
		else
			expect_counters(test, &t, STAT_A(SYN), STAT_A(MALFORMED));
		kfree_skb(skb);
		test_af_fini(&t);
	}
}

/*
 * A stand-in for IPv6's FIB, which the hook reaches through ipv6_stub:
 * it counts the lookups, records the VRF they were made in, and answers
 * a unicast route of one path through a device whose mtu6 is 1300 (a
 * ceiling of 1240 with no overhead), its nexthop without exceptions: the
 * hook takes that MTU without fib6_select_path() or ip6_mtu_from_fib6(),
 * whose calls the stand-in counts too. The route may be given siblings,
 * an exception bucket (then its ip6_mtu_from_fib6() answers 1290: a
 * learned MTU) or a locked mtu metric. Installed only around one run of
 * the hook.
 */
#define FAKE_MTU	1300
#define FAKE_CEILING	(FAKE_MTU - 60)
#define FAKE_EXC_MTU	1290

enum fake_route_shape {
	FAKE_ONE_PATH,
	FAKE_SIBLINGS,
	FAKE_EXCEPTIONS,
	FAKE_MTU_LOCKED,
};

static struct {
	unsigned int lookups;
	unsigned int select_path;
	unsigned int mtu_from_fib6;
	int l3mdev;
} fake_fib;
static struct dst_metrics fake_metrics;	/* no mtu of the route's own */
static struct inet6_dev fake_idev = { .cnf = { .mtu6 = FAKE_MTU } };
static struct net_device fake_dev;
static struct rt6_exception_bucket fake_bucket;
/* A route and its one nexthop, as fib6_info_alloc() lays them out. */
static union {
	struct fib6_info f6i;
	u8 room[sizeof(struct fib6_info) + sizeof(struct fib6_nh)];
} fake_route;
static struct ipv6_stub fake_stub;
static const struct ipv6_stub *saved_stub;

static void fake_route_init(enum fake_route_shape shape)
{
	struct fib6_info *f6i = &fake_route.f6i;

	memset(&fake_route, 0, sizeof(fake_route));
	memset(&fake_metrics, 0, sizeof(fake_metrics));
	f6i->fib6_metrics = &fake_metrics;
	f6i->fib6_nh->fib_nh_dev = &fake_dev;
	RCU_INIT_POINTER(fake_dev.ip6_ptr, &fake_idev);
	if (shape == FAKE_SIBLINGS)
		f6i->fib6_nsiblings = 1;
	if (shape == FAKE_EXCEPTIONS)
		RCU_INIT_POINTER(f6i->fib6_nh->rt6i_exception_bucket,
				 &fake_bucket);
	if (shape == FAKE_MTU_LOCKED)
		fake_metrics.metrics[RTAX_LOCK - 1] = 1 << RTAX_MTU;
}

static int fake_fib6_table_lookup(struct net *net, struct fib6_table *table,
				  int oif, struct flowi6 *fl6,
				  struct fib6_result *res, int flags)
{
	fake_fib.lookups++;
	fake_fib.l3mdev = fl6->flowi6_l3mdev;
	res->f6i = &fake_route.f6i;
	res->nh = fake_route.f6i.fib6_nh;
	res->fib6_type = RTN_UNICAST;
	return 0;
}

static int fake_fib6_lookup(struct net *net, int oif, struct flowi6 *fl6,
			    struct fib6_result *res, int flags)
{
	return fake_fib6_table_lookup(net, NULL, oif, fl6, res, flags);
}

static void fake_fib6_select_path(const struct net *net,
				  struct fib6_result *res, struct flowi6 *fl6,
				  int oif, bool oif_match,
				  const struct sk_buff *skb, int strict)
{
	fake_fib.select_path++;
	res->nh = fake_route.f6i.fib6_nh;
}

static u32 fake_ip6_mtu_from_fib6(const struct fib6_result *res,
				  const struct in6_addr *daddr,
				  const struct in6_addr *saddr)
{
	fake_fib.mtu_from_fib6++;
	return FAKE_EXC_MTU;
}

static unsigned int run_hook_fake_route(struct test_af *t, struct sk_buff *skb,
					const struct nf_hook_state *state,
					enum fake_route_shape shape)
{
	unsigned int verdict;

	memset(&fake_fib, 0, sizeof(fake_fib));
	fake_route_init(shape);
	saved_stub = ipv6_stub;
	fake_stub = *saved_stub;
	fake_stub.fib6_lookup = fake_fib6_lookup;
	fake_stub.fib6_table_lookup = fake_fib6_table_lookup;
	fake_stub.fib6_select_path = fake_fib6_select_path;
	fake_stub.ip6_mtu_from_fib6 = fake_ip6_mtu_from_fib6;
	ipv6_stub = &fake_stub;
	verdict = run_hook(t, skb, state);
	ipv6_stub = saved_stub;
	return verdict;
}

static unsigned int run_hook_fake_fib(struct test_af *t, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return run_hook_fake_route(t, skb, state, FAKE_ONE_PATH);
}

/*
 * pmtu on, IPv6, the route back: a route of one path whose nexthop never
 * had an exception takes the device's mtu6 without calling
 * fib6_select_path() or ip6_mtu_from_fib6(); with siblings the path is
 * selected by fib6_select_path(), and with an exception bucket or a
 * locked mtu the MTU is ip6_mtu_from_fib6()'s.
 */
static void mssclamp_hook_pmtu_route6_test(struct kunit *test)
{
	static const struct {
		const char *what;
		enum fake_route_shape shape;
		unsigned int select_path, mtu_from_fib6;
		u16 want_mss;
	} cases[] = {
		{ "one path", FAKE_ONE_PATH, 0, 0, FAKE_CEILING },
		{ "siblings", FAKE_SIBLINGS, 1, 0, FAKE_CEILING },
		{ "exceptions", FAKE_EXCEPTIONS, 0, 1, FAKE_EXC_MTU - 60 },
		{ "mtu locked", FAKE_MTU_LOCKED, 0, 1, FAKE_EXC_MTU - 60 },
	};
	const struct hook_case c = { .v6 = true, .flags = TCPHDR_SYN,
				     .mss = JUMBO_MSS, .csum = CHECKSUM_NONE };
	struct net_device *lan, *wan;
	unsigned int i;

	wan = test_dev(test, 7);
	lan = test_dev(test, 3);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nf_hook_state state = {
			.hook = NF_INET_FORWARD, .pf = NFPROTO_IPV6,
			.in = wan, .out = lan, .net = &init_net,
		};
		struct sk_buff *skb;
		struct test_af t;
		unsigned int thoff;

		test_af_init(test, &t, true, 0);
		t.cfg->pmtu = true;
		skb = build_pkt(test, &c, &thoff);
		KUNIT_EXPECT_EQ(test, run_hook_fake_route(&t, skb, &state,
							  cases[i].shape),
				NF_ACCEPT);
		KUNIT_EXPECT_EQ_MSG(test, fake_fib.lookups, 1, "%s: lookups",
				    cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, fake_fib.select_path,
				    cases[i].select_path,
				    "%s: fib6_select_path() calls",
				    cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, fake_fib.mtu_from_fib6,
				    cases[i].mtu_from_fib6,
				    "%s: ip6_mtu_from_fib6() calls",
				    cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, mss_in(test, skb, thoff),
				    cases[i].want_mss, "%s: MSS", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, tcp_csum(&c, skb, thoff), 0,
				    "%s: TCP checksum", cases[i].what);
		kfree_skb(skb);
		test_af_fini(&t);
	}
}

/*
 * pmtu on: the options are scanned before any route is looked up, and the
 * routes are looked up only for an MSS above the floor (1220), the only
 * one a ceiling can lower; the verdicts are those of a ceiling looked up
 * first. A forwarded IPv6 SYN, in place, in a copy (cloned) and with its
 * options in a page.
 */
static void mssclamp_hook_pmtu_lookup_test(struct kunit *test)
{
	static const struct {
		const char *what;
		u16 mss;		/* 0: no MSS option */
		bool bad;		/* the MSS option's length 0 */
		enum pkt_shape shape;
		unsigned int lookups;
		u16 want_mss;
		int want_counter;
	} cases[] = {
		{ "no MSS", 0, false, SHAPE_LINEAR, 0, 0, STAT_A(NO_MSS) },
		{ "malformed", JUMBO_MSS, true, SHAPE_LINEAR, 0, JUMBO_MSS,
		  STAT_A(MALFORMED) },
		{ "below the floor", 1000, false, SHAPE_LINEAR, 0, 1000,
		  STAT_A(UNCHANGED) },
		{ "at the floor", 1220, false, SHAPE_LINEAR, 0, 1220,
		  STAT_A(UNCHANGED) },
		{ "above the floor, within the path", 1221, false,
		  SHAPE_LINEAR, 1, 1221, STAT_A(UNCHANGED) },
		{ "above the path", JUMBO_MSS, false, SHAPE_LINEAR, 1,
		  FAKE_CEILING, STAT_A(CLAMPED_SYN) },
		{ "no MSS, cloned", 0, false, SHAPE_CLONED, 0, 0,
		  STAT_A(NO_MSS) },
		{ "at the floor, cloned", 1220, false, SHAPE_CLONED, 0, 1220,
		  STAT_A(UNCHANGED) },
		{ "above the path, cloned", JUMBO_MSS, false, SHAPE_CLONED, 1,
		  FAKE_CEILING, STAT_A(CLAMPED_SYN) },
		{ "at the floor, paged", 1220, false, SHAPE_PAGED, 0, 1220,
		  STAT_A(UNCHANGED) },
		{ "above the path, paged", JUMBO_MSS, false, SHAPE_PAGED, 1,
		  FAKE_CEILING, STAT_A(CLAMPED_SYN) },
	};
	struct net_device *lan, *wan;
	unsigned int i;

	wan = test_dev(test, 7);
	lan = test_dev(test, 3);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hook_case c = { .v6 = true, .flags = TCPHDR_SYN,
				       .mss = cases[i].mss,
				       .csum = CHECKSUM_NONE,
				       .shape = cases[i].shape };
		struct nf_hook_state state = {
			.hook = NF_INET_FORWARD, .pf = NFPROTO_IPV6,
			.in = wan, .out = lan, .net = &init_net,
		};
		struct sk_buff *skb, *clone = NULL;
		struct test_af t;
		unsigned int thoff;

		kunit_info(test, "%s\n", cases[i].what);
		test_af_init(test, &t, true, 0);
		t.cfg->pmtu = true;
		skb = build_pkt(test, &c, &thoff);
		if (cases[i].bad)
			skb->data[thoff + 21] = 0;
		if (c.shape == SHAPE_CLONED) {
			clone = skb_clone(skb, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, clone);
		}
		KUNIT_EXPECT_EQ(test, run_hook_fake_fib(&t, skb, &state),
				NF_ACCEPT);
		KUNIT_EXPECT_EQ_MSG(test, fake_fib.lookups, cases[i].lookups,
				    "%s: route lookups", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, mss_in(test, skb, thoff),
				    cases[i].want_mss, "%s: MSS", cases[i].what);
		expect_counters(test, &t, STAT_A(SYN), cases[i].want_counter);
		if (!cases[i].bad)
			KUNIT_EXPECT_EQ_MSG(test, tcp_csum(&c, skb, thoff), 0,
					    "%s: TCP checksum", cases[i].what);
		kfree_skb(clone);
		kfree_skb(skb);
		test_af_fini(&t);
	}
}

/*
 * A VRF (an l3mdev master). The router's own SYN in a VRF crosses
 * POSTROUTING twice: first with the VRF as output device and no input
 * device (not inspected, not counted), then with the VRF as input device
 * (judged once, with no route back). A SYN received through the VRF
 * (IP6SKB_L3SLAVE, set by vrf_ip6_rcv()) has its route back looked up in
 * the VRF.
 */
static void mssclamp_hook_vrf_test(struct kunit *test)
{
	const struct hook_case c = { .v6 = true, .flags = TCPHDR_SYN,
				     .mss = JUMBO_MSS, .csum = CHECKSUM_NONE };
	struct nf_hook_state state = {
		.hook = NF_INET_POST_ROUTING, .pf = NFPROTO_IPV6,
		.net = &init_net,
	};
	struct net_device *vrf, *eth;
	struct mssclamp_stats s;
	struct sk_buff *skb;
	struct test_af t;
	unsigned int thoff;

	vrf = kunit_kzalloc(test, sizeof(*vrf), GFP_KERNEL);
	eth = kunit_kzalloc(test, sizeof(*eth), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vrf);
	KUNIT_ASSERT_NOT_NULL(test, eth);
	vrf->ifindex = 10;
	vrf->priv_flags = IFF_L3MDEV_MASTER;
	eth->ifindex = 4;

	test_af_init(test, &t, true, 0);
	t.cfg->pmtu = true;

	/* First pass: out the VRF, no input device. */
	state.in = NULL;
	state.out = vrf;
	skb = build_pkt(test, &c, &thoff);
	run_hook_fake_fib(&t, skb, &state);
	KUNIT_EXPECT_EQ(test, mss_in(test, skb, thoff), JUMBO_MSS);
	KUNIT_EXPECT_EQ(test, fake_fib.lookups, 0);
	expect_counters(test, &t, -1, -1);
	kfree_skb(skb);

	/* Second pass: in the VRF, out the device: no route back. */
	state.in = vrf;
	state.out = eth;
	skb = build_pkt(test, &c, &thoff);
	run_hook_fake_fib(&t, skb, &state);
	KUNIT_EXPECT_EQ(test, mss_in(test, skb, thoff), 1440);
	KUNIT_EXPECT_EQ(test, fake_fib.lookups, 0);
	expect_counters(test, &t, STAT_A(SYN), STAT_A(CLAMPED_SYN));
	kfree_skb(skb);

	/* Received through the VRF: the route back, in the VRF. */
	skb = build_pkt(test, &c, &thoff);
	IP6CB(skb)->flags |= IP6SKB_L3SLAVE;
	run_hook_fake_fib(&t, skb, &state);
	KUNIT_EXPECT_EQ(test, mss_in(test, skb, thoff), FAKE_CEILING);
	KUNIT_EXPECT_EQ(test, fake_fib.lookups, 1);
	KUNIT_EXPECT_EQ(test, fake_fib.l3mdev, 10);
	kfree_skb(skb);

	mssclamp_stats_fold(&t.af, &s);
	KUNIT_EXPECT_EQ(test, STAT(s, SYN), 2);
	KUNIT_EXPECT_EQ(test, STAT(s, CLAMPED_SYN), 2);
	test_af_fini(&t);
}

struct cfg_case {
	const char *name;
	u8 family;
	u32 mtu, overhead;
	enum mssclamp_cfg_fault want;
	u16 want_mss;
};

static const struct cfg_case cfg_cases[] = {
	{ "v4 mtu 1500", MSSCLAMP_FAMILY_IPV4, 1500, 0,
	  MSSCLAMP_CFG_OK, 1460 },
	{ "v4 mtu 576 (lowest)", MSSCLAMP_FAMILY_IPV4, 576, 0,
	  MSSCLAMP_CFG_OK, 536 },
	{ "v4 mtu 575 rejected", MSSCLAMP_FAMILY_IPV4, 575, 0,
	  MSSCLAMP_CFG_MTU_RANGE, 0 },
	{ "v4 mtu 65535 (highest)", MSSCLAMP_FAMILY_IPV4, 65535, 0,
	  MSSCLAMP_CFG_OK, 65495 },
	{ "v4 mtu 65536 rejected", MSSCLAMP_FAMILY_IPV4, 65536, 0,
	  MSSCLAMP_CFG_MTU_RANGE, 0 },
	{ "v4 overhead to the floor", MSSCLAMP_FAMILY_IPV4, 1500, 924,
	  MSSCLAMP_CFG_OK, 536 },
	{ "v4 overhead below the floor", MSSCLAMP_FAMILY_IPV4, 1500, 925,
	  MSSCLAMP_CFG_OVERHEAD_LARGE, 0 },
	{ "v6 mtu 1500 overhead 44", MSSCLAMP_FAMILY_IPV6, 1500, 44,
	  MSSCLAMP_CFG_OK, 1396 },
	{ "v6 mtu 1280 (lowest)", MSSCLAMP_FAMILY_IPV6, 1280, 0,
	  MSSCLAMP_CFG_OK, 1220 },
	{ "v6 mtu 1279 rejected", MSSCLAMP_FAMILY_IPV6, 1279, 0,
	  MSSCLAMP_CFG_MTU_RANGE, 0 },
	{ "v6 overhead to the floor", MSSCLAMP_FAMILY_IPV6, 1500, 220,
	  MSSCLAMP_CFG_OK, 1220 },
	{ "v6 overhead below the floor", MSSCLAMP_FAMILY_IPV6, 1500, 221,
	  MSSCLAMP_CFG_OVERHEAD_LARGE, 0 },
	{ "v6 huge overhead rejected", MSSCLAMP_FAMILY_IPV6, 9000, 0xffffffff,
	  MSSCLAMP_CFG_OVERHEAD_LARGE, 0 },
};

static void cfg_case_desc(const struct cfg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cfg, cfg_cases, cfg_case_desc);

static void mssclamp_cfg_check_test(struct kunit *test)
{
	const struct cfg_case *c = test->param_value;
	struct mssclamp_cfg cfg = { .mtu = c->mtu, .overhead = c->overhead };

	KUNIT_EXPECT_EQ(test, mssclamp_cfg_check(c->family, &cfg), c->want);
	if (c->want == MSSCLAMP_CFG_OK) {
		KUNIT_EXPECT_EQ(test, cfg.mss, c->want_mss);
		KUNIT_EXPECT_EQ(test, cfg.floor,
				c->family == MSSCLAMP_FAMILY_IPV6 ? 1220 : 536);
	}
}

/*
 * Every value lands in the bucket whose bounds hold it: the buckets cover
 * 0 to U32_MAX without a gap or an overlap, and 1200 to 1500 are exact.
 */
static void mssclamp_hist_bounds_test(struct kunit *test)
{
	u32 low, high, next = 0;
	unsigned int b;

	for (b = 0; b < MSSCLAMP_HIST_BUCKETS; b++) {
		mssclamp_hist_bounds(b, &low, &high);
		KUNIT_EXPECT_EQ_MSG(test, low, next, "bucket %u", b);
		KUNIT_EXPECT_LE_MSG(test, low, high, "bucket %u", b);
		KUNIT_EXPECT_EQ_MSG(test, mssclamp_hist_bucket(low), b,
				    "value %u", low);
		KUNIT_EXPECT_EQ_MSG(test, mssclamp_hist_bucket(high), b,
				    "value %u", high);
		if (low >= 1200 && low <= 1500)
			KUNIT_EXPECT_EQ_MSG(test, low, high, "bucket %u", b);
		next = high + 1;
	}
	KUNIT_EXPECT_EQ(test, high, U32_MAX);
	KUNIT_EXPECT_EQ(test, mssclamp_hist_bucket(536),
			mssclamp_hist_bucket(599));
	KUNIT_EXPECT_NE(test, mssclamp_hist_bucket(535),
			mssclamp_hist_bucket(536));
	KUNIT_EXPECT_EQ(test, mssclamp_hist_bucket(8940),
			mssclamp_hist_bucket(8960));
	KUNIT_EXPECT_NE(test, mssclamp_hist_bucket(8960),
			mssclamp_hist_bucket(9000));
}

/* An ICMP or ICMPv6 error of @type/@code reporting @mtu, as a router gets it. */
static struct sk_buff *build_icmp(struct kunit *test, bool v6, u8 type,
				  u8 code, u32 mtu)
{
	unsigned int nhlen = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int len = nhlen + 8 + 28;
	struct sk_buff *skb;
	u8 *p;

	skb = alloc_skb(LL_MAX_HEADER + len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, LL_MAX_HEADER);
	p = skb_put_zero(skb, len);
	skb_reset_network_header(skb);
	if (v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)p;

		ip6->version = 6;
		ip6->nexthdr = IPPROTO_ICMPV6;
		ip6->hop_limit = 64;
		put_unaligned_be16(len - nhlen, &ip6->payload_len);
		p[nhlen] = type;
		p[nhlen + 1] = code;
		put_unaligned_be32(mtu, p + nhlen + 4);
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		struct iphdr *iph = (struct iphdr *)p;

		test_iph(iph, 5, IPPROTO_ICMP, 0xc0000201); /* 192.0.2.1 */
		iph->tot_len = htons(len);
		ip_send_check(iph);
		p[nhlen] = type;
		p[nhlen + 1] = code;
		put_unaligned_be16(mtu, p + nhlen + 6);
		skb->protocol = htons(ETH_P_IP);
	}
	skb_set_transport_header(skb, nhlen);
	return skb;
}

static void run_and_free(struct kunit *test, struct test_af *t,
			 struct sk_buff *skb)
{
	struct nf_hook_state state = {};

	KUNIT_EXPECT_EQ(test, run_hook(t, skb, &state), NF_ACCEPT);
	kfree_skb(skb);
}

static void run_syn(struct kunit *test, struct test_af *t, u8 flags, u16 mss)
{
	struct hook_case c = { .v6 = t->af.family == MSSCLAMP_FAMILY_IPV6,
			       .flags = flags, .mss = mss,
			       .csum = CHECKSUM_NONE };
	unsigned int thoff;

	run_and_free(test, t, build_pkt(test, &c, &thoff));
}

#define HIST(h, kind, value) \
	((h).count[MSSCLAMP_HIST_##kind][mssclamp_hist_bucket(value)])

/*
 * The histograms count the MSS of every SYN and SYN-ACK as advertised,
 * before clamping; the MTU of every frag-needed / Packet Too Big; nothing
 * else. A reset starts them again from 0.
 */
static void mssclamp_hist_count_test(struct kunit *test)
{
	const bool v6 = *(const bool *)test->param_value;
	u8 icmp_ptb = v6 ? ICMPV6_PKT_TOOBIG : ICMP_DEST_UNREACH;
	u8 code_ptb = v6 ? 0 : ICMP_FRAG_NEEDED;
	struct mssclamp_hist *h;
	struct mssclamp_stats s;
	struct test_af t;
	int k, b;
	u64 n;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	test_af_init(test, &t, v6, 0);

	run_syn(test, &t, TCPHDR_SYN, 1400);		/* unchanged */
	run_syn(test, &t, TCPHDR_SYN, 1400);
	run_syn(test, &t, TCPHDR_SYN, JUMBO_MSS);	/* clamped */
	run_syn(test, &t, TCPHDR_SYN, 0);		/* no MSS: not counted */
	run_syn(test, &t, TCPHDR_SYN | TCPHDR_ACK, 1300);
	run_and_free(test, &t, build_icmp(test, v6, icmp_ptb, code_ptb, 1280));
	/* Not a PTB: an echo request, and a port unreachable. */
	run_and_free(test, &t, build_icmp(test, v6, v6 ? ICMPV6_ECHO_REQUEST :
					  ICMP_ECHO, 0, 1000));
	run_and_free(test, &t, build_icmp(test, v6, v6 ? ICMPV6_DEST_UNREACH :
					  ICMP_DEST_UNREACH,
					  v6 ? ICMPV6_PORT_UNREACH :
					  ICMP_PORT_UNREACH, 1000));

	mssclamp_hist_fold(&t.af, h);
	KUNIT_EXPECT_EQ(test, HIST(*h, SYN, 1400), 2);
	KUNIT_EXPECT_EQ(test, HIST(*h, SYN, JUMBO_MSS), 1);
	KUNIT_EXPECT_EQ(test, h->sum[MSSCLAMP_HIST_SYN], 2 * 1400 + JUMBO_MSS);
	KUNIT_EXPECT_EQ(test, HIST(*h, SYNACK, 1300), 1);
	KUNIT_EXPECT_EQ(test, h->sum[MSSCLAMP_HIST_SYNACK], 1300);
	KUNIT_EXPECT_EQ(test, HIST(*h, PTB, 1280), 1);
	KUNIT_EXPECT_EQ(test, h->sum[MSSCLAMP_HIST_PTB], 1280);
	for (k = 0, n = 0; k < MSSCLAMP_HIST_KINDS; k++)
		for (b = 0; b < MSSCLAMP_HIST_BUCKETS; b++)
			n += h->count[k][b];
	KUNIT_EXPECT_EQ_MSG(test, n, 5, "nothing else counted");

	mssclamp_stats_fold(&t.af, &s);
	KUNIT_EXPECT_EQ(test, STAT(s, PTB), 1);
	KUNIT_EXPECT_EQ(test, STAT(s, SYN), 4);

	mssclamp_stats_reset(&t.af);
	mssclamp_hist_fold(&t.af, h);
	for (k = 0, n = 0; k < MSSCLAMP_HIST_KINDS; k++) {
		for (b = 0; b < MSSCLAMP_HIST_BUCKETS; b++)
			n += h->count[k][b];
		n += h->sum[k];
	}
	KUNIT_EXPECT_EQ_MSG(test, n, 0, "a reset zeroes the histograms");
	mssclamp_stats_fold(&t.af, &s);
	KUNIT_EXPECT_EQ(test, STAT(s, PTB), 0);
	test_af_fini(&t);
}

static const bool hist_families[] = { false, true };

static void hist_family_desc(const bool *v6, char *desc)
{
	strscpy(desc, *v6 ? "IPv6" : "IPv4", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hist_family, hist_families, hist_family_desc);

static struct kunit_case mssclamp_hooks_cases[] = {
	KUNIT_CASE_PARAM(mssclamp_hook_test, hook_gen_params),
	KUNIT_CASE(mssclamp_hook_dev_test),
	KUNIT_CASE(mssclamp_hook_malformed_test),
	KUNIT_CASE(mssclamp_hook_pmtu_lookup_test),
	KUNIT_CASE(mssclamp_hook_pmtu_route6_test),
	KUNIT_CASE(mssclamp_hook_vrf_test),
	KUNIT_CASE_PARAM(mssclamp_cfg_check_test, cfg_gen_params),
	KUNIT_CASE(mssclamp_hist_bounds_test),
	KUNIT_CASE_PARAM(mssclamp_hist_count_test, hist_family_gen_params),
	{}
};

MSSCLAMP_KUNIT_SUITE(mssclamp_hooks);

MODULE_LICENSE("GPL");
