/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MSS option rewriter: pure functions over the bytes of one TCP header,
 * with no kernel-only headers, so that the same code builds into the
 * module, the userspace unit tests, the fuzzer and the micro-benchmark. All
 * of it is inline: the hooks' SYN path makes no call for it and keeps its
 * result in registers.
 *
 * The whole option list is checked before a byte is written, so a malformed
 * header is never partly rewritten. The walk stops at End of Option List;
 * every other option but NOP must carry a length of at least 2 that stays
 * inside the header, an MSS option must be 4 bytes long and may appear once.
 *
 * The SYN layouts of Linux, Windows and macOS are recognised whole, with a
 * few word compares, before the general walk: most SYNs are one of them.
 *
 * With @fix_csum the TCP checksum field is updated incrementally
 * (RFC 1624, eqn. 3). Callers leave it off when the checksum is computed
 * later (CHECKSUM_PARTIAL), where the field holds only the pseudo-header sum.
 */
/*
 * The MSS option rewriter: a pure function over the bytes of one TCP
 * header. No kernel-only headers, so the same file builds into the module,
 * the userspace unit tests and the fuzzer.
 */
#ifndef MSSCLAMP_CLAMP_H
#define MSSCLAMP_CLAMP_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "clamp_user.h"
#endif

#define MSSCLAMP_TCPHDR_LEN	20	/* TCP header without options */
#define MSSCLAMP_TCPHDR_MAX	60	/* with 40 bytes of options */

enum mssclamp_verdict {
	MSSCLAMP_NO_MSS,	/* well formed, no MSS option: left alone */
	MSSCLAMP_UNCHANGED,	/* MSS already at or below the ceiling */
	MSSCLAMP_CLAMPED,	/* MSS lowered to the ceiling */
	MSSCLAMP_MALFORMED,	/* bad data offset or options: left alone */
};

struct mssclamp_result {
	u16 old_mss;	/* as found (host order); 0 without MSS */
	u16 new_mss;	/* as left (host order); 0 without MSS */
	u16 offset;	/* of the MSS value in the header; 0 without */
};

/**
 * mssclamp_data_offset - header length in bytes from the data offset field
 * @th: at least 13 bytes of a TCP header
 */
static inline unsigned int mssclamp_data_offset(const u8 *th)
{
	return (unsigned int)(th[12] >> 4) * 4;
}

#define MSSCLAMP_OPT_EOL	0
#define MSSCLAMP_OPT_NOP	1
#define MSSCLAMP_OPT_MSS	2
#define MSSCLAMP_OPT_MSS_LEN	4
#define MSSCLAMP_TCP_CHECK_OFFSET	16

static __always_inline u16 mssclamp_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static __always_inline void mssclamp_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* ~(~HC + ~m + m'), one's complement arithmetic, host order values. */
static __always_inline u16 mssclamp_csum_update16(u16 check, u16 from, u16 to)
{
	u32 sum = (u16)~check;

	sum += (u16)~from;
	sum += to;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static __always_inline u32 mssclamp_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/*
 * The SYN option layouts of the common stacks, as 32-bit words from the
 * first option byte; a zero bit in the mask is a value (MSS, window scale
 * shift, timestamps), not checked.
 */
#define MSSCLAMP_W_MSS		0x02040000	/* MSS, length 4, value */
#define MSSCLAMP_W_MSS_MASK	0xffff0000
#define MSSCLAMP_W_NOP_WS	0x01030300	/* NOP, window scale, shift */
#define MSSCLAMP_W_NOP_WS_MASK	0xffffff00
#define MSSCLAMP_W_SACKP_TS	0x0402080a	/* SACK-perm, timestamps (10) */
#define MSSCLAMP_W_NOPS_SACKP	0x01010402	/* NOP, NOP, SACK-perm */
#define MSSCLAMP_W_NOPS_TS	0x0101080a	/* NOP, NOP, timestamps (10) */
#define MSSCLAMP_W_SACKP_EOLS	0x04020000	/* SACK-perm, EOL, EOL */

/* Option word @i (from 0) of @th, masked. */
static __always_inline u32 mssclamp_optw(const u8 *th, unsigned int i, u32 mask)
{
	return mssclamp_get_be32(th + MSSCLAMP_TCPHDR_LEN + 4 * i) & mask;
}

/*
 * Recognise the whole option list of a Linux, Windows or macOS SYN with a
 * few word compares. Each of these layouts is well formed and holds one
 * MSS option, first, so the answer is the one mssclamp_find_mss() gives:
 * the offset of the MSS value. 0 for any other list, which
 * mssclamp_find_mss() then walks.
 */
static __always_inline int mssclamp_find_mss_known_layout(const u8 *th,
							  unsigned int hlen)
{
	switch (hlen) {
	case 40:	/* Linux: MSS, SACK-perm, timestamps, NOP, WS */
		if (mssclamp_optw(th, 0, MSSCLAMP_W_MSS_MASK) == MSSCLAMP_W_MSS &&
		    mssclamp_optw(th, 1, ~0U) == MSSCLAMP_W_SACKP_TS &&
		    mssclamp_optw(th, 4, MSSCLAMP_W_NOP_WS_MASK) ==
		    MSSCLAMP_W_NOP_WS)
			return MSSCLAMP_TCPHDR_LEN + 2;
		break;
	case 32:	/* Windows: MSS, NOP, WS, NOP, NOP, SACK-perm */
		if (mssclamp_optw(th, 0, MSSCLAMP_W_MSS_MASK) == MSSCLAMP_W_MSS &&
		    mssclamp_optw(th, 1, MSSCLAMP_W_NOP_WS_MASK) ==
		    MSSCLAMP_W_NOP_WS &&
		    mssclamp_optw(th, 2, ~0U) == MSSCLAMP_W_NOPS_SACKP)
			return MSSCLAMP_TCPHDR_LEN + 2;
		break;
	case 44:	/* macOS: MSS, NOP, WS, NOP, NOP, TS, SACK-perm, EOL, EOL */
		if (mssclamp_optw(th, 0, MSSCLAMP_W_MSS_MASK) == MSSCLAMP_W_MSS &&
		    mssclamp_optw(th, 1, MSSCLAMP_W_NOP_WS_MASK) ==
		    MSSCLAMP_W_NOP_WS &&
		    mssclamp_optw(th, 2, ~0U) == MSSCLAMP_W_NOPS_TS &&
		    mssclamp_optw(th, 5, ~0U) == MSSCLAMP_W_SACKP_EOLS)
			return MSSCLAMP_TCPHDR_LEN + 2;
		break;
	}
	return 0;
}

/*
 * Return the offset of the MSS option's value in @th, 0 when the options
 * hold none, or -1 when they are malformed.
 */
static inline int mssclamp_find_mss(const u8 *th, unsigned int hlen)
{
	unsigned int i = MSSCLAMP_TCPHDR_LEN;
	int found = 0;

	while (i < hlen) {
		unsigned int kind = th[i], optlen;

		if (kind == MSSCLAMP_OPT_EOL)
			break;
		if (kind == MSSCLAMP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hlen)
			return -1;
		optlen = th[i + 1];
		if (optlen < 2 || optlen > hlen - i)
			return -1;
		if (kind == MSSCLAMP_OPT_MSS) {
			if (optlen != MSSCLAMP_OPT_MSS_LEN || found)
				return -1;
			found = (int)i + 2;
		}
		i += optlen;
	}
	return found;
}

/**
 * mssclamp_scan - what mssclamp_rewrite() would do, without writing
 * @th: the TCP header
 * @len: bytes readable at @th (at least the header length to succeed)
 * @ceiling: the largest MSS to let through (host order)
 * @res: filled with the MSS found and the one that would be written
 *
 * Return: the verdict; MSSCLAMP_CLAMPED means a rewrite is needed.
 */
static __always_inline enum mssclamp_verdict
mssclamp_scan(const u8 *th, size_t len, u16 ceiling,
	      struct mssclamp_result *res)
{
	unsigned int hlen;
	u16 mss;
	int off;

	res->old_mss = 0;
	res->new_mss = 0;
	res->offset = 0;
	if (len < MSSCLAMP_TCPHDR_LEN)
		return MSSCLAMP_MALFORMED;
	hlen = mssclamp_data_offset(th);
	if (hlen < MSSCLAMP_TCPHDR_LEN || hlen > len)
		return MSSCLAMP_MALFORMED;

	off = mssclamp_find_mss_known_layout(th, hlen);
	if (!off)
		off = mssclamp_find_mss(th, hlen);
	if (off < 0)
		return MSSCLAMP_MALFORMED;
	if (off == 0)
		return MSSCLAMP_NO_MSS;

	mss = mssclamp_get_be16(th + off);
	res->old_mss = mss;
	res->new_mss = mss;
	res->offset = (u16)off;
	if (mss <= ceiling)
		return MSSCLAMP_UNCHANGED;
	res->new_mss = ceiling;
	return MSSCLAMP_CLAMPED;
}

/**
 * mssclamp_write_mss - write a new MSS value where mssclamp_scan() found one
 * @th: the TCP header, writable for its whole length
 * @off: the offset of the MSS value (struct mssclamp_result.offset)
 * @old: the value there (struct mssclamp_result.old_mss)
 * @mss: the value to write (host order)
 * @fix_csum: update the TCP checksum field incrementally
 *
 * Only the two bytes of the value, and with @fix_csum the two bytes of the
 * checksum, are written.
 */
static __always_inline void mssclamp_write_mss(u8 *th, unsigned int off,
					       u16 old, u16 mss, bool fix_csum)
{
	mssclamp_put_be16(th + off, mss);
	if (fix_csum) {
		/*
		 * The checksum sums aligned 16-bit words. A value at an odd
		 * offset straddles two of them: its high byte is the low
		 * byte of one word, its low byte the high byte of the next.
		 */
		u8 *chk = th + MSSCLAMP_TCP_CHECK_OFFSET;
		u16 check = mssclamp_get_be16(chk);

		if ((off & 1) == 0) {
			check = mssclamp_csum_update16(check, old, mss);
		} else {
			check = mssclamp_csum_update16(check,
						       (u16)(old >> 8),
						       (u16)(mss >> 8));
			check = mssclamp_csum_update16(check,
						       (u16)((old & 0xff) << 8),
						       (u16)((mss & 0xff) << 8));
		}
		mssclamp_put_be16(chk, check);
	}
}

/**
 * mssclamp_rewrite - lower the MSS option of a TCP header to a ceiling
 * @th: the TCP header, writable for its whole length
 * @len: bytes available at @th
 * @ceiling: the largest MSS to let through (host order)
 * @fix_csum: update the TCP checksum field incrementally
 * @res: filled with the MSS found and the one left in place
 *
 * Only the two bytes of the MSS value, and with @fix_csum the two bytes of
 * the checksum, are ever written, and only when the verdict is
 * MSSCLAMP_CLAMPED.
 */
static __always_inline enum mssclamp_verdict
mssclamp_rewrite(u8 *th, size_t len, u16 ceiling, bool fix_csum,
		 struct mssclamp_result *res)
{
	enum mssclamp_verdict v = mssclamp_scan(th, len, ceiling, res);

	if (v != MSSCLAMP_CLAMPED)
		return v;
	mssclamp_write_mss(th, res->offset, res->old_mss, ceiling, fix_csum);
	return MSSCLAMP_CLAMPED;
}

#endif /* MSSCLAMP_CLAMP_H */
