/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: what doctor asks of each rule of the nftables ruleset, on
 * the libnftnl objects nftables.c reads (or a test builds):
 *
 *  - does it set the TCP MSS option (nft `tcp option maxseg size set ...`:
 *    an exthdr expression writing TCP option 2), or run iptables' TCPMSS
 *    target (iptables-nft: a compat `target` expression named TCPMSS)?
 *  - would it drop an ICMP "fragmentation needed" (type 3 code 4) or an
 *    ICMPv6 Packet Too Big (type 2)? The rule is run, expression by
 *    expression, on each of those two packets: what it tests of them is
 *    known (the protocols, the ICMP type and code), anything else (addresses,
 *    interfaces, conntrack) may or may not hold.
 *
 * Pure: no socket, no attribute; libnftnl's getters only.
 */
#ifndef MSSCLAMPCTL_NFTRULES_H
#define MSSCLAMPCTL_NFTRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nftnl_rule;

#define NFT_NAME_LEN	256	/* NFT_NAME_MAXLEN */

/* The two packets path MTU discovery lives on. */
enum nft_candidate {
	NFT_FRAG_NEEDED,	/* ICMP type 3 code 4, IPv4 */
	NFT_PACKET_TOO_BIG,	/* ICMPv6 type 2 code 0, IPv6 */
	NFT_CANDIDATES,
};

enum nft_match {
	NFT_MATCH_NO,		/* some test fails on the candidate */
	NFT_MATCH_MAY,		/* no test fails; some depend on more */
	NFT_MATCH_YES,		/* every test holds */
};

enum nft_verdict {
	NFT_VERDICT_NONE,	/* the next rule follows */
	NFT_VERDICT_ACCEPT,
	NFT_VERDICT_DROP,	/* drop or reject */
	NFT_VERDICT_JUMP,
	NFT_VERDICT_GOTO,
	NFT_VERDICT_RETURN,
	NFT_VERDICT_OTHER,	/* queue, a verdict map, NAT, ... */
};

/* Sets a rule may look a candidate's byte up in (keys of 1 or 2 bytes). */
struct nft_range {
	uint32_t lo, hi;	/* the key as a big-endian number */
};

struct nft_set {
	uint32_t family;
	char table[NFT_NAME_LEN];
	char name[NFT_NAME_LEN];
	uint32_t key_len;
	uint32_t flags;		/* NFT_SET_INTERVAL, ... */
	size_t nranges;
	struct nft_range *ranges;
};

struct nft_sets {
	size_t n;
	struct nft_set *sets;
};

/* A new empty set in @sets, or NULL when out of memory. */
struct nft_set *nft_sets_add(struct nft_sets *sets, uint32_t family,
			     const char *table, const char *name,
			     uint32_t key_len);
/* Add the keys @lo to @hi to @set; -1 when out of memory. */
int nft_set_add_range(struct nft_set *set, uint32_t lo, uint32_t hi);
void nft_sets_free(struct nft_sets *sets);

/* What one rule does to a candidate. */
struct nft_eval {
	enum nft_match match;
	bool icmp;		/* a test on the ICMP protocol, type or code held */
	enum nft_verdict verdict;
	bool reject;		/* NFT_VERDICT_DROP by reject */
	const char *target;	/* JUMP, GOTO: the chain, in the rule */
};

/*
 * Run @r (of the table family its NFTNL_RULE_FAMILY says) on @c; @sets
 * (may be NULL) holds the sets its lookups may name.
 */
void nft_rule_eval(const struct nftnl_rule *r, enum nft_candidate c,
		   const struct nft_sets *sets, struct nft_eval *ev);
/* Does @r drop (or reject) @c, for all such packets or some? */
bool nft_rule_drops(const struct nftnl_rule *r, enum nft_candidate c,
		    const struct nft_sets *sets);

/* What a rule sets the MSS to. */
enum nft_mss_kind {
	NFT_MSS_FIXED,		/* a number */
	NFT_MSS_ROUTE,		/* the route's MTU less the headers */
	NFT_MSS_OTHER,		/* computed some other way */
};

struct nft_mss {
	enum nft_mss_kind kind;
	uint16_t value;		/* NFT_MSS_FIXED */
};

/* nft `tcp option maxseg size set ...` (not a read of the option). */
bool nft_rule_maxseg(const struct nftnl_rule *r, struct nft_mss *mss);
/* iptables' TCPMSS target, as iptables-nft writes it (nft_compat). */
bool nft_rule_tcpmss(const struct nftnl_rule *r, struct nft_mss *mss);

/* The chain a jump or goto of @r names, in @r's storage, or NULL. */
const char *nft_rule_jump(const struct nftnl_rule *r);
/* Does a table of @family see candidate @c (ip: IPv4 only, ...)? */
bool nft_family_sees(uint32_t family, enum nft_candidate c);

#endif /* MSSCLAMPCTL_NFTRULES_H */
