/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet helpers for the test tools written in userspace C (the unit test,
 * the fuzz target, the flood generator, the benchmark's sender): one copy
 * of what each of them needs to build and check TCP segments.
 *
 *   pkt_get16/put16/put32   big-endian loads and stores
 *   pkt_sum, pkt_fold,      the Internet checksum (RFC 1071): a sum of
 *   pkt_csum                16-bit big-endian words, folded, inverted
 *   pkt_pseudo_sum(_ip)     the TCP pseudo header of IPv4 (RFC 9293) and
 *                           IPv6 (RFC 8200 8.1), from the addresses or from
 *                           an IP header; _proto for another upper layer
 *   pkt_doc_pseudo_sum      the same between two documentation addresses
 *   pkt_icmp_sum            what an ICMP or ICMPv6 checksum starts from
 *   pkt_tcp_csum(_ok)       a segment's checksum, and whether it verifies
 *   pkt_ref_mss_at          the reference walk of a TCP header's options:
 *                           the rules of kmod/clamp.h's header comment
 *                           written again, apart from its code
 *   pkt_rand                xorshift64*, the tools' random numbers
 *
 * Built beside each tool (cc ... tests/lib/c/pkt.c -Itests/lib/c); no kernel
 * header, no library. The Python scenarios have the same in
 * tests/lib/py/mssclamp_pkt.py.
 */
#ifndef MSSCLAMP_TESTS_PKT_H
#define MSSCLAMP_TESTS_PKT_H

#include <stddef.h>
#include <stdint.h>

/* Upper-layer protocols of the pseudo header. */
#define PKT_PROTO_TCP		6
#define PKT_PROTO_ICMPV6	58

/* Offset of the checksum field in a TCP header. */
#define PKT_TCP_CSUM_OFF	16
/* The fixed part of a TCP header. */
#define PKT_TCP_HLEN		20

/* Unsigned int, not uint16_t: "pkt_get16(p) - 20" must not turn negative. */
static inline unsigned int pkt_get16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static inline void pkt_put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	pkt_put16(p, v >> 16);
	pkt_put16(p + 2, v & 0xffff);
}

/*
 * @acc plus the one's complement sum of @len bytes at @p, taken as 16-bit
 * big-endian words (an odd last byte is the high byte of a word); kept
 * below 2^17 so that any number of calls can be chained. Sums chained over
 * pieces equal the sum over their concatenation when every piece but the
 * last has an even length.
 */
uint32_t pkt_sum(uint32_t acc, const void *p, size_t len);

/* @acc folded to 16 bits (end-around carry), not inverted. */
uint16_t pkt_fold(uint32_t acc);

/* The checksum field's value for the sum @acc: folded and inverted. */
static inline uint16_t pkt_csum(uint32_t acc)
{
	return (uint16_t)~pkt_fold(acc);
}

/*
 * The sum of the TCP pseudo header for @seglen bytes of segment from @src
 * to @dst (4 bytes each for IPv4, 16 for IPv6).
 */
uint32_t pkt_pseudo_sum(int v6, const uint8_t *src, const uint8_t *dst,
			size_t seglen);

/* The TCP pseudo header sum of a @len-byte segment from 192.0.2.2 to
 * 198.51.100.2 (v6: from 2001:db8:1::2 to 2001:db8:2::2). */
uint32_t pkt_doc_pseudo_sum(int v6, size_t len);

/* The same with the addresses taken from the IPv4 or IPv6 header @ip. */
uint32_t pkt_pseudo_sum_ip(int v6, const uint8_t *ip, size_t seglen);

/* The pseudo header sum of pkt_pseudo_sum() for upper-layer protocol @proto. */
uint32_t pkt_pseudo_sum_proto(int v6, const uint8_t *src, const uint8_t *dst,
			      size_t seglen, uint8_t proto);

/*
 * What the checksum of an @len-byte ICMP message behind the IPv4 or IPv6
 * header @ip starts from: nothing for ICMP (RFC 792: the message alone),
 * the pseudo header for ICMPv6 (RFC 4443 2.3). The field's value is then
 * pkt_csum(pkt_sum(pkt_icmp_sum(...), msg, len)) with the field zero, and
 * a message verifies when pkt_fold() of that sum over it is 0xffff.
 */
uint32_t pkt_icmp_sum(int v6, const uint8_t *ip, size_t len);

/*
 * The checksum of the @len-byte segment @seg (len >= 18) behind the pseudo
 * header sum @pseudo, its checksum field taken as zero: the value the
 * field must hold.
 */
uint16_t pkt_tcp_csum(uint32_t pseudo, const uint8_t *seg, size_t len);

/* Does the sum over pseudo header and segment, field included, verify? */
int pkt_tcp_csum_ok(uint32_t pseudo, const uint8_t *seg, size_t len);

/*
 * The reference option walk of the TCP header @th, @len bytes handed over:
 * -1 if the header is malformed (shorter than 20 bytes, a data offset
 * below 20 bytes or past @len, an option without room for its length
 * byte, a length below 2 or past the data offset, an MSS option whose
 * length is not 4, a second MSS option), 0 if it is well formed without an
 * MSS option (End of Option List ends the walk), else the offset of the
 * MSS value in @th.
 */
int pkt_ref_mss_at(const uint8_t *th, size_t len);

/* The next number of the xorshift64* generator whose state is @state
 * (never 0). */
uint64_t pkt_rand(uint64_t *state);

#endif /* MSSCLAMP_TESTS_PKT_H */
