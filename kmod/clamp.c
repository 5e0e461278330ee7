// SPDX-License-Identifier: GPL-2.0
/*
 * The MSS option rewriter.
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
#include "clamp.h"

#define TCPOPT_EOL_KIND		0
#define TCPOPT_NOP_KIND		1
#define TCPOPT_MSS_KIND		2
#define TCPOPT_MSS_LEN		4
#define TCP_CHECK_OFFSET	16

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* ~(~HC + ~m + m'), one's complement arithmetic, host order values. */
static u16 csum_update16(u16 check, u16 from, u16 to)
{
	u32 sum = (u16)~check;

	sum += (u16)~from;
	sum += to;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/*
 * The SYN option layouts of the common stacks, as 32-bit words from the
 * first option byte; a zero bit in the mask is a value (MSS, window scale
 * shift, timestamps), not checked.
 */
#define OPTW_MSS		0x02040000	/* MSS, length 4, value */
#define OPTW_MSS_MASK		0xffff0000
#define OPTW_NOP_WS		0x01030300	/* NOP, window scale, shift */
#define OPTW_NOP_WS_MASK	0xffffff00
#define OPTW_SACKP_TS		0x0402080a	/* SACK-perm, timestamps (10) */
#define OPTW_NOP_NOP_SACKP	0x01010402	/* NOP, NOP, SACK-perm */
#define OPTW_NOP_NOP_TS		0x0101080a	/* NOP, NOP, timestamps (10) */
#define OPTW_SACKP_EOL_EOL	0x04020000	/* SACK-perm, EOL, EOL */

/*
 * Recognise the whole option list of a Linux, Windows or macOS SYN with a
 * few word compares. Each of these layouts is well formed and holds one
 * MSS option, first, so the answer is the one find_mss() gives: the offset
 * of the MSS value. 0 for any other list, which find_mss() then walks.
 */
static int find_mss_known_layout(const u8 *th, unsigned int hlen)
{
	const u8 *opt = th + MSSCLAMP_TCPHDR_LEN;

	switch (hlen) {
	case 40:	/* Linux: MSS, SACK-perm, timestamps, NOP, WS */
		if ((get_be32(opt) & OPTW_MSS_MASK) == OPTW_MSS &&
		    get_be32(opt + 4) == OPTW_SACKP_TS &&
		    (get_be32(opt + 16) & OPTW_NOP_WS_MASK) == OPTW_NOP_WS)
			return MSSCLAMP_TCPHDR_LEN + 2;
		break;
	case 32:	/* Windows: MSS, NOP, WS, NOP, NOP, SACK-perm */
		if ((get_be32(opt) & OPTW_MSS_MASK) == OPTW_MSS &&
		    (get_be32(opt + 4) & OPTW_NOP_WS_MASK) == OPTW_NOP_WS &&
		    get_be32(opt + 8) == OPTW_NOP_NOP_SACKP)
			return MSSCLAMP_TCPHDR_LEN + 2;
		break;
	case 44:	/* macOS: MSS, NOP, WS, NOP, NOP, TS, SACK-perm, EOL, EOL */
		if ((get_be32(opt) & OPTW_MSS_MASK) == OPTW_MSS &&
		    (get_be32(opt + 4) & OPTW_NOP_WS_MASK) == OPTW_NOP_WS &&
		    get_be32(opt + 8) == OPTW_NOP_NOP_TS &&
		    get_be32(opt + 20) == OPTW_SACKP_EOL_EOL)
			return MSSCLAMP_TCPHDR_LEN + 2;
		break;
	}
	return 0;
}

/*
 * Return the offset of the MSS option's value in @th, 0 when the options
 * hold none, or -1 when they are malformed.
 */
static int find_mss(const u8 *th, unsigned int hlen)
{
	unsigned int i = MSSCLAMP_TCPHDR_LEN;
	int found = 0;

	while (i < hlen) {
		unsigned int kind = th[i], optlen;

		if (kind == TCPOPT_EOL_KIND)
			break;
		if (kind == TCPOPT_NOP_KIND) {
			i++;
			continue;
		}
		if (i + 1 >= hlen)
			return -1;
		optlen = th[i + 1];
		if (optlen < 2 || optlen > hlen - i)
			return -1;
		if (kind == TCPOPT_MSS_KIND) {
			if (optlen != TCPOPT_MSS_LEN || found)
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
enum mssclamp_verdict mssclamp_scan(const u8 *th, size_t len,
				    u16 ceiling,
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

	off = find_mss_known_layout(th, hlen);
	if (!off)
		off = find_mss(th, hlen);
	if (off < 0)
		return MSSCLAMP_MALFORMED;
	if (off == 0)
		return MSSCLAMP_NO_MSS;

	mss = get_be16(th + off);
	res->old_mss = mss;
	res->new_mss = mss;
	res->offset = (u16)off;
	if (mss <= ceiling)
		return MSSCLAMP_UNCHANGED;
	res->new_mss = ceiling;
	return MSSCLAMP_CLAMPED;
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
enum mssclamp_verdict mssclamp_rewrite(u8 *th, size_t len,
				       u16 ceiling, bool fix_csum,
				       struct mssclamp_result *res)
{
	enum mssclamp_verdict v = mssclamp_scan(th, len, ceiling, res);
	unsigned int off = res->offset;
	u16 mss = res->old_mss;

	if (v != MSSCLAMP_CLAMPED)
		return v;

	put_be16(th + off, ceiling);
	if (fix_csum) {
		/*
		 * The checksum sums aligned 16-bit words. A value at an odd
		 * offset straddles two of them: its high byte is the low
		 * byte of one word, its low byte the high byte of the next.
		 */
		u8 *chk = th + TCP_CHECK_OFFSET;
		u16 check = get_be16(chk);

		if ((off & 1) == 0) {
			check = csum_update16(check, mss, ceiling);
		} else {
			check = csum_update16(check, (u16)(mss >> 8),
					      (u16)(ceiling >> 8));
			check = csum_update16(check,
					      (u16)((mss & 0xff) << 8),
					      (u16)((ceiling & 0xff) << 8));
		}
		put_be16(chk, check);
	}
	return MSSCLAMP_CLAMPED;
}
