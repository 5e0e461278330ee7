// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of doctor's rule recognisers (userspace/doctor/nftables.c) and
 * of its reading of iptables-legacy-save lines (userspace/doctor/legacy.c).
 *
 * Each case builds, with libnftnl, the rule nft or iptables-nft writes for
 * a form (the expressions `nft --debug=netlink list ruleset` shows for it,
 * written out in the comment above each case) and checks what the
 * recogniser says: sets the MSS (and to what), is a TCPMSS target, drops
 * ICMP fragmentation-needed / ICMPv6 Packet Too Big. The forms that must
 * not be taken for one are here too: a read of the MSS option, an echo
 * drop, an accept of Packet Too Big, a drop that tests no ICMP. Then a few
 * small rulesets for the walk through chains: an accept that shadows a
 * drop, a jump into a chain that drops, a chain nothing reaches. Last,
 * doctor's report (userspace/doctor/report.c) when the memory for a
 * finding runs out: an error and exit status 1, never "no problem found".
 *
 * Output: "ok - unit: doctor: NAME" / "not ok - ..." per case, on stdout
 * and appended to the file named by argv[1] (if given). Built with ASan and
 * UBSan (tests/unit/doctor_test.sh): every rule and set is freed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "errors.h"
#include "output.h"
#include "doctor.h"
#include "legacy.h"
#include "nftables.h"
#include "tap.h"

#define result tap_resultf

/* ------------------------------------------------------------------ */
/* Building rules as nft and iptables-nft write them                    */

static struct nftnl_rule *rule(uint32_t family, const char *table,
			       const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r) {
		perror("nftnl_rule_alloc");
		exit(1);
	}
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

static struct nftnl_expr *expr(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e) {
		perror("nftnl_expr_alloc");
		exit(1);
	}
	nftnl_rule_add_expr(r, e);
	return e;
}

/* [ meta load KEY => reg 1 ] */
static void meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = expr(r, "meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

/* [ cmp OP reg 1 DATA ] */
static void cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		uint32_t len)
{
	struct nftnl_expr *e = expr(r, "cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void cmp8(struct nftnl_rule *r, uint32_t op, uint8_t v)
{
	cmp(r, op, &v, 1);
}

/* `meta l4proto PROTO`: [ meta load l4proto => reg 1 ] [ cmp eq reg 1 PROTO ] */
static void l4proto(struct nftnl_rule *r, uint8_t proto)
{
	meta(r, NFT_META_L4PROTO);
	cmp8(r, NFT_CMP_EQ, proto);
}

/* [ payload load LENb @ BASE + OFF => reg 1 ] */
static void payload(struct nftnl_rule *r, uint32_t base, uint32_t off,
		    uint32_t len)
{
	struct nftnl_expr *e = expr(r, "payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
}

/* [ immediate reg 0 VERDICT ] */
static void verdict(struct nftnl_rule *r, int32_t code, const char *chain)
{
	struct nftnl_expr *e = expr(r, "immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, code);
	if (chain)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
}

static void counter(struct nftnl_rule *r)
{
	expr(r, "counter");
}

/* nft's `meta nfproto ipv6 meta l4proto ipv6-icmp` (table inet). */
static void inet_icmp(struct nftnl_rule *r, int v6)
{
	meta(r, NFT_META_NFPROTO);
	cmp8(r, NFT_CMP_EQ, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	l4proto(r, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
}

/*
 * nft's `icmp type` / `icmpv6 type` in table inet f, chain c: the protocol
 * tests, then [ payload load 1b @ transport header + 0 => reg 1 ].
 */
static struct nftnl_rule *inet_icmp_type(int v6)
{
	struct nftnl_rule *r = rule(NFPROTO_INET, "f", "c");

	inet_icmp(r, v6);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
	return r;
}

/* [ exthdr load/write tcpopt 2b @ TYPE + 2 ] */
static void exthdr(struct nftnl_rule *r, uint8_t type, int write)
{
	struct nftnl_expr *e = expr(r, "exthdr");

	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	nftnl_expr_set_u32(e, write ? NFTNL_EXPR_EXTHDR_SREG :
				      NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1);
}

/* `tcp flags syn`: l4proto tcp, flags byte & 0x02 != 0 */
static void tcp_syn(struct nftnl_rule *r)
{
	static const uint8_t mask[4] = { 2 }, zero[4] = { 0 };
	struct nftnl_expr *e;

	l4proto(r, IPPROTO_TCP);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
	e = expr(r, "bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, 1);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, 1);
	cmp(r, NFT_CMP_NEQ, zero, 1);
}

/* nft_compat: [ match name NAME rev 0 ] / [ target name NAME rev 0 ] */
static void xt(struct nftnl_rule *r, int target, const char *name,
	       const void *info, uint32_t len)
{
	struct nftnl_expr *e = expr(r, target ? "target" : "match");
	void *copy = malloc(len);	/* libnftnl takes it */

	if (!copy) {
		perror("malloc");
		exit(1);
	}
	memcpy(copy, info, len);
	nftnl_expr_set_str(e, target ? NFTNL_EXPR_TG_NAME : NFTNL_EXPR_MT_NAME,
			   name);
	nftnl_expr_set_u32(e, target ? NFTNL_EXPR_TG_REV : NFTNL_EXPR_MT_REV, 0);
	nftnl_expr_set(e, target ? NFTNL_EXPR_TG_INFO : NFTNL_EXPR_MT_INFO,
		       copy, len);
}

/* [ lookup reg 1 set NAME ] */
static void lookup(struct nftnl_rule *r, const char *set, uint32_t flags)
{
	struct nftnl_expr *e = expr(r, "lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, flags);
}

/* ------------------------------------------------------------------ */
/* The recognisers, rule by rule                                        */

/* Both candidates: frag-needed dropped? Packet Too Big dropped? */
static void drops(const char *form, struct nftnl_rule *r,
		  const struct nft_sets *sets, int want4, int want6)
{
	int got4 = nft_rule_drops(r, NFT_FRAG_NEEDED, sets);
	int got6 = nft_rule_drops(r, NFT_PACKET_TOO_BIG, sets);

	result(got4 == want4 && got6 == want6,
	       "'%s' %s fragmentation-needed and %s Packet Too Big", form,
	       want4 ? "drops" : "does not drop",
	       want6 ? "drops" : "does not drop");
	if (got4 != want4 || got6 != want6)
		printf("#   got: fragmentation-needed %d, Packet Too Big %d\n",
		       got4, got6);
	nftnl_rule_free(r);
}

static void mss_case(const char *form, struct nftnl_rule *r, int tcpmss,
		     int want, enum nft_mss_kind kind, uint16_t value)
{
	struct nft_mss m = { NFT_MSS_OTHER, 0 };
	int got = tcpmss ? nft_rule_tcpmss(r, &m) : nft_rule_maxseg(r, &m);
	int other = tcpmss ? nft_rule_maxseg(r, &(struct nft_mss){ 0 }) :
			     nft_rule_tcpmss(r, &(struct nft_mss){ 0 });
	int ok = got == want && !other &&
		 (!want || (m.kind == kind && (kind != NFT_MSS_FIXED ||
					       m.value == value)));

	if (!want)
		result(ok, "'%s' is not taken for %s", form,
		       tcpmss ? "a TCPMSS target" : "a maxseg clamp");
	else
		result(ok, "'%s' is %s, to %s%.0u", form,
		       tcpmss ? "a TCPMSS target" : "a maxseg clamp",
		       kind == NFT_MSS_FIXED ? "" : kind == NFT_MSS_ROUTE ?
		       "the route's MTU" : "a computed value",
		       kind == NFT_MSS_FIXED ? value : 0);
	if (!ok)
		printf("#   got %d (other recogniser %d), kind %d value %u\n",
		       got, other, m.kind, m.value);
	nftnl_rule_free(r);
}

static void maxseg_cases(void)
{
	static const uint8_t mss1400[2] = { 0x05, 0x78 };
	struct nftnl_rule *r;
	struct nftnl_expr *e;
	uint16_t info;

	/*
	 * tcp flags syn tcp option maxseg size set 1400
	 *   [ meta load l4proto ] [ cmp eq 6 ] [ payload th + 13 ]
	 *   [ bitwise & 0x02 ] [ cmp neq 0 ] [ immediate reg 1 0x7805 ]
	 *   [ exthdr write tcpopt reg 1 => 2b @ 2 + 2 ]
	 */
	r = rule(NFPROTO_INET, "f", "c");
	tcp_syn(r);
	e = expr(r, "immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, mss1400, 2);
	exthdr(r, 2, 1);
	mss_case("tcp flags syn tcp option maxseg size set 1400", r, 0, 1,
		 NFT_MSS_FIXED, 1400);

	/*
	 * tcp flags syn tcp option maxseg size set rt mtu
	 *   ... [ rt load tcpmss => reg 1 ]
	 *   [ byteorder reg 1 = hton(reg 1, 2, 2) ] [ exthdr write ... ]
	 */
	r = rule(NFPROTO_INET, "f", "c");
	tcp_syn(r);
	e = expr(r, "rt");
	nftnl_expr_set_u32(e, NFTNL_EXPR_RT_KEY, NFT_RT_TCPMSS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RT_DREG, NFT_REG_1);
	e = expr(r, "byteorder");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 2);
	exthdr(r, 2, 1);
	mss_case("tcp flags syn tcp option maxseg size set rt mtu", r, 0, 1,
		 NFT_MSS_ROUTE, 0);

	/* tcp option maxseg size 1400 counter: [ exthdr load ] [ cmp eq ] */
	r = rule(NFPROTO_INET, "f", "c");
	exthdr(r, 2, 0);
	cmp(r, NFT_CMP_EQ, mss1400, 2);
	counter(r);
	mss_case("tcp option maxseg size 1400 counter", r, 0, 0, 0, 0);

	/* tcp option maxseg size > 1400 drop */
	r = rule(NFPROTO_INET, "f", "c");
	exthdr(r, 2, 0);
	cmp(r, NFT_CMP_GT, mss1400, 2);
	verdict(r, NF_DROP, NULL);
	mss_case("tcp option maxseg size > 1400 drop", r, 0, 0, 0, 0);

	/* tcp option window ... set: another option written */
	r = rule(NFPROTO_INET, "f", "c");
	e = expr(r, "immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, mss1400, 2);
	exthdr(r, 3, 1);
	mss_case("an exthdr write of TCP option 3 (window)", r, 0, 0, 0, 0);

	/*
	 * iptables-nft -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN
	 *   -j TCPMSS --clamp-mss-to-pmtu
	 *   [ meta load l4proto ] [ cmp eq 6 ] [ payload th + 13 ]
	 *   [ bitwise & 0x06 ] [ cmp eq 0x02 ] [ counter ]
	 *   [ target name TCPMSS rev 0 ]  (xt_tcpmss_info.mss = 0xffff)
	 */
	r = rule(NFPROTO_IPV4, "mangle", "FORWARD");
	tcp_syn(r);
	counter(r);
	info = 0xffff;
	xt(r, 1, "TCPMSS", &info, sizeof(info));
	mss_case("iptables-nft -j TCPMSS --clamp-mss-to-pmtu", r, 1, 1,
		 NFT_MSS_ROUTE, 0);

	/* ip6tables-nft ... -j TCPMSS --set-mss 1300 */
	r = rule(NFPROTO_IPV6, "mangle", "POSTROUTING");
	tcp_syn(r);
	info = 1300;
	xt(r, 1, "TCPMSS", &info, sizeof(info));
	mss_case("ip6tables-nft -j TCPMSS --set-mss 1300", r, 1, 1,
		 NFT_MSS_FIXED, 1300);

	/* iptables-nft -t mangle -A FORWARD -j MARK --set-mark 1 */
	r = rule(NFPROTO_IPV4, "mangle", "FORWARD");
	info = 1;
	xt(r, 1, "MARK", &info, sizeof(info));
	mss_case("iptables-nft -j MARK", r, 1, 0, 0, 0);
}

static void icmp_cases(struct nft_sets *sets)
{
	static const uint8_t frag[2] = { 3, 4 }, port[2] = { 3, 3 };
	/* struct ipt_icmp / ip6t_icmp: type, code range, invflags */
	static const uint8_t xt_frag[4] = { 3, 4, 4, 0 };
	static const uint8_t xt_ptb[4] = { 2, 0, 0xff, 0 };
	static const uint8_t xt_echo[4] = { 8, 0, 0xff, 0 };
	static const uint8_t xt_not_echo[4] = { 8, 0, 0xff, 1 };
	static const struct {
		const char *form;
		bool v6, reject;
		const uint8_t *info;	/* struct ipt_icmp, ip6t_icmp */
		int want4, want6;
	} ipt[] = {
		{ "iptables-nft -p icmp --icmp-type fragmentation-needed -j DROP",
		  false, false, xt_frag, 1, 0 },
		{ "ip6tables-nft -p icmpv6 --icmpv6-type packet-too-big -j DROP",
		  true, false, xt_ptb, 0, 1 },
		{ "iptables-nft -p icmp --icmp-type echo-request -j DROP",
		  false, false, xt_echo, 0, 0 },
		{ "iptables-nft -p icmp ! --icmp-type echo-request -j DROP",
		  false, false, xt_not_echo, 1, 0 },
		{ "iptables-nft -p icmp --icmp-type fragmentation-needed -j REJECT",
		  false, true, xt_frag, 1, 0 },
	};
	static const uint8_t saddr[4] = { 192, 0, 2, 0 };
	static const char eth0[16] = "eth0";
	struct nftnl_rule *r;
	size_t i;
	struct nftnl_expr *e;
	uint16_t dport = htons(22);

	/*
	 * nft add rule inet f c icmpv6 type packet-too-big drop
	 *   [ meta load nfproto ] [ cmp eq 10 ] [ meta load l4proto ]
	 *   [ cmp eq 58 ] [ payload load 1b @ th + 0 ] [ cmp eq 2 ]
	 *   [ immediate reg 0 drop ]
	 */
	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_EQ, 2);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type packet-too-big drop", r, sets, 0, 1);

	/* The same in a table ip6: no nfproto test. */
	r = rule(NFPROTO_IPV6, "g", "c");
	l4proto(r, IPPROTO_ICMPV6);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
	cmp8(r, NFT_CMP_EQ, 2);
	counter(r);
	verdict(r, NF_DROP, NULL);
	drops("ip6: icmpv6 type packet-too-big counter drop", r, sets, 0, 1);

	/*
	 * icmp type destination-unreachable icmp code frag-needed drop:
	 * nft merges the two into [ payload load 2b @ th + 0 ] [ cmp eq 0x0403 ]
	 */
	r = rule(NFPROTO_INET, "f", "c");
	inet_icmp(r, 0);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
	cmp(r, NFT_CMP_EQ, frag, 2);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmp type destination-unreachable icmp code frag-needed drop",
	      r, sets, 1, 0);

	r = inet_icmp_type(0);
	cmp8(r, NFT_CMP_EQ, 3);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmp type destination-unreachable drop", r, sets, 1, 0);

	r = rule(NFPROTO_IPV4, "t", "c");
	l4proto(r, IPPROTO_ICMP);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
	cmp(r, NFT_CMP_EQ, port, 2);
	verdict(r, NF_DROP, NULL);
	drops("ip: icmp type destination-unreachable icmp code port-unreachable drop",
	      r, sets, 0, 0);

	/*
	 * iptables-nft -A FORWARD -p icmp --icmp-type fragmentation-needed -j DROP
	 *   [ meta load l4proto ] [ cmp eq 1 ] [ match name icmp rev 0 ]
	 *   [ counter ] [ immediate reg 0 drop ]
	 * and the same with ip6tables-nft, other types, ! and -j REJECT
	 * ([ target name REJECT rev 0 ] for the counter and the verdict).
	 */
	for (i = 0; i < sizeof(ipt) / sizeof(ipt[0]); i++) {
		r = rule(ipt[i].v6 ? NFPROTO_IPV6 : NFPROTO_IPV4, "filter",
			 "FORWARD");
		l4proto(r, ipt[i].v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
		xt(r, 0, ipt[i].v6 ? "icmp6" : "icmp", ipt[i].info, 4);
		if (ipt[i].reject) {
			xt(r, 1, "REJECT", xt_echo, sizeof(xt_echo));
		} else {
			counter(r);
			verdict(r, NF_DROP, NULL);
		}
		drops(ipt[i].form, r, sets, ipt[i].want4, ipt[i].want6);
	}

	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_EQ, 128);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type echo-request drop", r, sets, 0, 0);

	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_EQ, 2);
	verdict(r, NF_ACCEPT, NULL);
	drops("inet: icmpv6 type packet-too-big accept", r, sets, 0, 0);

	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_EQ, 2);
	counter(r);
	drops("inet: icmpv6 type packet-too-big counter (no verdict)", r, sets,
	      0, 0);

	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_NEQ, 128);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type != echo-request drop", r, sets, 0, 1);

	/* meta l4proto ipv6-icmp drop: nft writes no nfproto test for it */
	r = rule(NFPROTO_INET, "f", "c");
	l4proto(r, IPPROTO_ICMPV6);
	verdict(r, NF_DROP, NULL);
	drops("inet: meta l4proto ipv6-icmp drop", r, sets, 0, 1);

	/* icmpv6 type packet-too-big reject: [ reject type 0 code 4 ] */
	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_EQ, 2);
	expr(r, "reject");
	drops("inet: icmpv6 type packet-too-big reject", r, sets, 0, 1);

	/* ip protocol icmp drop: [ payload load 1b @ nh + 9 ] [ cmp eq 1 ] */
	r = rule(NFPROTO_INET, "f", "c");
	meta(r, NFT_META_NFPROTO);
	cmp8(r, NFT_CMP_EQ, NFPROTO_IPV4);
	payload(r, NFT_PAYLOAD_NETWORK_HEADER, 9, 1);
	cmp8(r, NFT_CMP_EQ, IPPROTO_ICMP);
	verdict(r, NF_DROP, NULL);
	drops("inet: ip protocol icmp drop", r, sets, 1, 0);

	/* icmpv6 type 1-3 drop: [ cmp gte 1 ] [ cmp lte 3 ] */
	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_GTE, 1);
	cmp8(r, NFT_CMP_LTE, 3);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type 1-3 drop", r, sets, 0, 1);

	r = inet_icmp_type(1);
	cmp8(r, NFT_CMP_GTE, 3);
	cmp8(r, NFT_CMP_LTE, 4);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type 3-4 drop", r, sets, 0, 0);

	/* icmpv6 type { packet-too-big, echo-request } drop: [ lookup ] */
	r = inet_icmp_type(1);
	lookup(r, "__set0", 0);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type { packet-too-big, echo-request } drop", r,
	      sets, 0, 1);

	r = inet_icmp_type(1);
	lookup(r, "__set1", 0);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type { echo-request, echo-reply } drop", r, sets,
	      0, 0);

	r = inet_icmp_type(1);
	lookup(r, "__set1", NFT_LOOKUP_F_INV);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type != { echo-request, echo-reply } drop", r, sets,
	      0, 1);

	/* icmpv6 type { 1-3 } drop: an interval set */
	r = inet_icmp_type(1);
	lookup(r, "__set2", 0);
	verdict(r, NF_DROP, NULL);
	drops("inet: icmpv6 type { 1-3 } drop (interval set)", r, sets, 0, 1);

	/* iifname "eth0" icmpv6 type packet-too-big drop: for some only */
	r = rule(NFPROTO_INET, "f", "c");
	meta(r, NFT_META_IIFNAME);
	cmp(r, NFT_CMP_EQ, eth0, sizeof(eth0));
	inet_icmp(r, 1);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
	cmp8(r, NFT_CMP_EQ, 2);
	verdict(r, NF_DROP, NULL);
	drops("inet: iifname eth0 icmpv6 type packet-too-big drop", r, sets, 0,
	      1);

	/* ip saddr 192.0.2.0/24 drop: tests no ICMP, not reported */
	r = rule(NFPROTO_IPV4, "t", "c");
	payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 3);
	cmp(r, NFT_CMP_EQ, saddr, 3);
	verdict(r, NF_DROP, NULL);
	drops("ip: ip saddr 192.0.2.0/24 drop", r, sets, 0, 0);

	/* tcp dport 22 drop */
	r = rule(NFPROTO_INET, "f", "c");
	l4proto(r, IPPROTO_TCP);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(r, NFT_CMP_EQ, &dport, 2);
	verdict(r, NF_DROP, NULL);
	drops("inet: tcp dport 22 drop", r, sets, 0, 0);

	/* ct state established,related accept: [ ct load state ] ... */
	r = rule(NFPROTO_INET, "f", "c");
	e = expr(r, "ct");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	cmp8(r, NFT_CMP_NEQ, 0);
	verdict(r, NF_ACCEPT, NULL);
	drops("inet: ct state established,related accept", r, sets, 0, 0);

	/* A table arp sees neither. */
	r = rule(NFPROTO_ARP, "a", "c");
	verdict(r, NF_DROP, NULL);
	drops("arp: drop", r, sets, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Walks through chains                                                 */

struct walk_result {
	int drops[NFT_CANDIDATES];
	size_t last_rule;
	int may;
};

static void walk_cb(const struct nft_ruleset *rs, const struct nft_drop *d,
		    void *data)
{
	struct walk_result *w = data;

	(void)rs;
	w->drops[d->c]++;
	w->last_rule = d->rule;
	w->may = d->may;
}

/* A ruleset of @nchains chains of table inet f; rules added by add_rule. */
static void rs_init(struct nft_ruleset *rs, size_t nchains)
{
	memset(rs, 0, sizeof(*rs));
	rs->chains = calloc(nchains, sizeof(*rs->chains));
	rs->rules = calloc(16, sizeof(*rs->rules));
	if (!rs->chains || !rs->rules) {
		perror("calloc");
		exit(1);
	}
	rs->nchains = nchains;
}

static void rs_chain(struct nft_ruleset *rs, size_t i, const char *name,
		     int base)
{
	struct nft_chain *c = &rs->chains[i];

	c->family = NFPROTO_INET;
	snprintf(c->table, sizeof(c->table), "f");
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->base = base;
	c->hook = NF_INET_FORWARD;
	c->first = rs->nrules;
}

static struct nftnl_rule *rs_rule(struct nft_ruleset *rs, size_t chain)
{
	struct nftnl_rule *r = rule(NFPROTO_INET, "f",
				    rs->chains[chain].name);

	rs->rules[rs->nrules].chain = chain;
	rs->rules[rs->nrules].handle = rs->nrules + 2;
	rs->rules[rs->nrules++].r = r;
	rs->chains[chain].nrules++;
	return r;
}

static void ptb_rule(struct nftnl_rule *r, int32_t code, int iif)
{
	static const char eth0[16] = "eth0";

	if (iif) {
		meta(r, NFT_META_IIFNAME);
		cmp(r, NFT_CMP_EQ, eth0, sizeof(eth0));
	}
	inet_icmp(r, 1);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
	cmp8(r, NFT_CMP_EQ, 2);
	verdict(r, code, NULL);
}

static void walk_cases(void)
{
	struct nft_ruleset rs;
	struct walk_result w;
	struct nftnl_rule *r;

	/* icmpv6 type packet-too-big accept; meta l4proto ipv6-icmp drop */
	rs_init(&rs, 1);
	rs_chain(&rs, 0, "c", 1);
	ptb_rule(rs_rule(&rs, 0), NF_ACCEPT, 0);
	r = rs_rule(&rs, 0);
	l4proto(r, IPPROTO_ICMPV6);
	verdict(r, NF_DROP, NULL);
	memset(&w, 0, sizeof(w));
	nft_walk_drops(&rs, walk_cb, &w);
	result(w.drops[NFT_PACKET_TOO_BIG] == 0,
	       "walk: an accept of packet-too-big before 'meta l4proto ipv6-icmp drop' leaves nothing to report");
	nft_free(&rs);

	/* The same accept only from eth0: the drop still gets the others. */
	rs_init(&rs, 1);
	rs_chain(&rs, 0, "c", 1);
	ptb_rule(rs_rule(&rs, 0), NF_ACCEPT, 1);
	r = rs_rule(&rs, 0);
	l4proto(r, IPPROTO_ICMPV6);
	verdict(r, NF_DROP, NULL);
	memset(&w, 0, sizeof(w));
	nft_walk_drops(&rs, walk_cb, &w);
	result(w.drops[NFT_PACKET_TOO_BIG] == 1 && w.last_rule == 1 && !w.may,
	       "walk: an accept from eth0 only does not hide the drop after it");
	nft_free(&rs);

	/* meta l4proto ipv6-icmp jump icmp; chain icmp: drop */
	rs_init(&rs, 2);
	rs_chain(&rs, 0, "c", 1);
	r = rs_rule(&rs, 0);
	l4proto(r, IPPROTO_ICMPV6);
	verdict(r, NFT_JUMP, "icmp");
	rs_chain(&rs, 1, "icmp", 0);
	verdict(rs_rule(&rs, 1), NF_DROP, NULL);
	memset(&w, 0, sizeof(w));
	nft_walk_drops(&rs, walk_cb, &w);
	result(w.drops[NFT_PACKET_TOO_BIG] == 1 && w.last_rule == 1 &&
	       w.drops[NFT_FRAG_NEEDED] == 0,
	       "walk: a plain drop in a chain the ICMPv6 packets jump to is found");
	result(nft_chain_base(&rs, 1) == 0,
	       "walk: the base chain of a chain reached by a jump is found");
	nft_free(&rs);

	/* A chain nothing jumps to: its drop never runs. */
	rs_init(&rs, 2);
	rs_chain(&rs, 0, "c", 1);
	counter(rs_rule(&rs, 0));
	rs_chain(&rs, 1, "unused", 0);
	ptb_rule(rs_rule(&rs, 1), NF_DROP, 0);
	memset(&w, 0, sizeof(w));
	nft_walk_drops(&rs, walk_cb, &w);
	result(w.drops[NFT_PACKET_TOO_BIG] == 0 &&
	       nft_chain_base(&rs, 1) == SIZE_MAX,
	       "walk: a drop in a chain no base chain reaches is not reported");
	nft_free(&rs);

	/* Two drops of the same packet: the first takes it. */
	rs_init(&rs, 1);
	rs_chain(&rs, 0, "c", 1);
	ptb_rule(rs_rule(&rs, 0), NF_DROP, 0);
	ptb_rule(rs_rule(&rs, 0), NF_DROP, 0);
	memset(&w, 0, sizeof(w));
	nft_walk_drops(&rs, walk_cb, &w);
	result(w.drops[NFT_PACKET_TOO_BIG] == 1 && w.last_rule == 0,
	       "walk: of two drops of Packet Too Big the first is reported");
	nft_free(&rs);
}

/* ------------------------------------------------------------------ */
/* Legacy iptables-save lines                                           */

static void legacy_cases(void)
{
	static const struct {
		const char *line;
		int v4, want;
	} cases[] = {
		{ "-A FORWARD -p icmp -m icmp --icmp-type 3/4 -j DROP", 1, 1 },
		{ "-A FORWARD -p icmp -m icmp --icmp-type 3 -j REJECT --reject-with icmp-port-unreachable", 1, 1 },
		{ "-A FORWARD -p icmp -j DROP", 1, 1 },
		{ "-A FORWARD -p icmp -m icmp --icmp-type 8 -j DROP", 1, 0 },
		{ "-A FORWARD -p icmp -m icmp ! --icmp-type 8 -j DROP", 1, 1 },
		{ "-A FORWARD -p icmp -m icmp --icmp-type 3/4 -j ACCEPT", 1, 0 },
		{ "-A FORWARD -p tcp -m tcp --dport 22 -j DROP", 1, 0 },
		{ "-A FORWARD -s 192.0.2.0/24 -j DROP", 1, 0 },
		{ "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 2 -j DROP", 0, 1 },
		{ "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j DROP", 0, 0 },
		{ "-A FORWARD -p ipv6-icmp -j DROP", 0, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		result(legacy_line_drops(cases[i].line, cases[i].v4) ==
		       cases[i].want, "legacy: '%s' (%s) %s", cases[i].line,
		       cases[i].v4 ? "IPv4" : "IPv6",
		       cases[i].want ? "drops the ICMP error" :
				       "does not drop the ICMP error");
}

/* ------------------------------------------------------------------ */
/* The report when memory runs out                                      */

/*
 * The test links doctor/report.c with -Wl,--wrap=realloc,--wrap=strdup:
 * its allocations come here, and the one numbered fail_at (counted from 1
 * since the last arm()) fails.
 */
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
static unsigned int alloc_count, fail_at;

static bool alloc_fails(void)
{
	return fail_at && ++alloc_count == fail_at;
}

void *__wrap_realloc(void *p, size_t size)
{
	return alloc_fails() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	return alloc_fails() ? NULL : __real_strdup(s);
}

static void arm(unsigned int n)
{
	alloc_count = 0;
	fail_at = n;
}

/* Read @path into @buf (NUL-terminated). */
static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/*
 * An ok finding, then a fail finding whose allocation number @fail_alloc
 * fails (0: none), printed in text or JSON by a child whose stdout and
 * stderr land in @out and @err. Returns the child's exit status.
 */
static int oom_run(bool json, unsigned int fail_alloc, char *out, char *err,
		   size_t size)
{
	char opath[] = "/tmp/nft_test-out-XXXXXX";
	char epath[] = "/tmp/nft_test-err-XXXXXX";
	int ofd = mkstemp(opath), efd = mkstemp(epath), status = -1;
	pid_t pid;

	if (ofd < 0 || efd < 0) {
		perror("mkstemp");
		exit(1);
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct report rep = { 0 };

		dup2(ofd, STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		out_init(json);
		report_add(&rep, SEV_OK, "module", "mssclamp is loaded");
		arm(fail_alloc);
		report_add(&rep, SEV_FAIL, "nft.icmp", "a rule drops %s",
			   "ICMPv6 Packet Too Big");
		arm(0);
		exit(exit_status(report_print(&rep)));
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		status = WEXITSTATUS(status);
	close(ofd);
	close(efd);
	slurp(opath, out, size);
	slurp(epath, err, size);
	unlink(opath);
	unlink(epath);
	return status;
}

/* Show what a failed case saw. */
static void oom_diag(bool ok, int rc, const char *out, const char *err)
{
	if (!ok)
		printf("# exit %d\n# stdout: %s\n# stderr: %s\n", rc, out, err);
}

static void oom_cases(void)
{
	static const char *const what[] = { NULL, "slot", "message" };
	char out[2048], err[1024];
	unsigned int n, json;
	bool ok;
	int rc;

	/* The control: nothing fails, the fail finding is printed. */
	rc = oom_run(false, 0, out, err, sizeof(out));
	ok = rc == 1 && strstr(out, "fail nft.icmp: a rule drops") &&
	     strstr(out, "1 problem found") && !*err;
	result(ok, "report: a fail finding is printed: 1 problem, exit 1");
	oom_diag(ok, rc, out, err);
	for (n = 1; n <= 2; n++) {
		for (json = 0; json < 2; json++) {
			rc = oom_run(json, n, out, err, sizeof(out));
			ok = rc == 1 && !strstr(out, json ? "\"problems\": 0" :
						       "no problem found") &&
			     strstr(err, "mssclampctl: doctor: out of memory");
			result(ok, "report: %sno memory for a fail finding's %s: exit 1, an error, %s",
			       json ? "-j, " : "", what[n],
			       json ? "problems not 0" : "not 'no problem found'");
			oom_diag(ok, rc, out, err);
		}
	}
}

int main(int argc, char *argv[])
{
	struct nft_sets sets = { 0 };
	struct nft_set *s;

	tap_open(argc > 1 ? argv[1] : NULL, "unit: doctor: ");
	/* The anonymous sets nft makes for the rules above. */
	s = nft_sets_add(&sets, NFPROTO_INET, "f", "__set0", 1);
	if (!s || nft_set_add_range(s, 2, 2) || nft_set_add_range(s, 128, 128))
		return 1;
	s = nft_sets_add(&sets, NFPROTO_INET, "f", "__set1", 1);
	if (!s || nft_set_add_range(s, 128, 129))
		return 1;
	s = nft_sets_add(&sets, NFPROTO_INET, "f", "__set2", 1);
	if (!s || nft_set_add_range(s, 1, 3))
		return 1;

	maxseg_cases();
	icmp_cases(&sets);
	walk_cases();
	legacy_cases();
	oom_cases();
	nft_sets_free(&sets);
	return tap_end(NULL);
}
