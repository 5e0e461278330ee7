// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the MSS option rewriter, mssclamp_rewrite() and
 * mssclamp_scan() in kmod/clamp.h.
 *
 * Each case is a SYN whose options are spelled out byte by byte. The test
 * gives it a valid checksum over an IPv4 pseudo header, runs the rewriter
 * and compares the whole buffer with what must come out: when clamped, the
 * input with the new MSS value and a checksum computed from scratch by the
 * kernel's csum_partial()/csum_tcpudp_magic(); otherwise the input, byte for
 * byte.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/tcp.h>

#include "clamp.h"
#include "test_af.h"

#define OPTS_MAX	(MSSCLAMP_TCPHDR_MAX - MSSCLAMP_TCPHDR_LEN)
#define PAYLOAD_MAX	8
#define SEG_MAX		(MSSCLAMP_TCPHDR_MAX + PAYLOAD_MAX)
#define CHECK_OFF	offsetof(struct tcphdr, check)
#define URG_OFF		offsetof(struct tcphdr, urg_ptr)

/* Option kinds, short for the tables below; lengths and values follow. */
#define EOL		TCPOPT_EOL
#define NOP		TCPOPT_NOP
#define MSS		TCPOPT_MSS
#define WS		TCPOPT_WINDOW
#define SACKOK		TCPOPT_SACK_PERM
#define TS		TCPOPT_TIMESTAMP

struct clamp_case {
	const char *desc;
	u8 doff;		/* data offset field, in 32-bit words */
	u8 opts[OPTS_MAX];	/* from byte 20 on; zeros (EOL) pad them */
	u8 payload;		/* bytes of data after the header */
	u8 len;			/* bytes for the rewriter; 0: all */
	u16 ceiling;
	enum mssclamp_verdict verdict;
	u16 old_mss;		/* expected in the result */
	u16 mss_at;		/* offset of the MSS value; 0: none */
};

/*
 * A SYN whose only option is an MSS of @mss (bytes @hi, @lo), at offset
 * 22, against ceiling @max: verdict MSSCLAMP_@v.
 */
#define MSS_ALONE(name, mss, hi, lo, max, v)				\
	{ .desc = name, .doff = 6, .opts = { MSS, 4, hi, lo },		\
	  .ceiling = max, .verdict = MSSCLAMP_##v, .old_mss = mss,	\
	  .mss_at = 22 }

/*
 * Options @... in a header of @doff_words, @bytes of it handed to the
 * rewriter (0: all): malformed (ceiling 1460).
 */
#define MALFORMED(name, doff_words, bytes, ...)				\
	{ .desc = name, .doff = doff_words, .len = bytes,		\
	  .opts = { __VA_ARGS__ },					\
	  .ceiling = 1460, .verdict = MSSCLAMP_MALFORMED }

static const struct clamp_case clamp_cases[] = {
	/* Where the MSS option sits. */
	MSS_ALONE("mss alone, clamped", 9000, 0x23, 0x28, 1460, CLAMPED),
	{
		.desc = "linux syn: mss sack-perm ts nop wscale",
		.doff = 10,
		.opts = { MSS, 4, 0xff, 0xd7,
			  SACKOK, 2,
			  TS, 10, 0x8a, 0x3b, 0x11, 0x07, 0, 0, 0, 0,
			  NOP, WS, 3, 7 },
		.ceiling = 1460, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 65495, .mss_at = 22,
	}, {
		.desc = "after two nops and timestamps",
		.doff = 9,
		.opts = { NOP, NOP,
			  TS, 10, 0x8a, 0x3b, 0x11, 0x07, 0, 0, 0, 0,
			  MSS, 4, 0x23, 0x00 },
		.ceiling = 1400, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 8960, .mss_at = 34,
	}, {
		.desc = "after sack-perm and wscale, odd offset",
		.doff = 8,
		.opts = { SACKOK, 2, WS, 3, 9, MSS, 4, 0x23, 0x00, EOL },
		.ceiling = 1440, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 8960, .mss_at = 27,
	}, {
		.desc = "after one nop, odd offset",
		.doff = 7,
		.opts = { NOP, MSS, 4, 0x23, 0x28, NOP, NOP, NOP },
		.ceiling = 1460, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 9000, .mss_at = 23,
	}, {
		.desc = "after an unknown option",
		.doff = 8,
		.opts = { 254, 6, 0xf9, 0x89, 1, 2, MSS, 4, 0x05, 0xdc,
			  NOP, NOP },
		.ceiling = 1452, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 1500, .mss_at = 28,
	}, {
		.desc = "mss in the last four bytes of a 60-byte header",
		.doff = 15,
		.opts = { NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
			  NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
			  NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
			  NOP, NOP, NOP, NOP, NOP, NOP, MSS, 4, 0x23, 0x28 },
		.ceiling = 1460, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 9000, .mss_at = 58,
	}, {
		.desc = "syn with 5 bytes of data, odd length",
		.doff = 6, .payload = 5,
		.opts = { MSS, 4, 0x23, 0x28 },
		.ceiling = 1460, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 9000, .mss_at = 22,
	}, {
		.desc = "bytes after eol are not options",
		.doff = 7,
		.opts = { MSS, 4, 0x23, 0x28, EOL, WS, 0, 0 },
		.ceiling = 1460, .verdict = MSSCLAMP_CLAMPED,
		.old_mss = 9000, .mss_at = 22,
	},

	/* The ceiling. */
	MSS_ALONE("below the ceiling", 1400, 0x05, 0x78, 1460, UNCHANGED),
	MSS_ALONE("equal to the ceiling", 1460, 0x05, 0xb4, 1460, UNCHANGED),
	MSS_ALONE("one above the ceiling", 1461, 0x05, 0xb5, 1460, CLAMPED),
	MSS_ALONE("65535 to 536", 65535, 0xff, 0xff, 536, CLAMPED),
	{
		.desc = "below the ceiling, odd offset",
		.doff = 7,
		.opts = { NOP, MSS, 4, 0x04, 0xb0, NOP, NOP, NOP },
		.ceiling = 1460, .verdict = MSSCLAMP_UNCHANGED,
		.old_mss = 1200, .mss_at = 23,
	},
	MSS_ALONE("mss zero is left alone", 0, 0, 0, 1460, UNCHANGED),

	/* No MSS option. */
	{
		.desc = "no options",
		.doff = 5,
		.ceiling = 1460, .verdict = MSSCLAMP_NO_MSS,
	}, {
		.desc = "options without mss",
		.doff = 9,
		.opts = { SACKOK, 2,
			  TS, 10, 0x8a, 0x3b, 0x11, 0x07, 0, 0, 0, 0,
			  NOP, WS, 3, 7 },
		.ceiling = 1460, .verdict = MSSCLAMP_NO_MSS,
	}, {
		.desc = "mss after eol is not an option",
		.doff = 7,
		.opts = { EOL, NOP, NOP, NOP, MSS, 4, 0x23, 0x28 },
		.ceiling = 1460, .verdict = MSSCLAMP_NO_MSS,
	},

	/* Malformed: left byte for byte as they are. */
	MALFORMED("data offset 4", 4, 20),
	MALFORMED("data offset 0", 0, 20),
	MALFORMED("shorter than 20 bytes", 5, 19),
	MALFORMED("data offset past the end", 8, 28,
		  MSS, 4, 0x23, 0x28, NOP, NOP, NOP, NOP),
	MALFORMED("option length 0 before mss", 7, 0,
		  WS, 0, 7, NOP, MSS, 4, 0x23, 0x28),
	MALFORMED("option length 0 after mss", 7, 0,
		  MSS, 4, 0x23, 0x28, WS, 0, 7, NOP),
	MALFORMED("option length 1", 7, 0, WS, 1, NOP, NOP, MSS, 4, 0x23, 0x28),
	MALFORMED("option past the end after mss", 7, 0,
		  MSS, 4, 0x23, 0x28, TS, 10, 1, 2),
	MALFORMED("mss past the end", 7, 0,
		  NOP, NOP, NOP, NOP, NOP, NOP, MSS, 4, 0x23, 0x28),
	MALFORMED("mss length 3", 6, 0, MSS, 3, 0x23, NOP),
	MALFORMED("mss length 6", 7, 0, MSS, 6, 0x23, 0x28, 0, 0, NOP, NOP),
	MALFORMED("mss twice", 7, 0, MSS, 4, 0x23, 0x28, MSS, 4, 0x23, 0x28),
	MALFORMED("mss twice, both below the ceiling", 7, 0,
		  MSS, 4, 0x03, 0xe8, MSS, 4, 0x04, 0xb0),
	MALFORMED("kind without room for a length", 7, 0,
		  MSS, 4, 0x23, 0x28, NOP, NOP, NOP, WS),
	MALFORMED("mss kind in the last byte", 6, 0, NOP, NOP, NOP, MSS),
};

static void clamp_case_desc(const struct clamp_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(clamp, clamp_cases, clamp_case_desc);

/* The TCP checksum of @len bytes at @seg, from scratch. */
static __sum16 tcp_csum(const u8 *seg, unsigned int len)
{
	__be32 saddr = cpu_to_be32(0xc0000201);	/* 192.0.2.1 */
	__be32 daddr = cpu_to_be32(0xc6336402);	/* 198.51.100.2 */

	return csum_tcpudp_magic(saddr, daddr, len, IPPROTO_TCP,
				 csum_partial(seg, len, 0));
}

static void set_csum(u8 *seg, unsigned int len)
{
	__sum16 sum;

	memset(seg + CHECK_OFF, 0, 2);
	sum = tcp_csum(seg, len);
	memcpy(seg + CHECK_OFF, &sum, 2);
}

/* A SYN as the case describes it; returns the length to hand over. */
static unsigned int build_syn(const struct clamp_case *c, u8 *seg)
{
	struct tcphdr *th = (struct tcphdr *)seg;
	unsigned int hlen = c->doff * 4, len, i;

	memset(seg, 0, SEG_MAX);
	th->source = cpu_to_be16(40001);
	th->dest = cpu_to_be16(443);
	th->seq = cpu_to_be32(0x5eed1234);
	th->doff = c->doff;
	th->syn = 1;
	th->window = cpu_to_be16(64240);
	memcpy(seg + MSSCLAMP_TCPHDR_LEN, c->opts, sizeof(c->opts));
	for (i = 0; i < c->payload; i++)
		seg[hlen + i] = 0xd0 + i;
	len = c->len ?: hlen + c->payload;
	set_csum(seg, len);
	return len;
}

static void expect_bytes(struct kunit *test, const u8 *got, const u8 *want,
			 const char *what)
{
	unsigned int i;

	for (i = 0; i < SEG_MAX; i++) {
		if (got[i] != want[i]) {
			KUNIT_FAIL(test,
				   "%s: byte %u is %#04x, want %#04x\ngot  %*ph\nwant %*ph",
				   what, i, got[i], want[i],
				   MSSCLAMP_TCPHDR_MAX, got,
				   MSSCLAMP_TCPHDR_MAX, want);
			return;
		}
	}
}

static void expect_result(struct kunit *test, const struct clamp_case *c,
			  enum mssclamp_verdict v,
			  const struct mssclamp_result *res, const char *what)
{
	u16 new_mss = c->verdict == MSSCLAMP_CLAMPED ? c->ceiling : c->old_mss;

	KUNIT_EXPECT_EQ_MSG(test, v, c->verdict, "%s: verdict", what);
	KUNIT_EXPECT_EQ_MSG(test, res->old_mss, c->old_mss, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, res->new_mss, new_mss, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, res->offset, c->mss_at, "%s", what);
}

static void clamp_rewrite_test(struct kunit *test)
{
	const struct clamp_case *c = test->param_value;
	u8 in[SEG_MAX], out[SEG_MAX], want[SEG_MAX];
	struct mssclamp_result res;
	enum mssclamp_verdict v;
	unsigned int len;

	len = build_syn(c, in);
	memcpy(want, in, SEG_MAX);
	if (c->verdict == MSSCLAMP_CLAMPED) {
		put_unaligned_be16(c->ceiling, want + c->mss_at);
		set_csum(want, len);
	}

	/* mssclamp_scan(): the same answer, and nothing written. */
	memcpy(out, in, SEG_MAX);
	v = mssclamp_scan(out, len, c->ceiling, &res);
	expect_result(test, c, v, &res, "scan");
	expect_bytes(test, out, in, "scan");

	/* The checksum updated in place equals a full recomputation. */
	memcpy(out, in, SEG_MAX);
	v = mssclamp_rewrite(out, len, c->ceiling, true, &res);
	expect_result(test, c, v, &res, "rewrite");
	expect_bytes(test, out, want, "rewrite");
	KUNIT_EXPECT_EQ_MSG(test, (__force u16)tcp_csum(out, len), 0,
			    "the segment no longer verifies");

	/* Without fix_csum only the MSS value may change. */
	memcpy(out, in, SEG_MAX);
	v = mssclamp_rewrite(out, len, c->ceiling, false, &res);
	expect_result(test, c, v, &res, "rewrite without checksum");
	memcpy(want + CHECK_OFF, in + CHECK_OFF, 2);
	expect_bytes(test, out, want, "rewrite without checksum");

	/* Clamped once, a second pass finds nothing to do. */
	if (c->verdict == MSSCLAMP_CLAMPED) {
		v = mssclamp_rewrite(out, len, c->ceiling, true, &res);
		KUNIT_EXPECT_EQ(test, v, MSSCLAMP_UNCHANGED);
		KUNIT_EXPECT_EQ(test, res.old_mss, c->ceiling);
		expect_bytes(test, out, want, "second rewrite");
	}
}

/*
 * One's complement has two zeros. The urgent pointer is set so that the
 * checksum field is 0x0000 before or after the rewrite: the incremental
 * update must agree with a full recomputation there too.
 */
struct csum_edge {
	const char *desc;
	struct clamp_case c;
	bool zero_before;	/* else zero after */
};

static const struct csum_edge csum_edges[] = {
	{
		.desc = "checksum 0 after, even offset",
		.c = { .doff = 6, .opts = { MSS, 4, 0x23, 0x28 },
		       .ceiling = 1460, .mss_at = 22 },
	}, {
		.desc = "checksum 0 after, odd offset",
		.c = { .doff = 7,
		       .opts = { NOP, MSS, 4, 0x23, 0x28, NOP, NOP, NOP },
		       .ceiling = 1460, .mss_at = 23 },
	}, {
		.desc = "checksum 0 before, even offset",
		.c = { .doff = 6, .opts = { MSS, 4, 0x23, 0x28 },
		       .ceiling = 1460, .mss_at = 22 },
		.zero_before = true,
	}, {
		.desc = "checksum 0 before, odd offset",
		.c = { .doff = 7,
		       .opts = { NOP, MSS, 4, 0x23, 0x28, NOP, NOP, NOP },
		       .ceiling = 1460, .mss_at = 23 },
		.zero_before = true,
	},
};

static void csum_edge_desc(const struct csum_edge *e, char *desc)
{
	strscpy(desc, e->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(csum_edge, csum_edges, csum_edge_desc);

static void clamp_csum_zero_test(struct kunit *test)
{
	const struct csum_edge *e = test->param_value;
	u8 in[SEG_MAX], want[SEG_MAX], *zero = e->zero_before ? in : want;
	struct mssclamp_result res;
	unsigned int len;
	__sum16 sum;

	len = build_syn(&e->c, in);
	memcpy(want, in, SEG_MAX);
	put_unaligned_be16(e->c.ceiling, want + e->c.mss_at);

	/*
	 * With the checksum field zero the segment sums to S; adding ~S in
	 * the urgent pointer makes it sum to 0xffff, whose checksum is 0.
	 */
	memset(zero + CHECK_OFF, 0, 2);
	sum = tcp_csum(zero, len);
	memcpy(in + URG_OFF, &sum, 2);
	memcpy(want + URG_OFF, &sum, 2);
	set_csum(in, len);
	set_csum(want, len);
	KUNIT_ASSERT_EQ(test, get_unaligned_be16(zero + CHECK_OFF), 0);

	KUNIT_EXPECT_EQ(test, mssclamp_rewrite(in, len, e->c.ceiling, true,
					       &res), MSSCLAMP_CLAMPED);
	expect_bytes(test, in, want, "rewrite");
}

/*
 * Many MSS values, ceilings and starting checksums, at an even and an odd
 * offset: whatever the carries, the update equals a full recomputation.
 */
static void clamp_csum_sweep_test(struct kunit *test)
{
	static const struct clamp_case layouts[] = {
		{ .doff = 6, .opts = { MSS, 4 }, .mss_at = 22 },
		{ .doff = 7, .opts = { NOP, MSS, 4, 0, 0, NOP, NOP, NOP },
		  .mss_at = 23 },
	};
	u8 in[SEG_MAX], want[SEG_MAX];
	struct mssclamp_result res;
	unsigned int i, n, len, bad = 0;
	u32 x = 0x2545f491;	/* xorshift32: the same values every run */

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		const struct clamp_case *c = &layouts[i];

		for (n = 0; n < 4096; n++) {
			u16 mss, ceiling;

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			mss = x >> 16;
			ceiling = x & 0xffff;
			if (mss <= ceiling)
				swap(mss, ceiling);
			if (mss == ceiling)
				continue;

			len = build_syn(c, in);
			put_unaligned_be32(x, in + 4);		/* seq */
			put_unaligned_be16(mss, in + c->mss_at);
			set_csum(in, len);
			memcpy(want, in, SEG_MAX);
			put_unaligned_be16(ceiling, want + c->mss_at);
			set_csum(want, len);

			mssclamp_rewrite(in, len, ceiling, true, &res);
			if (memcmp(in, want, SEG_MAX) && bad++ < 4)
				kunit_err(test,
					  "at %u: %u to %u: check %*ph, want %*ph\n",
					  c->mss_at, mss, ceiling, 2,
					  in + CHECK_OFF, 2, want + CHECK_OFF);
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
}

static struct kunit_case mssclamp_clamp_cases[] = {
	KUNIT_CASE_PARAM(clamp_rewrite_test, clamp_gen_params),
	KUNIT_CASE_PARAM(clamp_csum_zero_test, csum_edge_gen_params),
	KUNIT_CASE(clamp_csum_sweep_test),
	{}
};

MSSCLAMP_KUNIT_SUITE(mssclamp_clamp);

MODULE_LICENSE("GPL");
