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
#define TCP_SPORT	40000
#define TCP_DPORT	5001

static const uint8_t ip4_src[4] = { 192, 0, 2, 2 };
static const uint8_t ip4_dst[4] = { 198, 51, 100, 9 };
static const uint8_t ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };
static const uint8_t ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 9 };

static const char *const names[FRAME_KINDS] = {
	[SYN4] = "syn4", [SYN6] = "syn6", [DATA4] = "data4", [DATA6] = "data6",
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

/*
 * TCP options. SYN: Linux's usual layout, MSS, SACK permitted, timestamps,
 * NOP, window scale 7 (20 bytes). Data: NOP, NOP, timestamps (12 bytes).
 */
static size_t tcp_options(uint8_t *o, int syn, unsigned int mss)
{
	if (syn) {
		o[0] = 2; o[1] = 4; pkt_put16(o + 2, mss);
		o[4] = 4; o[5] = 2;
		o[6] = 8; o[7] = 10; pkt_put32(o + 8, 0x0badcafe); pkt_put32(o + 12, 0);
		o[16] = 1;
		o[17] = 3; o[18] = 3; o[19] = 7;
		return 20;
	}
	o[0] = 1; o[1] = 1;
	o[2] = 8; o[3] = 10; pkt_put32(o + 4, 0x0badcb00); pkt_put32(o + 8, 0x12345678);
	return 12;
}

void frame_build(struct frame *f, enum frame_kind kind,
		 const uint8_t src[6], const uint8_t dst[6])
{
	int v6 = kind == SYN6 || kind == DATA6;
	int syn = kind == SYN4 || kind == SYN6;
	size_t iphlen = v6 ? IP6_HLEN : IP4_HLEN;
	uint8_t *ip = f->buf + ETH_HLEN, *th = ip + iphlen;
	size_t optlen, thlen, payload = syn ? 0 : PAYLOAD_LEN, tcplen, i;

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->name = names[kind];
	f->v6 = v6;
	f->syn = syn;

	memcpy(f->buf, dst, 6);
	memcpy(f->buf + 6, src, 6);
	pkt_put16(f->buf + 12, v6 ? 0x86dd : 0x0800);

	optlen = tcp_options(th + 20, syn, v6 ? SYN_MSS6 : SYN_MSS4);
	thlen = 20 + optlen;
	tcplen = thlen + payload;
	pkt_put16(th, TCP_SPORT);
	pkt_put16(th + 2, TCP_DPORT);
	pkt_put32(th + 4, 0x01020304);
	pkt_put32(th + 8, syn ? 0 : 0x0a0b0c0d);
	th[12] = (uint8_t)(thlen / 4) << 4;
	th[13] = syn ? 0x02 : 0x18;		/* SYN, or ACK|PSH */
	pkt_put16(th + 14, syn ? 64240 : 502);
	for (i = 0; i < payload; i++)
		th[thlen + i] = (uint8_t)(i * 7 + 1);

	if (v6) {
		pkt_put32(ip, 0x60000000);
		pkt_put16(ip + 4, tcplen);
		ip[6] = 6;			/* next header: TCP */
		ip[7] = 64;			/* hop limit */
		memcpy(ip + 8, ip6_src, 16);
		memcpy(ip + 24, ip6_dst, 16);
	} else {
		ip[0] = 0x45;
		pkt_put16(ip + 2, IP4_HLEN + tcplen);
		pkt_put16(ip + 4, 0x1234);
		pkt_put16(ip + 6, 0x4000);		/* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, ip4_src, 4);
		memcpy(ip + 16, ip4_dst, 4);
		pkt_put16(ip + 10, pkt_csum(pkt_sum(0, ip, IP4_HLEN)));
	}
	pkt_put16(th + 16, pkt_tcp_csum(pkt_pseudo_sum_ip(v6, ip, tcplen), th,
				    tcplen));
	f->len = ETH_HLEN + iphlen + tcplen;
}

/*
 * The MSS option's value in the options of @th, -1 without one or when
 * the options are malformed (tests/lib/pkt.c's reference walk).
 */
static int find_mss(const uint8_t *th, size_t thlen)
{
	int at = pkt_ref_mss_at(th, thlen);

	return at > 0 ? (int)pkt_get16(th + at) : -1;
}

int frame_inspect(const uint8_t *buf, size_t len, enum frame_kind kind,
		  struct frame_seen *seen)
{
	int v6 = kind == SYN6 || kind == DATA6;
	int syn = kind == SYN4 || kind == SYN6;
	size_t iphlen, tcplen, thlen;
	const uint8_t *ip = buf + ETH_HLEN, *th;

	if (len < ETH_HLEN + 60 || pkt_get16(buf + 12) != (v6 ? 0x86ddu : 0x0800u))
		return -1;
	if (v6) {
		if (ip[0] >> 4 != 6 || ip[6] != 6)
			return -1;
		iphlen = IP6_HLEN;
		tcplen = pkt_get16(ip + 4);
		seen->ttl = ip[7];
		seen->ip_csum_ok = 1;
	} else {
		if (ip[0] != 0x45 || ip[9] != 6)
			return -1;
		iphlen = IP4_HLEN;
		tcplen = pkt_get16(ip + 2) - IP4_HLEN;
		seen->ttl = ip[8];
		seen->ip_csum_ok = pkt_fold(pkt_sum(0, ip, IP4_HLEN)) == 0xffff;
	}
	if (ETH_HLEN + iphlen + tcplen > len || tcplen < 20)
		return -1;
	th = ip + iphlen;
	if (pkt_get16(th) != TCP_SPORT || pkt_get16(th + 2) != TCP_DPORT ||
	    !(th[13] & 0x02) != !syn)
		return -1;
	thlen = (size_t)(th[12] >> 4) * 4;
	if (thlen < 20 || thlen > tcplen)
		return -1;
	seen->mss = find_mss(th, thlen);
	seen->payload = tcplen - thlen;
	seen->tcp_csum_ok =
		pkt_tcp_csum_ok(pkt_pseudo_sum_ip(v6, ip, tcplen), th, tcplen);
	return 0;
}
