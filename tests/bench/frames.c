// SPDX-License-Identifier: GPL-2.0
/*
 * Build and inspect the benchmark's frames (see frames.h). Written for
 * clarity, not speed: frames are built once, before any timing.
 */
#include <string.h>

#include "frames.h"
#include "pkt.h"

#define ETH_HLEN	14
#define IP4_HLEN	20
#define IP6_HLEN	40
#define ICMP_HLEN	8
#define TCP_SPORT	40000
#define TCP_DPORT	5001
#define ECHO_ID		0x6d62		/* "mb" */
/* The quoted segment: its IP header and a TCP header with timestamps. */
#define QUOTE_TCP_HLEN	32
#define QUOTE_LEN(v6)	(((v6) ? IP6_HLEN : IP4_HLEN) + QUOTE_TCP_HLEN)

static const uint8_t ip4_src[4] = { 192, 0, 2, 2 };
static const uint8_t ip4_src_exc[4] = { 203, 0, 113, 2 };
static const uint8_t ip4_dst[4] = { 198, 51, 100, 9 };
static const uint8_t ip4_far[4] = { 192, 0, 2, 7 };
static const uint8_t ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };
static const uint8_t ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 9 };
static const uint8_t ip6_far[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 7 };

static const char *const names[FRAME_KINDS] = {
	[SYN4] = "syn4", [SYN6] = "syn6", [DATA4] = "data4", [DATA6] = "data6",
	[PTB4] = "ptb4", [PTB6] = "ptb6", [ICMP4] = "icmp4", [ICMP6] = "icmp6",
	[SYN4EXC] = "syn4exc", [NOMSS4] = "nomss4", [NOMSS6] = "nomss6",
	[FLOOR4] = "floor4", [FLOOR6] = "floor6",
};

int frame_kind_parse(const char *name)
{
	int k;

	for (k = 0; k < FRAME_KINDS; k++)
		if (!strcmp(name, names[k]))
			return k;
	return -1;
}

const char *frame_kind_name(enum frame_kind kind)
{
	return names[kind];
}

static int kind_v6(enum frame_kind kind)
{
	return kind == SYN6 || kind == DATA6 || kind == PTB6 || kind == ICMP6 ||
	       kind == NOMSS6 || kind == FLOOR6;
}

static int kind_syn(enum frame_kind kind)
{
	return kind == SYN4 || kind == SYN6 || kind == SYN4EXC ||
	       kind == NOMSS4 || kind == NOMSS6 || kind == FLOOR4 ||
	       kind == FLOOR6;
}

/* The MSS a SYN of @kind advertises, -1 for none. */
static int kind_mss(enum frame_kind kind)
{
	switch (kind) {
	case SYN4:
	case SYN4EXC:
		return SYN_MSS4;
	case SYN6:
		return SYN_MSS6;
	case FLOOR4:
		return FLOOR_MSS4;
	case FLOOR6:
		return FLOOR_MSS6;
	default:
		return -1;
	}
}

static int kind_icmp(enum frame_kind kind)
{
	return kind == PTB4 || kind == PTB6 || kind == ICMP4 || kind == ICMP6;
}

static int kind_ptb(enum frame_kind kind)
{
	return kind == PTB4 || kind == PTB6;
}

/* The ICMP type (and code) of the message of @kind. */
static void icmp_type(enum frame_kind kind, uint8_t *type, uint8_t *code)
{
	*code = 0;
	switch (kind) {
	case PTB4:
		*type = 3;		/* destination unreachable */
		*code = 4;		/* fragmentation needed */
		break;
	case PTB6:
		*type = 2;		/* Packet Too Big */
		break;
	case ICMP4:
		*type = 8;		/* echo request */
		break;
	default:
		*type = 128;		/* ICMPv6 echo request */
		break;
	}
}

/*
 * TCP options. SYN: Linux's usual layout, MSS, SACK permitted, timestamps,
 * NOP, window scale 7 (20 bytes); without the MSS when @mss is negative
 * (16 bytes). Data: NOP, NOP, timestamps (12 bytes).
 */
static size_t tcp_options(uint8_t *o, int syn, int mss)
{
	if (syn) {
		size_t n = 0;

		if (mss >= 0) {
			o[0] = 2; o[1] = 4; pkt_put16(o + 2, (unsigned int)mss);
			n = 4;
		}
		o[n] = 4; o[n + 1] = 2;
		o[n + 2] = 8; o[n + 3] = 10;
		pkt_put32(o + n + 4, 0x0badcafe); pkt_put32(o + n + 8, 0);
		o[n + 12] = 1;
		o[n + 13] = 3; o[n + 14] = 3; o[n + 15] = 7;
		return n + 16;
	}
	o[0] = 1; o[1] = 1;
	o[2] = 8; o[3] = 10; pkt_put32(o + 4, 0x0badcb00); pkt_put32(o + 8, 0x12345678);
	return 12;
}

/* A TCP header from @sport to @dport, checksum zero; returns its length. */
static size_t tcp_header(uint8_t *th, int syn, int mss,
			 unsigned int sport, unsigned int dport)
{
	size_t thlen = 20 + tcp_options(th + 20, syn, mss);

	pkt_put16(th, sport);
	pkt_put16(th + 2, dport);
	pkt_put32(th + 4, 0x01020304);
	pkt_put32(th + 8, syn ? 0 : 0x0a0b0c0d);
	th[12] = (uint8_t)(thlen / 4) << 4;
	th[13] = syn ? 0x02 : 0x18;		/* SYN, or ACK|PSH */
	pkt_put16(th + 14, syn ? 64240 : 502);
	pkt_put16(th + 16, 0);
	pkt_put16(th + 18, 0);
	return thlen;
}

/*
 * An IPv4 or IPv6 header for @l4len bytes of @proto from @src to @dst,
 * IPv4 with DF and its checksum.
 */
static size_t ip_header(uint8_t *ip, int v6, uint8_t proto, size_t l4len,
			const uint8_t *src, const uint8_t *dst, uint8_t ttl)
{
	if (v6) {
		pkt_put32(ip, 0x60000000);
		pkt_put16(ip + 4, l4len);
		ip[6] = proto;			/* next header */
		ip[7] = ttl;			/* hop limit */
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		return IP6_HLEN;
	}
	memset(ip, 0, IP4_HLEN);
	ip[0] = 0x45;
	pkt_put16(ip + 2, IP4_HLEN + l4len);
	pkt_put16(ip + 4, 0x1234);
	pkt_put16(ip + 6, 0x4000);		/* DF */
	ip[8] = ttl;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	pkt_put16(ip + 10, pkt_csum(pkt_sum(0, ip, IP4_HLEN)));
	return IP4_HLEN;
}

/*
 * The ICMP message of @kind at @m, @body bytes after its header: a ptb
 * quotes the start of a 1500-byte segment (QUOTE_LEN), an echo request
 * carries as many bytes of pattern.
 */
static void icmp_message(uint8_t *m, enum frame_kind kind, size_t body)
{
	int v6 = kind_v6(kind);
	uint8_t *q = m + ICMP_HLEN;
	size_t i;

	icmp_type(kind, &m[0], &m[1]);
	pkt_put16(m + 2, 0);
	if (kind == PTB4) {
		pkt_put16(m + 4, 0);		/* unused */
		pkt_put16(m + 6, PTB_MTU);	/* next-hop MTU */
	} else if (kind == PTB6) {
		pkt_put32(m + 4, PTB_MTU);
	} else {
		pkt_put16(m + 4, ECHO_ID);
		pkt_put16(m + 6, 1);		/* sequence */
	}
	if (kind_ptb(kind)) {
		size_t iphlen = v6 ? IP6_HLEN : IP4_HLEN;

		/* The segment's own checksum cannot be had from a quote. */
		ip_header(q, v6, PKT_PROTO_TCP, 1500 - iphlen,
			  v6 ? ip6_dst : ip4_dst, v6 ? ip6_far : ip4_far, 63);
		tcp_header(q + iphlen, 0, 0, TCP_DPORT, TCP_SPORT);
		pkt_put16(q + iphlen + 16, 0x5a5a);
	} else {
		for (i = 0; i < body; i++)
			q[i] = (uint8_t)(i * 7 + 1);
	}
}

void frame_build(struct frame *f, enum frame_kind kind,
		 const uint8_t src[6], const uint8_t dst[6])
{
	int v6 = kind_v6(kind), icmp = kind_icmp(kind);
	int syn = kind_syn(kind);
	const uint8_t *src4 = kind == SYN4EXC ? ip4_src_exc : ip4_src;
	size_t iphlen = v6 ? IP6_HLEN : IP4_HLEN;
	uint8_t *ip = f->buf + ETH_HLEN, *l4 = ip + iphlen;
	size_t thlen, l4len, i;

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->name = names[kind];
	f->v6 = v6;
	f->syn = syn;
	f->clamp = kind == SYN4 || kind == SYN6 || kind == SYN4EXC;
	f->mss = kind_mss(kind);
	f->icmp = icmp;

	memcpy(f->buf, dst, 6);
	memcpy(f->buf + 6, src, 6);
	pkt_put16(f->buf + 12, v6 ? 0x86dd : 0x0800);

	if (icmp) {
		f->payload = QUOTE_LEN(v6);
		l4len = ICMP_HLEN + f->payload;
		icmp_message(l4, kind, f->payload);
		ip_header(ip, v6, v6 ? PKT_PROTO_ICMPV6 : 1, l4len,
			  v6 ? ip6_src : ip4_src, v6 ? ip6_dst : ip4_dst, 64);
		pkt_put16(l4 + 2, pkt_csum(pkt_sum(pkt_icmp_sum(v6, ip, l4len),
						   l4, l4len)));
	} else {
		f->payload = syn ? 0 : PAYLOAD_LEN;
		thlen = tcp_header(l4, syn, f->mss, TCP_SPORT, TCP_DPORT);
		l4len = thlen + f->payload;
		for (i = 0; i < f->payload; i++)
			l4[thlen + i] = (uint8_t)(i * 7 + 1);
		ip_header(ip, v6, PKT_PROTO_TCP, l4len,
			  v6 ? ip6_src : src4, v6 ? ip6_dst : ip4_dst, 64);
		pkt_put16(l4 + 16, pkt_tcp_csum(pkt_pseudo_sum_ip(v6, ip, l4len),
						l4, l4len));
	}
	f->len = ETH_HLEN + iphlen + l4len;
}

/*
 * The MSS option's value in the options of @th, -1 without one or when
 * the options are malformed (tests/lib/c/pkt.c's reference walk).
 */
static int find_mss(const uint8_t *th, size_t thlen)
{
	int at = pkt_ref_mss_at(th, thlen);

	return at > 0 ? (int)pkt_get16(th + at) : -1;
}

/*
 * An ICMP message: one of ours when its type, code and identifier (echo)
 * or quoted ports (ptb) are @sent's.
 */
static int icmp_inspect(const uint8_t *ip, const uint8_t *m, size_t mlen,
			const struct frame *sent, struct frame_seen *seen)
{
	size_t iphlen = sent->v6 ? IP6_HLEN : IP4_HLEN;
	const uint8_t *sm = sent->buf + ETH_HLEN + iphlen;
	size_t smlen = sent->len - ETH_HLEN - iphlen;
	uint8_t type, code;

	icmp_type(sent->kind, &type, &code);
	if (mlen < ICMP_HLEN || m[0] != type || m[1] != code)
		return -1;
	if (kind_ptb(sent->kind)) {
		if (mlen < ICMP_HLEN + QUOTE_LEN(sent->v6) ||
		    memcmp(m + ICMP_HLEN + iphlen, sm + ICMP_HLEN + iphlen, 4))
			return -1;
		seen->mtu = (int)pkt_get16(m + 6);
		if (sent->v6)		/* 32 bits */
			seen->mtu |= (int)(pkt_get16(m + 4) << 16);
	} else if (pkt_get16(m + 4) != ECHO_ID) {
		return -1;
	}
	seen->payload = mlen - ICMP_HLEN;
	seen->l4_csum_ok =
		pkt_fold(pkt_sum(pkt_icmp_sum(sent->v6, ip, mlen), m, mlen)) == 0xffff;
	seen->icmp_same = mlen == smlen && !memcmp(m, sm, mlen);
	return 0;
}

int frame_inspect(const uint8_t *buf, size_t len, const struct frame *sent,
		  struct frame_seen *seen)
{
	int v6 = sent->v6;
	uint8_t proto = sent->icmp ? (v6 ? PKT_PROTO_ICMPV6 : 1) : PKT_PROTO_TCP;
	size_t iphlen, l4len, thlen;
	const uint8_t *ip = buf + ETH_HLEN, *th;

	seen->mss = -1;
	seen->mtu = -1;
	seen->icmp_same = 1;
	if (len < ETH_HLEN + (v6 ? IP6_HLEN : IP4_HLEN) ||
	    pkt_get16(buf + 12) != (v6 ? 0x86ddu : 0x0800u))
		return -1;
	if (v6) {
		if (ip[0] >> 4 != 6 || ip[6] != proto)
			return -1;
		iphlen = IP6_HLEN;
		l4len = pkt_get16(ip + 4);
		seen->ttl = ip[7];
		seen->ip_csum_ok = 1;
	} else {
		if (ip[0] != 0x45 || ip[9] != proto || pkt_get16(ip + 2) < IP4_HLEN)
			return -1;
		iphlen = IP4_HLEN;
		l4len = pkt_get16(ip + 2) - IP4_HLEN;
		seen->ttl = ip[8];
		seen->ip_csum_ok = pkt_fold(pkt_sum(0, ip, IP4_HLEN)) == 0xffff;
	}
	if (ETH_HLEN + iphlen + l4len > len)
		return -1;
	if (sent->icmp)
		return icmp_inspect(ip, ip + iphlen, l4len, sent, seen);
	if (l4len < 20)
		return -1;
	th = ip + iphlen;
	if (pkt_get16(th) != TCP_SPORT || pkt_get16(th + 2) != TCP_DPORT ||
	    !(th[13] & 0x02) != !sent->syn)
		return -1;
	thlen = (size_t)(th[12] >> 4) * 4;
	if (thlen < 20 || thlen > l4len)
		return -1;
	seen->mss = find_mss(th, thlen);
	seen->payload = l4len - thlen;
	seen->l4_csum_ok =
		pkt_tcp_csum_ok(pkt_pseudo_sum_ip(v6, ip, l4len), th, l4len);
	return 0;
}
