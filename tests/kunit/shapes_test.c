// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the mssclamp hooks on every shape of skb a SYN may arrive in.
 *
 * Each shape is one way of laying a SYN (IPv4 or IPv6, Linux's options,
 * MSS 8960, 16 bytes of payload) out in an skb: all linear; the TCP header
 * or its options split between the linear part and page fragments at
 * points that cut the flags byte, the checksum field, the MSS option and
 * the MSS value; a header spread over several fragments; the rest in a
 * frag_list skb; a fragment page shared with another skb; a clone; a
 * clone that owns its headers (TCP's transmit clones); no headroom; no
 * tailroom. Every shape runs in both families and in each
 * checksum state (NONE, UNNECESSARY, COMPLETE, PARTIAL), and the test
 * checks the packet's bytes against what they must be (computed here from
 * scratch), the checksum, skb->csum, the clone's and the other skb's view,
 * and the counters. A SYN whose TCP header is linear and may be written
 * there must be rewritten in place: the skb keeps its head.
 *
 * Allocation failure: with fault injection (CONFIG_FAILSLAB), the test sets
 * current->fail_nth so that the Nth allocation the hook makes fails, for
 * every N until the hook makes no more; each time the packet must pass
 * unchanged (NF_ACCEPT, every byte as it was) and be counted in `errors`,
 * or, if the failed allocation was not one the hook needed, be clamped
 * correctly.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "clamp.h"
#include "mssclamp.h"
#include "test_af.h"

#define SYN_MSS		8960
#define PAYLOAD_LEN	16
#define PKT_MAX		(40 + 8 + 60 + PAYLOAD_LEN)
#define CHECK_OFF	offsetof(struct tcphdr, check)
#define MAX_SPLITS	6
#define HEADROOM	LL_MAX_HEADER

/* Where the MSS option is. */
enum opt_layout {
	OPTS_LINUX,	/* MSS, SACK-permitted, timestamps, NOP, wscale */
	OPTS_ODD,	/* SACK-permitted, wscale, MSS: value at an odd offset */
};

struct shape {
	const char *name;
	bool v6_only;		/* splits inside an IPv6 extension header */
	enum opt_layout opts;
	/*
	 * The linear part ends @lin bytes into the TCP header (negative:
	 * before it, inside an extension header); -128: everything linear.
	 * The rest is split into page fragments of the sizes in @frags (0
	 * ends the list; the last fragment takes what is left).
	 */
	int lin;
	u8 frags[MAX_SPLITS];
	bool frag_list;		/* the rest in a frag_list skb, not pages */
	bool clone;		/* a clone shares the data; it must not change */
	bool own_headers;	/* a clone of a payload-only skb, the headers
				 * pushed into its own headroom: writable
				 */
	bool share_page;	/* another skb holds the fragment page too */
	bool no_headroom;
	bool no_tailroom;
	u16 mss;		/* 0: SYN_MSS */
};

#define ALL_LINEAR	-128
/* Linear up to @at bytes into the TCP header (@where), the rest in a page. */
#define SPLIT_AT(at, where)	{ "split " where, .lin = at }

static const struct shape shapes[] = {
	{ "linear", .lin = ALL_LINEAR },
	{ "linear, MSS at an odd offset", .lin = ALL_LINEAR, .opts = OPTS_ODD },
	{ "linear, MSS below the ceiling", .lin = ALL_LINEAR, .mss = 1400 },
	{ "linear, no headroom", .lin = ALL_LINEAR, .no_headroom = true },
	{ "linear, no tailroom", .lin = ALL_LINEAR, .no_tailroom = true },
	{ "TCP header all in a fragment", .lin = 0 },
	SPLIT_AT(12, "before the data offset byte"),
	SPLIT_AT(13, "before the flags byte"),
	SPLIT_AT(14, "after the flags byte"),
	SPLIT_AT(17, "inside the checksum field"),
	SPLIT_AT(20, "after the fixed header"),
	SPLIT_AT(21, "inside the MSS option, after its kind"),
	SPLIT_AT(22, "between the MSS option's length and value"),
	SPLIT_AT(23, "inside the MSS value"),
	SPLIT_AT(24, "after the MSS option"),
	SPLIT_AT(30, "inside the timestamps option"),
	{ "header linear, payload in a fragment", .lin = 40 },
	{ "odd MSS offset, split inside the value", .lin = 28,
	  .opts = OPTS_ODD },
	{ "odd MSS offset, split before the value", .lin = 27,
	  .opts = OPTS_ODD },
	{ "header across three fragments", .lin = 10, .frags = { 7, 6 } },
	{ "one fragment per MSS byte", .lin = 20, .frags = { 1, 1, 1, 1, 1 } },
	{ "split inside the checksum, no tailroom", .lin = 17,
	  .no_tailroom = true },
	{ "split inside the MSS value, no headroom", .lin = 23,
	  .no_headroom = true },
	{ "rest in a frag_list skb", .lin = 20, .frag_list = true },
	{ "TCP header in a frag_list skb", .lin = 0, .frag_list = true },
	{ "fragment page shared with another skb", .lin = 21,
	  .share_page = true },
	{ "cloned, linear", .lin = ALL_LINEAR, .clone = true },
	{ "cloned, linear, MSS below the ceiling", .lin = ALL_LINEAR,
	  .clone = true, .mss = 1400 },
	{ "cloned, split inside the MSS value", .lin = 23, .clone = true },
	{ "cloned, no tailroom", .lin = 17, .clone = true,
	  .no_tailroom = true },
	{ "cloned, header in a frag_list skb", .lin = 0, .frag_list = true,
	  .clone = true },
	{ "clone that owns its headers", .lin = ALL_LINEAR,
	  .own_headers = true },
	{ "clone that owns its headers, MSS below the ceiling",
	  .lin = ALL_LINEAR, .own_headers = true, .mss = 1400 },
	{ "IPv6: split inside a hop-by-hop header", .v6_only = true,
	  .lin = -4 },
	{ "IPv6: hop-by-hop header all in a fragment", .v6_only = true,
	  .lin = -8 },
};

static void shape_desc(const struct shape *s, char *desc)
{
	strscpy(desc, s->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(shape, shapes, shape_desc);

static const u8 csum_states[] = {
	CHECKSUM_NONE, CHECKSUM_UNNECESSARY, CHECKSUM_COMPLETE,
	CHECKSUM_PARTIAL,
};

static const char * const csum_names[] = {
	[CHECKSUM_NONE] = "NONE",
	[CHECKSUM_UNNECESSARY] = "UNNECESSARY",
	[CHECKSUM_COMPLETE] = "COMPLETE",
	[CHECKSUM_PARTIAL] = "PARTIAL",
};

/* A packet as flat bytes, and where things are in it. */
struct pkt {
	u8 b[PKT_MAX];
	unsigned int len;	/* the whole packet */
	unsigned int thoff;	/* the TCP header */
	unsigned int mss_at;	/* the MSS value, from the packet's start */
	unsigned int thend;	/* the end of the TCP header */
	bool v6;
};

/* One run: the shape, the family, the checksum state. */
struct run {
	const struct shape *s;
	bool v6;
	u8 csum;
	char what[96];
};

static __sum16 pkt_tcp_magic(const struct pkt *p, __wsum sum)
{
	unsigned int tlen = p->len - p->thoff;

	if (p->v6) {
		const struct ipv6hdr *ip6 = (const struct ipv6hdr *)p->b;

		return csum_ipv6_magic(&ip6->saddr, &ip6->daddr, tlen,
				       IPPROTO_TCP, sum);
	}
	return csum_tcpudp_magic(((const struct iphdr *)p->b)->saddr,
				 ((const struct iphdr *)p->b)->daddr, tlen,
				 IPPROTO_TCP, sum);
}

/* The TCP checksum of @p computed from scratch, the field taken as 0. */
static __sum16 pkt_full_csum(struct pkt *p)
{
	u8 *check = p->b + p->thoff + CHECK_OFF;
	u8 save[2] = { check[0], check[1] };
	__sum16 sum;

	check[0] = 0;
	check[1] = 0;
	sum = pkt_tcp_magic(p, csum_partial(p->b + p->thoff,
					    p->len - p->thoff, 0));
	check[0] = save[0];
	check[1] = save[1];
	return sum;
}

static void pkt_set_check(struct pkt *p, __sum16 sum)
{
	memcpy(p->b + p->thoff + CHECK_OFF, &sum, sizeof(sum));
}

/* Build the SYN of @r as flat bytes, with a correct TCP checksum. */
static void pkt_build(struct pkt *p, const struct run *r)
{
	static const u8 linux_opts[] = {
		TCPOPT_MSS, TCPOLEN_MSS, 0, 0,
		TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM,
		TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, 0x8a, 0x3b, 0x11, 0x07,
		0, 0, 0, 0,
		TCPOPT_NOP, TCPOPT_WINDOW, TCPOLEN_WINDOW, 7,
	};
	static const u8 odd_opts[] = {
		TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM,
		TCPOPT_WINDOW, TCPOLEN_WINDOW, 9,
		TCPOPT_MSS, TCPOLEN_MSS, 0, 0,
		TCPOPT_EOL, TCPOPT_EOL, TCPOPT_EOL,
	};
	const u8 *opts = r->s->opts == OPTS_ODD ? odd_opts : linux_opts;
	size_t optlen = r->s->opts == OPTS_ODD ? sizeof(odd_opts) :
						 sizeof(linux_opts);
	unsigned int mss_opt = r->s->opts == OPTS_ODD ? 5 : 0;
	struct tcphdr *th;
	unsigned int nh;

	memset(p, 0, sizeof(*p));
	p->v6 = r->v6;
	if (r->v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)p->b;

		ip6->version = 6;
		ip6->hop_limit = 64;
		ip6->saddr.s6_addr32[0] = htonl(0x20010db8);
		ip6->saddr.s6_addr32[1] = htonl(0x00010000);
		ip6->saddr.s6_addr32[3] = htonl(2);
		ip6->daddr = ip6->saddr;
		ip6->daddr.s6_addr32[1] = htonl(0x00020000);
		nh = sizeof(*ip6);
		if (r->s->v6_only) {
			/* Hop-by-hop, 8 bytes: PadN over the last 6. */
			ip6->nexthdr = NEXTHDR_HOP;
			p->b[nh] = IPPROTO_TCP;
			p->b[nh + 1] = 0;
			p->b[nh + 2] = 1;
			p->b[nh + 3] = 4;
			nh += 8;
		} else {
			ip6->nexthdr = IPPROTO_TCP;
		}
	} else {
		struct iphdr *iph = (struct iphdr *)p->b;

		test_iph(iph, 5, IPPROTO_TCP, 0xc0000202); /* 192.0.2.2 */
		iph->frag_off = htons(IP_DF);
		nh = sizeof(*iph);
	}
	p->thoff = nh;
	th = (struct tcphdr *)(p->b + nh);
	th->source = htons(40000);
	th->dest = htons(443);
	th->seq = htonl(0x11223344);
	th->doff = (sizeof(*th) + optlen) / 4;
	th->syn = 1;
	th->window = htons(64240);
	memcpy(th + 1, opts, optlen);
	p->mss_at = nh + sizeof(*th) + mss_opt + 2;
	put_unaligned_be16(r->s->mss ?: SYN_MSS, p->b + p->mss_at);
	p->len = nh + sizeof(*th) + optlen;
	p->thend = p->len;
	memset(p->b + p->len, 'd', PAYLOAD_LEN);
	p->len += PAYLOAD_LEN;

	if (r->v6) {
		put_unaligned_be16(p->len - sizeof(struct ipv6hdr), p->b + 4);
	} else {
		put_unaligned_be16(p->len, p->b + 2);
		ip_send_check((struct iphdr *)p->b);
	}
	pkt_set_check(p, pkt_full_csum(p));
}

/* What is built, to be freed at the end. */
struct built {
	struct sk_buff *skb;
	struct sk_buff *clone;
	struct sk_buff *other;	/* holds the shared page */
	unsigned int headroom;	/* before the network header */
};

static void built_free(struct built *b)
{
	kfree_skb(b->clone);
	kfree_skb(b->other);
	kfree_skb(b->skb);
	memset(b, 0, sizeof(*b));
}

/* Put @len bytes of @p from @off into page fragments of the skb. */
static void add_frags(struct kunit *test, struct built *b,
		      const struct shape *s, const struct pkt *p,
		      unsigned int off, unsigned int len)
{
	struct sk_buff *skb = b->skb;
	struct page *page;
	unsigned int i, n, poff = 0;

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memcpy(page_address(page), p->b + off, len);
	for (i = 0; len; i++) {
		n = i < MAX_SPLITS && s->frags[i] ? s->frags[i] : len;
		n = min(n, len);
		if (i)
			get_page(page);
		skb_fill_page_desc(skb, i, page, poff, n);
		poff += n;
		len -= n;
		skb->len += n;
		skb->data_len += n;
	}
	skb->truesize += PAGE_SIZE;

	if (s->share_page) {
		/* Another skb with the same bytes in the same page. */
		b->other = alloc_skb(0, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, b->other);
		get_page(page);
		skb_fill_page_desc(b->other, 0, page, 0, poff);
		b->other->len = poff;
		b->other->data_len = poff;
		b->other->truesize += PAGE_SIZE;
	}
}

/* Put @len bytes of @p from @off into a frag_list skb. */
static void add_frag_list(struct kunit *test, struct built *b,
			  const struct pkt *p, unsigned int off,
			  unsigned int len)
{
	struct sk_buff *fskb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fskb);
	skb_put_data(fskb, p->b + off, len);
	skb_shinfo(b->skb)->frag_list = fskb;
	b->skb->len += len;
	b->skb->data_len += len;
	b->skb->truesize += fskb->truesize;
}

/*
 * As TCP transmits: the payload in an skb whose header is released, the
 * headers pushed into the headroom of a clone of it. The clone's headers
 * are its own to write; the payload-only skb is b->other.
 */
static struct sk_buff *build_own_headers(struct kunit *test, struct built *b,
					 const struct pkt *p)
{
	unsigned int hdrs = p->thend;
	struct sk_buff *skb;

	b->other = alloc_skb(HEADROOM + p->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->other);
	skb_reserve(b->other, HEADROOM + hdrs);
	skb_put_data(b->other, p->b + hdrs, p->len - hdrs);
	__skb_header_release(b->other);
	skb = skb_clone(b->other, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	memcpy(skb_push(skb, hdrs), p->b, hdrs);
	KUNIT_ASSERT_TRUE(test, skb_cloned(skb));
	KUNIT_ASSERT_TRUE(test, skb_clone_writable(skb, hdrs));
	return skb;
}

/* The linear part as long as the shape says, the rest after it. */
static struct sk_buff *build_split(struct kunit *test, struct built *b,
				   const struct shape *s, const struct pkt *p)
{
	unsigned int lin = s->lin == ALL_LINEAR ? p->len : p->thoff + s->lin;
	struct sk_buff *skb;

	skb = alloc_skb(HEADROOM + lin, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	b->skb = skb;
	if (s->no_tailroom)
		skb_reserve(skb, skb_tailroom(skb) - lin);
	else if (!s->no_headroom)
		skb_reserve(skb, HEADROOM);
	skb_put_data(skb, p->b, lin);
	if (s->no_tailroom)
		KUNIT_ASSERT_EQ(test, skb_tailroom(skb), 0);
	if (s->no_headroom)
		KUNIT_ASSERT_EQ(test, skb_headroom(skb), 0);
	if (lin < p->len) {
		if (s->frag_list)
			add_frag_list(test, b, p, lin, p->len - lin);
		else
			add_frags(test, b, s, p, lin, p->len - lin);
	}
	return skb;
}

/* Lay @p out as shape @r->s says, in checksum state @r->csum. */
static void build(struct kunit *test, struct built *b, const struct run *r,
		  const struct pkt *p)
{
	const struct shape *s = r->s;
	struct sk_buff *skb;

	memset(b, 0, sizeof(*b));
	if (s->own_headers)
		skb = build_own_headers(test, b, p);
	else
		skb = build_split(test, b, s, p);
	b->skb = skb;
	b->headroom = skb_headroom(skb);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, p->thoff);
	skb->protocol = htons(r->v6 ? ETH_P_IPV6 : ETH_P_IP);

	skb->ip_summed = r->csum;
	if (r->csum == CHECKSUM_COMPLETE) {
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
	} else if (r->csum == CHECKSUM_PARTIAL) {
		skb->csum_start = skb_headroom(skb) + p->thoff;
		skb->csum_offset = CHECK_OFF;
	}
	if (s->clone) {
		b->clone = skb_clone(skb, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, b->clone);
	}
}

static unsigned int run_hook(struct test_af *t, struct sk_buff *skb)
{
	struct nf_hook_state state = {};
	unsigned int verdict;

	rcu_read_lock();
	if (t->af.family == MSSCLAMP_FAMILY_IPV6)
		verdict = mssclamp_hook_v6(&t->af, skb, &state);
	else
		verdict = mssclamp_hook_v4(&t->af, skb, &state);
	rcu_read_unlock();
	return verdict;
}

enum outcome {
	CLAMPED,
	UNCHANGED,
	ERROR,
};

static const char * const outcome_names[] = {
	[CLAMPED] = "clamped", [UNCHANGED] = "unchanged", [ERROR] = "error",
};

/* The counters say one SYN, and @want. */
static void expect_counted(struct kunit *test, const struct run *r,
			   struct test_af *t, enum outcome want)
{
	struct mssclamp_stats s;

	mssclamp_stats_fold(&t->af, &s);
	KUNIT_EXPECT_EQ_MSG(test, STAT(s, SYN), 1, "%s: syn", r->what);
	KUNIT_EXPECT_EQ_MSG(test, STAT(s, SYNACK), 0, "%s: synack", r->what);
	KUNIT_EXPECT_EQ_MSG(test, STAT(s, CLAMPED_SYN), want == CLAMPED,
			    "%s: clamped_syn", r->what);
	KUNIT_EXPECT_EQ_MSG(test, STAT(s, CLAMPED_SYNACK), 0, "%s: clamped_synack",
			    r->what);
	KUNIT_EXPECT_EQ_MSG(test, STAT(s, UNCHANGED), want == UNCHANGED,
			    "%s: unchanged", r->what);
	KUNIT_EXPECT_EQ_MSG(test, STAT(s, ERRORS), want == ERROR, "%s: errors",
			    r->what);
	KUNIT_EXPECT_EQ_MSG(test, STAT(s, NO_MSS) + STAT(s, MALFORMED) + STAT(s, FRAGMENTS), 0,
			    "%s: no_mss, malformed, fragments", r->what);
}

/* The first differing byte of two buffers, or -1. */
static int first_diff(const u8 *a, const u8 *b, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

static void expect_bytes(struct kunit *test, const struct run *r,
			 const char *whose, struct sk_buff *skb,
			 const struct pkt *want)
{
	u8 got[PKT_MAX];
	int d;

	KUNIT_ASSERT_EQ_MSG(test, skb->len, want->len, "%s: %s length",
			    r->what, whose);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, got, skb->len));
	d = first_diff(got, want->b, want->len);
	KUNIT_EXPECT_EQ_MSG(test, d, -1,
			    "%s: %s differs at byte %d (0x%02x, want 0x%02x)",
			    r->what, whose, d, d >= 0 ? got[d] : 0,
			    d >= 0 ? want->b[d] : 0);
}

/*
 * What the packet must be after the hook: @orig, and if @clamp the MSS at
 * the ceiling and (unless PARTIAL) a checksum computed from scratch.
 */
static void expected(struct pkt *want, const struct pkt *orig,
		     const struct run *r, u16 ceiling, bool clamp)
{
	*want = *orig;
	if (!clamp)
		return;
	put_unaligned_be16(ceiling, want->b + want->mss_at);
	if (r->csum != CHECKSUM_PARTIAL)
		pkt_set_check(want, pkt_full_csum(want));
}

/*
 * CHECKSUM_PARTIAL: the field holds the pseudo-header sum; finish the
 * checksum as the device would, and check the segment then verifies.
 */
static void expect_partial_finishes(struct kunit *test, const struct run *r,
				    struct sk_buff *skb, const struct pkt *p)
{
	struct pkt now = *p;
	__sum16 sum;

	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(skb, 0, now.b, now.len));
	sum = csum_fold(csum_partial(now.b + now.thoff, now.len - now.thoff,
				     0));
	pkt_set_check(&now, sum);
	KUNIT_EXPECT_EQ_MSG(test, pkt_tcp_magic(&now,
						csum_partial(now.b + now.thoff,
							     now.len - now.thoff, 0)),
			    0, "%s: the finished checksum does not verify",
			    r->what);
}

static void run_desc(struct run *r, const struct shape *s, bool v6, u8 csum)
{
	r->s = s;
	r->v6 = v6;
	r->csum = csum;
	snprintf(r->what, sizeof(r->what), "%s, %s, CHECKSUM_%s", s->name,
		 v6 ? "IPv6" : "IPv4", csum_names[csum]);
}

/* Give @orig the checksum field its state asks for. */
static void pkt_for_state(struct pkt *p, const struct run *r)
{
	pkt_build(p, r);
	if (r->csum == CHECKSUM_PARTIAL)
		pkt_set_check(p, ~pkt_tcp_magic(p, 0));
}

/*
 * The TCP header is in the linear part and not shared: the hook must
 * rewrite it where it is.
 */
static bool in_place(const struct shape *s, const struct pkt *p)
{
	if (s->clone || s->frag_list)
		return false;
	return s->lin == ALL_LINEAR || (int)p->thoff + s->lin >= (int)p->thend;
}

/* One shape, one family, one checksum state; @fail_nth 0 for no fault. */
static enum outcome run_one(struct kunit *test, const struct run *r,
			    unsigned int fail_nth, bool *injected)
{
	struct pkt orig, want;
	struct built b;
	struct test_af t;
	enum outcome got;
	unsigned int verdict;
	unsigned char *head;
	u16 ceiling;
	bool clamp;
	u8 mss_now[2];

	test_af_init(test, &t, r->v6, 0);
	ceiling = t.cfg->mss;
	pkt_for_state(&orig, r);
	clamp = get_unaligned_be16(orig.b + orig.mss_at) > ceiling;
	build(test, &b, r, &orig);
	head = b.skb->head;

#ifdef CONFIG_FAULT_INJECTION
	current->fail_nth = fail_nth;
#endif
	verdict = run_hook(&t, b.skb);
#ifdef CONFIG_FAULT_INJECTION
	*injected = fail_nth && !current->fail_nth;
	current->fail_nth = 0;
#else
	*injected = false;
#endif
	KUNIT_EXPECT_EQ_MSG(test, verdict, NF_ACCEPT, "%s: verdict", r->what);

	/* Clamped, or (only when it could not be) left as it was. */
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(b.skb, orig.mss_at, mss_now, 2));
	if (!clamp)
		got = UNCHANGED;
	else if (get_unaligned_be16(mss_now) == ceiling)
		got = CLAMPED;
	else
		got = ERROR;
	if (!*injected)
		KUNIT_EXPECT_NE_MSG(test, got, ERROR,
				    "%s: not clamped without a fault", r->what);
	expected(&want, &orig, r, ceiling, got == CLAMPED);
	expect_bytes(test, r, "the packet", b.skb, &want);
	expect_counted(test, r, &t, got);

	KUNIT_EXPECT_EQ_MSG(test, skb_network_offset(b.skb), 0,
			    "%s: network header moved", r->what);
	KUNIT_EXPECT_EQ_MSG(test, skb_transport_offset(b.skb), (int)orig.thoff,
			    "%s: transport header moved", r->what);
	if (r->csum == CHECKSUM_COMPLETE)
		KUNIT_EXPECT_EQ_MSG(test, csum_fold(b.skb->csum),
				    csum_fold(skb_checksum(b.skb, 0,
							   b.skb->len, 0)),
				    "%s: skb->csum no longer matches", r->what);
	if (r->csum == CHECKSUM_PARTIAL) {
		KUNIT_EXPECT_EQ_MSG(test, skb_checksum_start_offset(b.skb),
				    (int)orig.thoff, "%s: csum_start moved",
				    r->what);
		expect_partial_finishes(test, r, b.skb, &want);
	}
	if (b.clone)
		expect_bytes(test, r, "the clone", b.clone, &orig);
	if (b.clone && got == UNCHANGED)
		KUNIT_EXPECT_PTR_EQ_MSG(test, b.clone->head, b.skb->head,
					"%s: copied though nothing was written",
					r->what);
	if (in_place(r->s, &orig))
		KUNIT_EXPECT_PTR_EQ_MSG(test, b.skb->head, head,
					"%s: not rewritten in place", r->what);
	if (b.other) {
		struct pkt tail = orig;
		unsigned int off = orig.len - b.other->len;

		memmove(tail.b, orig.b + off, b.other->len);
		tail.len = b.other->len;
		expect_bytes(test, r, "the skb sharing the page", b.other,
			     &tail);
	}

	built_free(&b);
	test_af_fini(&t);
	if (fail_nth)
		kunit_info(test, "%s, allocation %u fails: %s\n", r->what,
			   fail_nth, *injected ? outcome_names[got] :
			   "no such allocation");
	return got;
}

/* Every shape in both families and every checksum state, no fault. */
static void mssclamp_shape_test(struct kunit *test)
{
	const struct shape *s = test->param_value;
	unsigned int i, fam;
	bool injected;
	struct run r;

	for (fam = 0; fam < 2; fam++) {
		if (s->v6_only && !fam)
			continue;
		for (i = 0; i < ARRAY_SIZE(csum_states); i++) {
			run_desc(&r, s, fam, csum_states[i]);
			run_one(test, &r, 0, &injected);
		}
	}
}

/*
 * Allocation failure: fail the hook's first, second, ... allocation until
 * it makes no more. Shapes that need no allocation (linear, not cloned)
 * must not make one.
 */
static void mssclamp_shape_enomem_test(struct kunit *test)
{
#ifdef CONFIG_FAILSLAB
	const struct shape *s = test->param_value;
	unsigned int n, fam, errors = 0;
	bool injected = true;
	enum outcome got;
	struct run r;

	for (fam = 0; fam < 2; fam++) {
		if (s->v6_only && !fam)
			continue;
		run_desc(&r, s, fam, fam ? CHECKSUM_COMPLETE : CHECKSUM_NONE);
		for (n = 1, injected = true; injected && n <= 16; n++) {
			got = run_one(test, &r, n, &injected);
			if (got == ERROR)
				errors++;
		}
		KUNIT_EXPECT_FALSE_MSG(test, injected,
				       "%s: still allocating after 16 faults",
				       r.what);
	}
	if (s->clone && !s->mss)
		KUNIT_EXPECT_GT_MSG(test, errors, 0,
				    "%s: a clone must be copied, and no failed copy was counted",
				    s->name);
	if (!s->clone && !s->frag_list && s->lin == ALL_LINEAR &&
	    !s->no_tailroom)
		KUNIT_EXPECT_EQ_MSG(test, errors, 0,
				    "%s: the hook allocated for a writable linear skb",
				    s->name);
#else
	kunit_skip(test, "needs CONFIG_FAILSLAB");
#endif
}

/*
 * The plainest case spelled out: a cloned SYN whose unsharing fails is
 * forwarded as it came and counted in errors; the same packet then
 * clamps once memory is there.
 */
static void mssclamp_enomem_clone_test(struct kunit *test)
{
#ifdef CONFIG_FAILSLAB
	const struct shape s = { "cloned", .lin = ALL_LINEAR, .clone = true };
	struct pkt orig, want;
	struct mssclamp_stats st;
	struct test_af t;
	struct built b;
	struct run r;

	run_desc(&r, &s, false, CHECKSUM_NONE);
	test_af_init(test, &t, false, 0);
	pkt_for_state(&orig, &r);
	build(test, &b, &r, &orig);

	current->fail_nth = 1;
	KUNIT_EXPECT_EQ(test, run_hook(&t, b.skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ_MSG(test, current->fail_nth, 0,
			    "the hook made no allocation to fail");
	current->fail_nth = 0;
	expect_bytes(test, &r, "the packet after a failed unshare", b.skb,
		     &orig);
	expect_bytes(test, &r, "the clone", b.clone, &orig);
	expect_counted(test, &r, &t, ERROR);

	/* Again, with memory: clamped, and the clone still as it was. */
	KUNIT_EXPECT_EQ(test, run_hook(&t, b.skb), NF_ACCEPT);
	expected(&want, &orig, &r, 1460, true);
	expect_bytes(test, &r, "the packet on the second pass", b.skb, &want);
	expect_bytes(test, &r, "the clone", b.clone, &orig);
	mssclamp_stats_fold(&t.af, &st);
	KUNIT_EXPECT_EQ(test, STAT(st, SYN), 2);
	KUNIT_EXPECT_EQ(test, STAT(st, ERRORS), 1);
	KUNIT_EXPECT_EQ(test, STAT(st, CLAMPED_SYN), 1);

	built_free(&b);
	test_af_fini(&t);
#else
	kunit_skip(test, "needs CONFIG_FAILSLAB");
#endif
}

static struct kunit_case mssclamp_shapes_cases[] = {
	KUNIT_CASE_PARAM(mssclamp_shape_test, shape_gen_params),
	KUNIT_CASE_PARAM(mssclamp_shape_enomem_test, shape_gen_params),
	KUNIT_CASE(mssclamp_enomem_clone_test),
	{}
};

MSSCLAMP_KUNIT_SUITE(mssclamp_shapes);

MODULE_LICENSE("GPL");
