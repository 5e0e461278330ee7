/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the nftables ruleset of the current network namespace, read
 * with libnftnl (all tables, all families), for doctor: chains, rules (as
 * libnftnl objects, for nftrules.h's recognisers), flowtables, and the
 * sets a lookup of an ICMP type may name. One of the two files besides
 * codec.c that may read netlink attributes (nf_tables', never the mssclamp
 * family's); libnftnl does, this file calls no mnl_attr_* itself.
 *
 * Reading needs CAP_NET_ADMIN in the namespace (nfnetlink refuses every
 * message otherwise); nothing here changes the ruleset.
 */
#ifndef MSSCLAMPCTL_NFTABLES_H
#define MSSCLAMPCTL_NFTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nftrules.h"

struct nft_chain {
	uint32_t family;		/* NFPROTO_* of its table */
	char table[NFT_NAME_LEN];
	char name[NFT_NAME_LEN];
	bool base;			/* has a hook */
	uint32_t hook;
	int32_t prio;
	uint32_t policy;		/* NF_ACCEPT, NF_DROP */
	size_t first, nrules;		/* its rules in nft_ruleset.rules */
};

struct nft_rule {
	size_t chain;			/* index in nft_ruleset.chains */
	uint64_t handle;
	struct nftnl_rule *r;
};

struct nft_flowtable {
	uint32_t family;
	char table[NFT_NAME_LEN];
	char name[NFT_NAME_LEN];
	uint32_t hook;
	int32_t prio;
	char devices[256];		/* "eth0 eth1" */
};

struct nft_ruleset {
	size_t nchains, nrules, nflowtables;
	struct nft_chain *chains;
	struct nft_rule *rules;		/* chain by chain, in chain order */
	struct nft_flowtable *flowtables;
	struct nft_sets sets;		/* those with keys of 1 or 2 bytes */
};

/*
 * Read the ruleset of the current namespace into @rs, consistently (the
 * generation is the same before and after). Returns 0, or -1 with errno
 * set: EPERM without CAP_NET_ADMIN, ENOENT without nf_tables in the kernel
 * (nothing is asked then, so that no module is loaded). nft_free() either
 * way.
 */
int nft_read(struct nft_ruleset *rs);
void nft_free(struct nft_ruleset *rs);

/* The chain called @name in @family's table @table, or SIZE_MAX. */
size_t nft_chain_find(const struct nft_ruleset *rs, uint32_t family,
		      const char *table, const char *name);
/*
 * A base chain whose rules reach chain @chain by jumps and gotos (the
 * chain itself if it is one), or SIZE_MAX when none does: its rules then
 * never run.
 */
size_t nft_chain_base(const struct nft_ruleset *rs, size_t chain);

/* A rule that drops candidate @c on the way through base chain @base. */
struct nft_drop {
	enum nft_candidate c;
	size_t rule;
	size_t base;
	bool may;			/* only some such packets */
	bool reject;
};

/*
 * Follow each candidate through every base chain of a family that sees
 * it, rule by rule, into the chains it jumps to; call @cb for each rule
 * that drops it there and only tests for ICMP on the way, once per rule
 * and candidate. An earlier rule that accepts (or drops) every such packet
 * ends the chain's walk: what follows is never reached.
 */
void nft_walk_drops(const struct nft_ruleset *rs,
		    void (*cb)(const struct nft_ruleset *rs,
			       const struct nft_drop *drop, void *data),
		    void *data);

/* "ip", "ip6", "inet", "arp", "bridge", "netdev", or "unknown". */
const char *nft_family_name(uint32_t family);
/* The name of @hook in @family ("forward", "ingress"), or "unknown". */
const char *nft_hook_name(uint32_t family, uint32_t hook);

#endif /* MSSCLAMPCTL_NFTABLES_H */
