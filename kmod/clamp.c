// SPDX-License-Identifier: GPL-2.0
/*
 * The MSS option rewriter.
 *
 * The whole option list is checked before a byte is written, so a malformed
 * header is never partly rewritten. The walk stops at End of Option List;
 * every other option but NOP must carry a length of at least 2 that stays
 * inside the header, an MSS option must be 4 bytes long and may appear once.
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
