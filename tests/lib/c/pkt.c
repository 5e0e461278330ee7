// SPDX-License-Identifier: GPL-2.0
/*
 * Packet helpers for the test tools (see pkt.h). Written for clarity: the
 * tools build and check frames outside anything they time.
 */
#include "pkt.h"

uint32_t pkt_sum(uint32_t acc, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		acc += pkt_get16(b + i);
		acc = (acc & 0xffff) + (acc >> 16);
	}
	if (len & 1) {
		acc += (uint32_t)b[len - 1] << 8;
		acc = (acc & 0xffff) + (acc >> 16);
	}
	return acc;
}

uint16_t pkt_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint32_t pkt_pseudo_sum(int v6, const uint8_t *src, const uint8_t *dst,
			size_t seglen)
{
	return pkt_pseudo_sum_proto(v6, src, dst, seglen, PKT_PROTO_TCP);
}

uint32_t pkt_pseudo_sum_proto(int v6, const uint8_t *src, const uint8_t *dst,
			      size_t seglen, uint8_t proto)
{
	size_t alen = v6 ? 16 : 4;
	uint32_t acc = pkt_sum(pkt_sum(0, src, alen), dst, alen);

	/*
	 * IPv4: a zero byte, the protocol, the length in 16 bits. IPv6: the
	 * length in 32 bits, three zero bytes, the next header.
	 */
	acc += (uint32_t)(seglen & 0xffff) + proto;
	if (v6)
		acc += (uint32_t)((seglen >> 16) & 0xffff);
	return (acc & 0xffff) + (acc >> 16);
}

uint32_t pkt_pseudo_sum_ip(int v6, const uint8_t *ip, size_t seglen)
{
	if (v6)
		return pkt_pseudo_sum(1, ip + 8, ip + 24, seglen);
	return pkt_pseudo_sum(0, ip + 12, ip + 16, seglen);
}

uint32_t pkt_icmp_sum(int v6, const uint8_t *ip, size_t len)
{
	if (!v6)
		return 0;
	return pkt_pseudo_sum_proto(1, ip + 8, ip + 24, len, PKT_PROTO_ICMPV6);
}

uint16_t pkt_tcp_csum(uint32_t pseudo, const uint8_t *seg, size_t len)
{
	uint32_t acc = pkt_sum(pseudo, seg, PKT_TCP_CSUM_OFF);

	acc = pkt_sum(acc, seg + PKT_TCP_CSUM_OFF + 2,
		      len - PKT_TCP_CSUM_OFF - 2);
	return pkt_csum(acc);
}

int pkt_tcp_csum_ok(uint32_t pseudo, const uint8_t *seg, size_t len)
{
	return pkt_fold(pkt_sum(pseudo, seg, len)) == 0xffff;
}

int pkt_ref_mss_at(const uint8_t *th, size_t len)
{
	size_t doff, pos = PKT_TCP_HLEN;
	int at = 0;

	if (len < PKT_TCP_HLEN)
		return -1;
	doff = (size_t)(th[12] >> 4) * 4;
	if (doff < PKT_TCP_HLEN || doff > len)
		return -1;
	while (pos < doff) {
		uint8_t kind = th[pos], olen;

		if (kind == 0)			/* End of Option List */
			break;
		if (kind == 1) {		/* NOP */
			pos++;
			continue;
		}
		if (doff - pos < 2)		/* no room for the length */
			return -1;
		olen = th[pos + 1];
		if (olen < 2 || olen > doff - pos)
			return -1;
		if (kind == 2) {		/* MSS */
			if (olen != 4 || at)
				return -1;
			at = (int)pos + 2;
		}
		pos += olen;
	}
	return at;
}

uint64_t pkt_rand(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dULL;
}

uint32_t pkt_doc_pseudo_sum(int v6, size_t len)
{
	static const uint8_t src4[4] = { 192, 0, 2, 2 };
	static const uint8_t dst4[4] = { 198, 51, 100, 2 };
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0,
					  0, 0, 0, 0, 0, 0, 0, 2 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0,
					  0, 0, 0, 0, 0, 0, 0, 2 };

	return v6 ? pkt_pseudo_sum(1, src6, dst6, len) :
		    pkt_pseudo_sum(0, src4, dst4, len);
}
