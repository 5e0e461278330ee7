// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: the recognisers doctor runs on each rule of the nftables
 * ruleset (see nftrules.h); nftables.c reads the ruleset.
 *
 * How the recognisers know what nft and iptables-nft write: `nft
 * --debug=netlink` shows a rule's expressions, e.g.
 *
 *   icmpv6 type packet-too-big drop          (table inet)
 *     [ meta load nfproto => reg 1 ]  [ cmp eq reg 1 0x0000000a ]
 *     [ meta load l4proto => reg 1 ]  [ cmp eq reg 1 0x0000003a ]
 *     [ payload load 1b @ transport header + 0 => reg 1 ]
 *     [ cmp eq reg 1 0x00000002 ]     [ immediate reg 0 drop ]
 *   tcp option maxseg size set rt mtu
 *     [ rt load tcpmss => reg 1 ]  [ byteorder reg 1 = hton(reg 1, 2, 2) ]
 *     [ exthdr write tcpopt reg 1 => 2b @ 2 + 2 ]
 *   iptables-nft ... -j TCPMSS --clamp-mss-to-pmtu
 *     [ target name TCPMSS rev 0 ]          (struct xt_tcpmss_info)
 *   iptables-nft -p icmp --icmp-type fragmentation-needed -j DROP
 *     [ meta load l4proto => reg 1 ]  [ cmp eq reg 1 0x00000001 ]
 *     [ match name icmp rev 0 ]       [ immediate reg 0 drop ]
 *
 * The evaluator below runs such a list on a model of the two ICMP packets
 * path MTU discovery needs, with the registers of nf_tables (16-byte
 * NFT_REG_1..4 over 4-byte NFT_REG32_00..15, as nft_parse_register() lays
 * them out; a load zeroes the rest of its last 4-byte word, as
 * nft_payload_eval() and nft_reg_store8() do). A byte of the packet the
 * model does not know makes any test on it "may hold".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "bytes.h"
#include "nftrules.h"

#ifndef TCPOPT_MAXSEG
#define TCPOPT_MAXSEG	2
#endif
#define XT_TCPMSS_CLAMP_PMTU	0xffff	/* linux/netfilter/xt_TCPMSS.h */
#define XT_ICMP_INV		0x01	/* IPT_ICMP_INV, IP6T_ICMP_INV */

/* ------------------------------------------------------------------ */
/* Expressions                                                          */

static const char *expr_name(const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	return name ? name : "";
}

/* An integer attribute, whatever its width in libnftnl. */
static uint64_t expr_uint(const struct nftnl_expr *e, uint16_t attr)
{
	uint32_t len = 0;

	if (!nftnl_expr_get(e, attr, &len))
		return 0;
	switch (len) {
	case 1:
		return nftnl_expr_get_u8(e, attr);
	case 2:
		return nftnl_expr_get_u16(e, attr);
	case 4:
		return nftnl_expr_get_u32(e, attr);
	case 8:
		return nftnl_expr_get_u64(e, attr);
	}
	return 0;
}

static bool expr_is(const struct nftnl_expr *e, const char *name)
{
	return !strcmp(expr_name(e), name);
}

/* ------------------------------------------------------------------ */
/* The candidates and the registers                                     */

static const struct candidate {
	uint32_t nfproto;
	uint8_t l4proto;
	uint8_t ethertype[2];
	uint8_t proto_off;		/* the protocol byte in the IP header */
	uint8_t type, code;
} candidates[NFT_CANDIDATES] = {
	[NFT_FRAG_NEEDED] = { NFPROTO_IPV4, IPPROTO_ICMP, { 0x08, 0x00 },
			      9, 3, 4 },
	[NFT_PACKET_TOO_BIG] = { NFPROTO_IPV6, IPPROTO_ICMPV6, { 0x86, 0xdd },
				 6, 2, 0 },
};

#define REG_BYTES	80	/* NFT_REG_4 ends at 80, as NFT_REG32_15 */

struct regs {
	uint8_t val[REG_BYTES];
	bool known[REG_BYTES];
	bool ident[REG_BYTES];		/* the protocol, the ICMP type or code */
};

/* The byte offset of register @reg for @len bytes, or -1. */
static int reg_off(uint32_t reg, uint32_t len)
{
	int off;

	if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
		off = reg * 16;
	else if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
		off = 16 + (reg - NFT_REG32_00) * 4;
	else
		return -1;
	if (len > REG_BYTES || off + len > REG_BYTES)
		return -1;
	return off;
}

static void regs_forget(struct regs *rg, uint32_t reg, uint32_t len)
{
	int off = reg_off(reg, len);

	if (off < 0)
		return;
	memset(rg->known + off, 0, len);
	memset(rg->ident + off, 0, len);
}

/* Store @len bytes and zero the rest of the last 4-byte word. */
static void regs_store(struct regs *rg, uint32_t reg, uint32_t len,
		       const uint8_t *val, const bool *known, const bool *ident)
{
	uint32_t end = (len + 3) & ~3u, i;
	int off = reg_off(reg, end);

	if (off < 0)
		return;
	for (i = 0; i < end; i++) {
		rg->val[off + i] = i < len ? val[i] : 0;
		rg->known[off + i] = i < len ? known[i] : true;
		rg->ident[off + i] = i < len && ident[i];
	}
}

/* Are @len bytes of @reg all known? Sets *@ident if any is identifying. */
static bool regs_known(const struct regs *rg, uint32_t reg, uint32_t len,
		       bool *ident)
{
	int off = reg_off(reg, len);
	uint32_t i;

	if (off < 0 || !len)
		return false;
	for (i = 0; i < len; i++) {
		if (!rg->known[off + i])
			return false;
		if (rg->ident[off + i])
			*ident = true;
	}
	return true;
}

static const uint8_t *regs_at(const struct regs *rg, uint32_t reg)
{
	return rg->val + reg_off(reg, 1);
}

/* ------------------------------------------------------------------ */
/* Sets                                                                 */

struct nft_set *nft_sets_add(struct nft_sets *sets, uint32_t family,
			     const char *table, const char *name,
			     uint32_t key_len)
{
	struct nft_set *s = realloc(sets->sets,
				    (sets->n + 1) * sizeof(*sets->sets));

	if (!s)
		return NULL;
	sets->sets = s;
	s += sets->n++;
	memset(s, 0, sizeof(*s));
	s->family = family;
	snprintf(s->table, sizeof(s->table), "%s", table);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->key_len = key_len;
	return s;
}

int nft_set_add_range(struct nft_set *set, uint32_t lo, uint32_t hi)
{
	struct nft_range *r = realloc(set->ranges, (set->nranges + 1) *
				      sizeof(*set->ranges));

	if (!r)
		return -1;
	set->ranges = r;
	r[set->nranges].lo = lo;
	r[set->nranges].hi = hi;
	set->nranges++;
	return 0;
}

void nft_sets_free(struct nft_sets *sets)
{
	size_t i;

	for (i = 0; i < sets->n; i++)
		free(sets->sets[i].ranges);
	free(sets->sets);
	memset(sets, 0, sizeof(*sets));
}

static const struct nft_set *set_find(const struct nft_sets *sets,
				      uint32_t family, const char *table,
				      const char *name)
{
	size_t i;

	for (i = 0; sets && i < sets->n; i++) {
		const struct nft_set *s = &sets->sets[i];

		if (s->family == family && !strcmp(s->table, table) &&
		    !strcmp(s->name, name))
			return s;
	}
	return NULL;
}

/* 1 if @key is in @s, 0 if not. */
static int set_has(const struct nft_set *s, const uint8_t *key)
{
	uint32_t k = be_number(key, s->key_len);
	size_t i;

	for (i = 0; i < s->nranges; i++)
		if (k >= s->ranges[i].lo && k <= s->ranges[i].hi)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                           */

struct eval_ctx {
	const struct candidate *c;
	const struct nft_sets *sets;
	uint32_t family;
	const char *table;
	struct regs rg;
	bool may;
	bool no;
	struct nft_eval *ev;
};

/* The outcome of a test: it holds (@ok), on identifying bytes (@ident). */
static void test(struct eval_ctx *x, bool ok, bool ident)
{
	if (!ok)
		x->no = true;
	else if (ident)
		x->ev->icmp = true;
}

static void eval_meta(struct eval_ctx *x, const struct nftnl_expr *e)
{
	uint32_t dreg = expr_uint(e, NFTNL_EXPR_META_DREG);
	uint8_t val[2] = { 0, 0 };
	bool known[2] = { true, true }, ident[2] = { false, false };

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
		return;			/* meta set ... */
	switch (expr_uint(e, NFTNL_EXPR_META_KEY)) {
	case NFT_META_NFPROTO:
		val[0] = x->c->nfproto;
		regs_store(&x->rg, dreg, 1, val, known, ident);
		break;
	case NFT_META_L4PROTO:
		val[0] = x->c->l4proto;
		ident[0] = true;
		regs_store(&x->rg, dreg, 1, val, known, ident);
		break;
	case NFT_META_PROTOCOL:
		memcpy(val, x->c->ethertype, 2);
		regs_store(&x->rg, dreg, 2, val, known, ident);
		break;
	default:
		regs_forget(&x->rg, dreg, 16);
	}
}

static void eval_payload(struct eval_ctx *x, const struct nftnl_expr *e)
{
	uint32_t dreg = expr_uint(e, NFTNL_EXPR_PAYLOAD_DREG);
	uint32_t base = expr_uint(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = expr_uint(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = expr_uint(e, NFTNL_EXPR_PAYLOAD_LEN), i;
	uint8_t val[REG_BYTES] = { 0 };
	bool known[REG_BYTES] = { false }, ident[REG_BYTES] = { false };

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG))
		return;			/* a payload write */
	if (len > REG_BYTES) {
		regs_forget(&x->rg, dreg, 16);
		return;
	}
	for (i = 0; i < len; i++) {
		uint32_t at = off + i;

		if (base == NFT_PAYLOAD_NETWORK_HEADER &&
		    at == x->c->proto_off) {
			val[i] = x->c->l4proto;
			known[i] = ident[i] = true;
		} else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && at < 2) {
			val[i] = at == 0 ? x->c->type : x->c->code;
			known[i] = ident[i] = true;
		}
	}
	regs_store(&x->rg, dreg, len, val, known, ident);
}

static void eval_cmp(struct eval_ctx *x, const struct nftnl_expr *e)
{
	uint32_t sreg = expr_uint(e, NFTNL_EXPR_CMP_SREG), len = 0;
	const void *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	bool ident = false, ok;
	int d;

	if (!data || !regs_known(&x->rg, sreg, len, &ident)) {
		x->may = true;
		return;
	}
	d = memcmp(regs_at(&x->rg, sreg), data, len);
	switch (expr_uint(e, NFTNL_EXPR_CMP_OP)) {
	case NFT_CMP_EQ:
		ok = d == 0;
		break;
	case NFT_CMP_NEQ:
		ok = d != 0;
		break;
	case NFT_CMP_LT:
		ok = d < 0;
		break;
	case NFT_CMP_LTE:
		ok = d <= 0;
		break;
	case NFT_CMP_GT:
		ok = d > 0;
		break;
	case NFT_CMP_GTE:
		ok = d >= 0;
		break;
	default:
		x->may = true;
		return;
	}
	test(x, ok, ident);
}

static void eval_range(struct eval_ctx *x, const struct nftnl_expr *e)
{
	uint32_t sreg = expr_uint(e, NFTNL_EXPR_RANGE_SREG);
	uint32_t flen = 0, tlen = 0;
	const void *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &flen);
	const void *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &tlen);
	bool ident = false, in;
	const uint8_t *v;

	if (!from || !to || flen != tlen ||
	    !regs_known(&x->rg, sreg, flen, &ident)) {
		x->may = true;
		return;
	}
	v = regs_at(&x->rg, sreg);
	in = memcmp(v, from, flen) >= 0 && memcmp(v, to, flen) <= 0;
	test(x, expr_uint(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_EQ ? in : !in,
	     ident);
}

static void eval_bitwise(struct eval_ctx *x, const struct nftnl_expr *e)
{
	uint32_t sreg = expr_uint(e, NFTNL_EXPR_BITWISE_SREG);
	uint32_t dreg = expr_uint(e, NFTNL_EXPR_BITWISE_DREG);
	uint32_t len = expr_uint(e, NFTNL_EXPR_BITWISE_LEN), mlen = 0, xlen = 0;
	const uint8_t *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
	const uint8_t *xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);
	uint8_t val[REG_BYTES];
	bool known[REG_BYTES], ident[REG_BYTES], any = false;
	const uint8_t *src;
	int soff;
	uint32_t i;

	if (expr_uint(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL || !mask ||
	    !xor || mlen < len || xlen < len || len > REG_BYTES ||
	    !regs_known(&x->rg, sreg, len, &any)) {
		regs_forget(&x->rg, dreg, len > REG_BYTES ? 16 : len);
		return;
	}
	soff = reg_off(sreg, len);
	src = x->rg.val + soff;
	for (i = 0; i < len; i++) {
		val[i] = (src[i] & mask[i]) ^ xor[i];
		known[i] = true;
		ident[i] = x->rg.ident[soff + i];
	}
	regs_store(&x->rg, dreg, len, val, known, ident);
}

static void eval_lookup(struct eval_ctx *x, const struct nftnl_expr *e)
{
	uint32_t sreg = expr_uint(e, NFTNL_EXPR_LOOKUP_SREG);
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	bool inv = expr_uint(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV;
	const struct nft_set *s = NULL;
	bool ident = false;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
		uint32_t dreg = expr_uint(e, NFTNL_EXPR_LOOKUP_DREG);

		if (dreg == NFT_REG_VERDICT)
			x->ev->verdict = NFT_VERDICT_OTHER;	/* vmap */
		else
			regs_forget(&x->rg, dreg, 16);
	}
	if (name)
		s = set_find(x->sets, x->family, x->table, name);
	if (!s || !regs_known(&x->rg, sreg, s->key_len, &ident)) {
		x->may = true;
		return;
	}
	test(x, set_has(s, regs_at(&x->rg, sreg)) != inv, ident);
}

static void eval_immediate(struct eval_ctx *x, const struct nftnl_expr *e)
{
	uint32_t dreg = expr_uint(e, NFTNL_EXPR_IMM_DREG), len = 0, i;
	const uint8_t *data;
	bool known[REG_BYTES], ident[REG_BYTES] = { false };

	if (dreg == NFT_REG_VERDICT) {
		int32_t code = (int32_t)expr_uint(e, NFTNL_EXPR_IMM_VERDICT);

		switch (code) {
		case NF_DROP:
			x->ev->verdict = NFT_VERDICT_DROP;
			break;
		case NF_ACCEPT:
			x->ev->verdict = NFT_VERDICT_ACCEPT;
			break;
		case NFT_JUMP:
		case NFT_GOTO:
			x->ev->verdict = code == NFT_JUMP ? NFT_VERDICT_JUMP :
							    NFT_VERDICT_GOTO;
			x->ev->target = nftnl_expr_get_str(e,
							   NFTNL_EXPR_IMM_CHAIN);
			break;
		case NFT_RETURN:
			x->ev->verdict = NFT_VERDICT_RETURN;
			break;
		case NFT_CONTINUE:
		case NFT_BREAK:
			break;
		default:
			x->ev->verdict = NFT_VERDICT_OTHER;
		}
		return;
	}
	data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
	if (!data || len > REG_BYTES) {
		regs_forget(&x->rg, dreg, 16);
		return;
	}
	for (i = 0; i < len; i++)
		known[i] = true;
	regs_store(&x->rg, dreg, len, data, known, ident);
}

/* iptables' icmp and icmp6 matches: struct ipt_icmp, struct ip6t_icmp. */
static void eval_xt_match(struct eval_ctx *x, const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME);
	uint32_t len = 0;
	const uint8_t *info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
	bool v4, ok;

	if (!name || strcmp(name, "comment") == 0)
		return;
	v4 = !strcmp(name, "icmp");
	if (!v4 && strcmp(name, "icmp6")) {
		x->may = true;		/* conntrack, limit, ... */
		return;
	}
	if (!info || len < 4) {
		x->may = true;
		return;
	}
	if (x->c->l4proto != (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)) {
		x->no = true;
		return;
	}
	ok = (v4 && info[0] == 0xff) ||
	     (info[0] == x->c->type && x->c->code >= info[1] &&
	      x->c->code <= info[2]);
	if (info[3] & XT_ICMP_INV)
		ok = !ok;
	test(x, ok, true);
}

static void eval_xt_target(struct eval_ctx *x, const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

	if (!name)
		return;
	if (!strcmp(name, "REJECT")) {
		x->ev->verdict = NFT_VERDICT_DROP;
		x->ev->reject = true;
	} else if (!strcmp(name, "NFQUEUE") || !strcmp(name, "SYNPROXY") ||
		   !strcmp(name, "TPROXY")) {
		x->ev->verdict = NFT_VERDICT_OTHER;
	}
}

static void eval_reject(struct eval_ctx *x, const struct nftnl_expr *e)
{
	(void)e;
	x->ev->verdict = NFT_VERDICT_DROP;
	x->ev->reject = true;
}

/* counter, log, ...: no test, no register. */
static void eval_nothing(struct eval_ctx *x, const struct nftnl_expr *e)
{
	(void)x;
	(void)e;
}

/* queue, NAT, ...: the packet leaves the ruleset some other way. */
static void eval_other_verdict(struct eval_ctx *x, const struct nftnl_expr *e)
{
	(void)e;
	x->ev->verdict = NFT_VERDICT_OTHER;
}

/* ct, limit, fib, ...: may hold, may write any register. */
static void eval_unknown(struct eval_ctx *x, const struct nftnl_expr *e)
{
	(void)e;
	memset(&x->rg, 0, sizeof(x->rg));
	x->may = true;
}

/* What each expression does to a candidate, by its name. */
static const struct evaluator {
	const char *name;
	void (*eval)(struct eval_ctx *x, const struct nftnl_expr *e);
} evaluators[] = {
	{ "meta", eval_meta },
	{ "payload", eval_payload },
	{ "cmp", eval_cmp },
	{ "range", eval_range },
	{ "bitwise", eval_bitwise },
	{ "lookup", eval_lookup },
	{ "immediate", eval_immediate },
	{ "match", eval_xt_match },
	{ "target", eval_xt_target },
	{ "reject", eval_reject },
	{ "counter", eval_nothing },
	{ "log", eval_nothing },
	{ "notrack", eval_nothing },
	{ "last", eval_nothing },
	{ "objref", eval_nothing },
	{ "queue", eval_other_verdict },
	{ "fwd", eval_other_verdict },
	{ "nat", eval_other_verdict },
	{ "masq", eval_other_verdict },
	{ "redir", eval_other_verdict },
	{ "synproxy", eval_other_verdict },
	{ "tproxy", eval_other_verdict },
};

static const struct evaluator *evaluator_of(const struct nftnl_expr *e)
{
	size_t i;

	for (i = 0; i < sizeof(evaluators) / sizeof(evaluators[0]); i++)
		if (expr_is(e, evaluators[i].name))
			return &evaluators[i];
	return NULL;
}

bool nft_family_sees(uint32_t family, enum nft_candidate c)
{
	switch (family) {
	case NFPROTO_IPV4:
		return c == NFT_FRAG_NEEDED;
	case NFPROTO_IPV6:
		return c == NFT_PACKET_TOO_BIG;
	case NFPROTO_INET:
	case NFPROTO_BRIDGE:
	case NFPROTO_NETDEV:
		return true;
	}
	return false;
}

void nft_rule_eval(const struct nftnl_rule *r, enum nft_candidate c,
		   const struct nft_sets *sets, struct nft_eval *ev)
{
	struct eval_ctx x = {
		.c = &candidates[c],
		.sets = sets,
		.family = nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
		.table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE),
		.ev = ev,
	};
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;

	memset(ev, 0, sizeof(*ev));
	if (!x.table)
		x.table = "";
	if (!nft_family_sees(x.family, c)) {
		ev->match = NFT_MATCH_NO;
		return;
	}
	it = nftnl_expr_iter_create(r);
	if (!it) {
		ev->match = NFT_MATCH_MAY;
		return;
	}
	while (!x.no && ev->verdict == NFT_VERDICT_NONE &&
	       (e = nftnl_expr_iter_next(it))) {
		const struct evaluator *ex = evaluator_of(e);

		if (ex)
			ex->eval(&x, e);
		else
			eval_unknown(&x, e);
	}
	nftnl_expr_iter_destroy(it);
	ev->match = x.no ? NFT_MATCH_NO : x.may ? NFT_MATCH_MAY :
						  NFT_MATCH_YES;
	if (x.no) {
		ev->verdict = NFT_VERDICT_NONE;
		ev->icmp = false;
		ev->reject = false;
		ev->target = NULL;
	}
}

bool nft_rule_drops(const struct nftnl_rule *r, enum nft_candidate c,
		    const struct nft_sets *sets)
{
	struct nft_eval ev;

	nft_rule_eval(r, c, sets, &ev);
	return ev.match != NFT_MATCH_NO && ev.icmp &&
	       ev.verdict == NFT_VERDICT_DROP;
}

/* ------------------------------------------------------------------ */
/* MSS clamps                                                           */

/* Where the value in a register came from. */
struct source {
	enum { SRC_NONE, SRC_IMM, SRC_ROUTE, SRC_OTHER } kind;
	uint16_t value;
};

static void source_set(struct source *src, uint32_t reg, struct source s)
{
	if (reg < 32)
		src[reg] = s;
}

static struct source source_get(const struct source *src, uint32_t reg)
{
	struct source none = { SRC_OTHER, 0 };

	return reg < 32 ? src[reg] : none;
}

/* Call @fn on each expression of @r until it returns true; whether one did. */
static bool exprs_until(const struct nftnl_rule *r,
			bool (*fn)(const struct nftnl_expr *e, void *data),
			void *data)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	bool done = false;

	if (!it)
		return false;
	while (!done && (e = nftnl_expr_iter_next(it)))
		done = fn(e, data);
	nftnl_expr_iter_destroy(it);
	return done;
}

/* nft_rule_maxseg()'s walk: where each register's value came from. */
struct maxseg_walk {
	struct source src[32];
	struct source s;		/* the value written, once found */
};

/* One expression of the walk; true at the write of the MSS option. */
static bool maxseg_expr(const struct nftnl_expr *e, void *data)
{
	/* What loads something else than an MSS into a register. */
	static const struct {
		const char *name;
		uint16_t dreg;
	} loads[] = {
		{ "meta", NFTNL_EXPR_META_DREG },
		{ "payload", NFTNL_EXPR_PAYLOAD_DREG },
		{ "bitwise", NFTNL_EXPR_BITWISE_DREG },
		{ "ct", NFTNL_EXPR_CT_DREG },
		{ "lookup", NFTNL_EXPR_LOOKUP_DREG },
	};
	struct maxseg_walk *w = data;
	struct source *src = w->src;
	size_t i;

	if (expr_is(e, "immediate") &&
	    expr_uint(e, NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT) {
		uint32_t len = 0;
		const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
		struct source imm = { SRC_IMM, 0 };

		if (d && len >= 2)
			imm.value = d[0] << 8 | d[1];
		else
			imm.kind = SRC_OTHER;
		source_set(src, expr_uint(e, NFTNL_EXPR_IMM_DREG), imm);
	} else if (expr_is(e, "rt")) {
		struct source rt = { SRC_OTHER, 0 };

		if (expr_uint(e, NFTNL_EXPR_RT_KEY) == NFT_RT_TCPMSS)
			rt.kind = SRC_ROUTE;
		source_set(src, expr_uint(e, NFTNL_EXPR_RT_DREG), rt);
	} else if (expr_is(e, "byteorder")) {
		source_set(src, expr_uint(e, NFTNL_EXPR_BYTEORDER_DREG),
			   source_get(src, expr_uint(e,
					NFTNL_EXPR_BYTEORDER_SREG)));
	} else if (expr_is(e, "exthdr")) {
		if (!nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_SREG)) {
			source_set(src, expr_uint(e, NFTNL_EXPR_EXTHDR_DREG),
				   w->s);
			return false;
		}
		if (expr_uint(e, NFTNL_EXPR_EXTHDR_OP) == NFT_EXTHDR_OP_TCPOPT &&
		    expr_uint(e, NFTNL_EXPR_EXTHDR_TYPE) == TCPOPT_MAXSEG) {
			w->s = source_get(src,
					  expr_uint(e, NFTNL_EXPR_EXTHDR_SREG));
			return true;
		}
	} else {
		for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
			if (!expr_is(e, loads[i].name) ||
			    !nftnl_expr_is_set(e, loads[i].dreg))
				continue;
			source_set(src, expr_uint(e, loads[i].dreg), w->s);
			break;
		}
	}
	return false;
}

bool nft_rule_maxseg(const struct nftnl_rule *r, struct nft_mss *mss)
{
	struct maxseg_walk w = { .s = { SRC_OTHER, 0 } };

	if (!exprs_until(r, maxseg_expr, &w))
		return false;
	mss->value = 0;
	switch (w.s.kind) {
	case SRC_IMM:
		mss->kind = NFT_MSS_FIXED;
		mss->value = w.s.value;
		break;
	case SRC_ROUTE:
		mss->kind = NFT_MSS_ROUTE;
		break;
	default:
		mss->kind = NFT_MSS_OTHER;
	}
	return true;
}

/* iptables' TCPMSS target; true (and *@data, the MSS, set) at one. */
static bool tcpmss_expr(const struct nftnl_expr *e, void *data)
{
	struct nft_mss *mss = data;
	const uint8_t *info;
	const char *name;
	uint32_t len = 0;
	uint16_t v;

	if (!expr_is(e, "target"))
		return false;
	name = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);
	if (!name || strcmp(name, "TCPMSS"))
		return false;
	info = nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);
	mss->kind = NFT_MSS_OTHER;
	mss->value = 0;
	if (!info || len < sizeof(v))
		return true;
	memcpy(&v, info, sizeof(v));	/* host order */
	if (v == XT_TCPMSS_CLAMP_PMTU) {
		mss->kind = NFT_MSS_ROUTE;
	} else {
		mss->kind = NFT_MSS_FIXED;
		mss->value = v;
	}
	return true;
}

bool nft_rule_tcpmss(const struct nftnl_rule *r, struct nft_mss *mss)
{
	return exprs_until(r, tcpmss_expr, mss);
}

/* A jump or goto; true (and *@data, the chain, set) at one. */
static bool jump_expr(const struct nftnl_expr *e, void *data)
{
	const char **to = data;
	int32_t code;

	if (!expr_is(e, "immediate") ||
	    expr_uint(e, NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT)
		return false;
	code = (int32_t)expr_uint(e, NFTNL_EXPR_IMM_VERDICT);
	if (code == NFT_JUMP || code == NFT_GOTO)
		*to = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
	return *to != NULL;
}

const char *nft_rule_jump(const struct nftnl_rule *r)
{
	const char *to = NULL;

	exprs_until(r, jump_expr, &to);
	return to;
}
