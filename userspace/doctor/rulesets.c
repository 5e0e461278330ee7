// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl doctor: the rulesets, nftables and legacy iptables: other
 * MSS clamps and which one decides, rules dropping ICMP
 * fragmentation-needed or Packet Too Big, flowtables (checks nftables,
 * nft.*, legacy, legacy.*; mssclampctl(8)).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>

#include "doctor.h"
#include "legacy.h"
#include "nftables.h"

#define MSG_SIZE	1024

/* ------------------------------------------------------------------ */
/* nftables                                                             */

struct nft_ctx {
	struct report *rep;
	const struct nft_ruleset *rs;
	const struct fam *fams;
	size_t drops;
};

static void rule_id(const struct nft_ruleset *rs, size_t rule, char *buf,
		    size_t size)
{
	const struct nft_rule *ru = &rs->rules[rule];
	const struct nft_chain *c = &rs->chains[ru->chain];

	snprintf(buf, size, "%s %s %s handle %llu", nft_family_name(c->family),
		 c->table, c->name, (unsigned long long)ru->handle);
}

/* " (hook forward, priority 0)", or reached from another chain. */
static void chain_place(const struct nft_ruleset *rs, size_t chain,
			size_t base, char *buf, size_t size)
{
	const struct nft_chain *b = &rs->chains[base];

	if (base == chain)
		snprintf(buf, size, "hook %s, priority %d",
			 nft_hook_name(b->family, b->hook), b->prio);
	else
		snprintf(buf, size, "reached from %s %s %s: hook %s, priority %d",
			 nft_family_name(b->family), b->table, b->name,
			 nft_hook_name(b->family, b->hook), b->prio);
}

/*
 * Where a clamp at (@hook, @prio) of an IP family runs for a packet,
 * against mssclamp at @clamp_hook: <0 before, >0 after, 0 the same
 * priority; *@off_path says which packets, when mssclamp sees none of
 * those the rule sees (NULL when it does).
 */
static int clamp_order(uint32_t hook, int32_t prio, uint8_t clamp_hook,
		       const char **off_path)
{
	static const int rank[] = {
		[NF_INET_PRE_ROUTING] = 0, [NF_INET_LOCAL_IN] = 1,
		[NF_INET_FORWARD] = 1, [NF_INET_LOCAL_OUT] = 1,
		[NF_INET_POST_ROUTING] = 2,
	};
	uint32_t ch = clamp_hook == MSSCLAMP_HOOK_POSTROUTING ?
		      NF_INET_POST_ROUTING : NF_INET_FORWARD;

	*off_path = NULL;
	if (hook == NF_INET_INGRESS)
		return -1;		/* before prerouting */
	if (hook == NF_INET_LOCAL_IN) {
		*off_path = "packets to the box itself";
		return 0;
	}
	if (hook == NF_INET_LOCAL_OUT && ch == NF_INET_FORWARD) {
		*off_path = "the box's own packets";
		return 0;
	}
	if (hook > NF_INET_POST_ROUTING) {
		*off_path = "packets at a hook it does not know";
		return 0;
	}
	if (hook != ch)
		return rank[hook] < rank[ch] ? -1 : 1;
	return prio < CLAMP_PRIORITY ? -1 : prio > CLAMP_PRIORITY;
}

/*
 * One MSS clamp of the ruleset against mssclamp's: per family the table
 * serves, which one runs first and which value leaves. @kind: "sets
 * maxseg" or "TCPMSS", @hook/@prio where it runs.
 */
static void other_clamp(struct nft_ctx *x, const char *check, const char *id,
			const char *place, uint32_t family, uint32_t hook,
			int32_t prio, const struct nft_mss *mss,
			const char *how, const char *fix)
{
	char msg[MSG_SIZE], value[64];
	size_t len;
	int fi, doubled = 0;

	if (mss->kind == NFT_MSS_FIXED)
		snprintf(value, sizeof(value), "%u", mss->value);
	else if (mss->kind == NFT_MSS_ROUTE)
		snprintf(value, sizeof(value), "the route's MTU less the headers");
	else
		snprintf(value, sizeof(value), "a computed value");
	len = snprintf(msg, sizeof(msg), "%s (%s) %s to %s", id, place, how,
		       value);
	if (family != NFPROTO_IPV4 && family != NFPROTO_IPV6 &&
	    family != NFPROTO_INET) {
		report_add(x->rep, SEV_OK, check,
			   "%s: a %s table, whose packets mssclamp's IPv4 and IPv6 hooks do not see",
			   msg, nft_family_name(family));
		return;
	}
	for (fi = 0; fi < FAMILY_COUNT && len < sizeof(msg); fi++) {
		const struct fam *f = &x->fams[fi];
		const char *off_path;
		int o;

		if ((family == NFPROTO_IPV4 && fi != 0) ||
		    (family == NFPROTO_IPV6 && fi != 1))
			continue;
		if (!fam_enabled(f)) {
			len += snprintf(msg + len, sizeof(msg) - len,
					"; %s: mssclamp is %s, this rule is the only clamp",
					f->label, f->cfg ? "disabled" : "not loaded");
			continue;
		}
		o = clamp_order(hook, prio, f->cfg->hook, &off_path);
		if (off_path) {
			len += snprintf(msg + len, sizeof(msg) - len,
					"; %s: on %s, which mssclamp's hook %s does not see",
					f->label, off_path, hook_name(f->cfg->hook));
			continue;
		}
		doubled++;
		len += snprintf(msg + len, sizeof(msg) - len,
				"; %s: it runs %s mssclamp (hook %s, priority %d)",
				f->label, o < 0 ? "before" : o > 0 ? "after" :
				"at the same priority as", hook_name(f->cfg->hook),
				CLAMP_PRIORITY);
		if (len >= sizeof(msg))
			break;
		if (mss->kind == NFT_MSS_FIXED && mss->value < f->cfg->mss)
			len += snprintf(msg + len, sizeof(msg) - len,
					" and its %u is below the ceiling %u: this rule decides what leaves%s",
					mss->value, f->cfg->mss,
					o < 0 ? ", and mssclamp counts those SYNs unchanged" : "");
		else if (mss->kind == NFT_MSS_FIXED)
			len += snprintf(msg + len, sizeof(msg) - len,
					" and the ceiling %u is lower: mssclamp decides what leaves",
					f->cfg->mss);
		else
			len += snprintf(msg + len, sizeof(msg) - len,
					": the lower of its value and the ceiling %u leaves (each only lowers), and where it is lower mssclamp's counters do not show it",
					f->cfg->mss);
	}
	if (doubled && len < sizeof(msg))
		snprintf(msg + len, sizeof(msg) - len,
			 "; two clamps: keep one (%s)", fix);
	report_add(x->rep, doubled ? SEV_WARN : SEV_OK, check, "%s", msg);
}

static void check_clamps(struct nft_ctx *x)
{
	const struct nft_ruleset *rs = x->rs;
	size_t i, nmaxseg = 0, ntcpmss = 0;

	for (i = 0; i < rs->nrules; i++) {
		const struct nft_rule *ru = &rs->rules[i];
		const struct nft_chain *c = &rs->chains[ru->chain];
		bool maxseg, tcpmss = false;
		struct nft_mss mss;
		char id[3 * NFT_NAME_LEN + 32], place[2 * NFT_NAME_LEN + 64];
		char fix[sizeof(id) + 32];
		const char *check;
		size_t base;

		maxseg = nft_rule_maxseg(ru->r, &mss);
		if (!maxseg)
			tcpmss = nft_rule_tcpmss(ru->r, &mss);
		if (!maxseg && !tcpmss)
			continue;
		maxseg ? nmaxseg++ : ntcpmss++;
		check = maxseg ? "nft.maxseg" : "nft.tcpmss";
		rule_id(rs, i, id, sizeof(id));
		snprintf(fix, sizeof(fix), "nft delete rule %s", id);
		base = nft_chain_base(rs, ru->chain);
		if (base == SIZE_MAX) {
			report_add(x->rep, SEV_OK, check,
				   "%s %s, in a chain no base chain jumps to: it never runs",
				   id, maxseg ? "sets the TCP MSS option" :
						"is an iptables-nft TCPMSS target");
			continue;
		}
		chain_place(rs, ru->chain, base, place, sizeof(place));
		other_clamp(x, check, id, place, c->family,
			    rs->chains[base].hook, rs->chains[base].prio, &mss,
			    maxseg ? "sets the TCP MSS option (tcp option maxseg size set)" :
				     "is an iptables-nft TCPMSS target: it lowers the MSS",
			    fix);
	}
	if (!nmaxseg)
		report_add(x->rep, SEV_OK, "nft.maxseg",
			   "no nftables rule sets the TCP MSS option");
	if (!ntcpmss)
		report_add(x->rep, SEV_OK, "nft.tcpmss",
			   "no iptables-nft TCPMSS target");
}

static void drop_found(const struct nft_ruleset *rs, const struct nft_drop *d,
		       void *data)
{
	struct nft_ctx *x = data;
	char id[3 * NFT_NAME_LEN + 32], place[2 * NFT_NAME_LEN + 64];
	const bool v4 = d->c == NFT_FRAG_NEEDED;

	x->drops++;
	rule_id(rs, d->rule, id, sizeof(id));
	chain_place(rs, rs->rules[d->rule].chain, d->base, place,
		    sizeof(place));
	report_add(x->rep, SEV_FAIL, "nft.icmp",
		   "%s (%s) %s %s%s: path MTU discovery through this box fails for everything the clamp does not cover (UDP, QUIC, ESP, TCP above the ceiling): delete it (nft delete rule %s) or accept %s before it (RFC 4890)",
		   id, place, d->reject ? "rejects" : "drops",
		   v4 ? "ICMP fragmentation-needed" : "ICMPv6 Packet Too Big",
		   d->may ? " (those its other tests match)" : "", id,
		   v4 ? "icmp type destination-unreachable" : "icmpv6 type packet-too-big");
}

static void check_flowtables(struct report *rep,
			     const struct nft_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nflowtables; i++) {
		const struct nft_flowtable *ft = &rs->flowtables[i];

		report_add(rep, SEV_OK, "nft.flowtable",
			   "flowtable %s %s %s (hook %s, devices %s): offloaded connections bypass the forward and postrouting hooks, but only established ones are offloaded, so SYNs and SYN-ACKs still reach mssclamp",
			   nft_family_name(ft->family), ft->table, ft->name,
			   nft_hook_name(NFPROTO_NETDEV, ft->hook),
			   *ft->devices ? ft->devices : "none");
	}
	if (!rs->nflowtables)
		report_add(rep, SEV_OK, "nft.flowtable", "no flowtable");
}

void check_nftables(struct report *rep, const struct fam *fams)
{
	struct nft_ruleset rs;
	struct nft_ctx x = { .rep = rep, .rs = &rs, .fams = fams };

	if (nft_read(&rs) < 0) {
		int err = errno;

		nft_free(&rs);
		if (err == ENOENT)
			report_add(rep, SEV_OK, "nftables",
				   "nf_tables is not loaded: there is no ruleset to check");
		else if (err == EPERM || err == EACCES)
			report_add(rep, SEV_WARN, "nftables",
				   "reading the ruleset needs CAP_NET_ADMIN: other MSS clamps and rules dropping Packet Too Big were not checked (run doctor as root)");
		else
			report_add(rep, SEV_WARN, "nftables",
				   "cannot read the ruleset: %s: other MSS clamps and rules dropping Packet Too Big were not checked",
				   strerror(err));
		return;
	}
	report_add(rep, SEV_OK, "nftables",
		   "read the ruleset: %zu chains, %zu rules", rs.nchains,
		   rs.nrules);
	check_clamps(&x);
	nft_walk_drops(&rs, drop_found, &x);
	if (!x.drops)
		report_add(rep, SEV_OK, "nft.icmp",
			   "no rule drops ICMP fragmentation-needed or ICMPv6 Packet Too Big");
	check_flowtables(rep, &rs);
	nft_free(&rs);
}

/* ------------------------------------------------------------------ */
/* Legacy iptables                                                      */

/* The finding of a family that was not read; false when it was. */
static bool legacy_state(struct report *rep, const struct legacy_family *lf,
			 const char *label)
{
	switch (lf->state) {
	case LEGACY_NONE:
		report_add(rep, SEV_OK, "legacy", "no legacy %s iptables table is loaded",
			   label);
		return true;
	case LEGACY_DENIED:
		report_add(rep, SEV_WARN, "legacy",
			   "which legacy %s iptables tables are loaded cannot be read without privilege: not checked (run doctor as root)",
			   label);
		return true;
	case LEGACY_NO_TOOL:
		report_add(rep, SEV_WARN, "legacy",
			   "legacy %s iptables tables are loaded (%s) but %s is not installed: their rules were not checked",
			   label, lf->tables, lf->tool);
		return true;
	case LEGACY_FAILED:
		report_add(rep, SEV_WARN, "legacy",
			   "legacy %s iptables tables are loaded (%s) but %s failed: their rules were not checked",
			   label, lf->tables, lf->tool);
		return true;
	case LEGACY_READ:
		break;
	}
	return false;
}

/*
 * Where a legacy TCPMSS rule runs against mssclamp at @c's hook, when it is
 * in mangle's FORWARD or POSTROUTING chain (priority -150); "" otherwise.
 */
static const char *legacy_place(const struct legacy_rule *r,
				const struct config *c)
{
	bool fwd = !strcmp(r->chain, "FORWARD");
	bool post = !strcmp(r->chain, "POSTROUTING");

	if (strcmp(r->table, "mangle") || (!fwd && !post))
		return "";
	if ((fwd && c->hook == MSSCLAMP_HOOK_FORWARD) ||
	    (post && c->hook == MSSCLAMP_HOOK_POSTROUTING))
		return " (priority -150, after mssclamp's -155 at the same hook)";
	return fwd ? " (priority -150, before mssclamp's postrouting hook)" :
		     " (priority -150, after mssclamp's forward hook)";
}

void check_legacy(struct report *rep, const struct fam *fams)
{
	struct legacy_view v;
	size_t found = 0, i;
	int fi;

	legacy_read(&v);
	/* The same state in both families: one line says it. */
	if (v.fam[0].state == v.fam[1].state && v.fam[0].state != LEGACY_READ &&
	    !strcmp(v.fam[0].tables, v.fam[1].tables)) {
		legacy_state(rep, &v.fam[0], "IPv4 and IPv6");
		goto out;
	}
	for (fi = 0; fi < FAMILY_COUNT; fi++) {
		const struct legacy_family *lf = &v.fam[fi];
		const struct fam *f = &fams[fi];

		if (lf->state != LEGACY_READ) {
			legacy_state(rep, lf, f->label);
			continue;
		}
		report_add(rep, SEV_OK, "legacy", "legacy %s iptables tables: %s",
			   f->label, lf->tables);
		for (i = 0; i < lf->nrules; i++) {
			const struct legacy_rule *r = &lf->rules[i];

			found++;
			if (r->kind == LEGACY_ICMP_DROP) {
				report_add(rep, SEV_FAIL, "legacy.icmp",
					   "legacy %s table %s: '%s' drops %s: path MTU discovery through this box fails; delete it or accept them before it (RFC 4890)",
					   f->label, r->table, r->line,
					   fi ? "ICMPv6 Packet Too Big" :
						"ICMP fragmentation-needed");
				continue;
			}
			if (!fam_enabled(f)) {
				report_add(rep, SEV_OK, "legacy.tcpmss",
					   "legacy %s table %s: '%s' is a TCPMSS clamp; mssclamp's %s is %s, so it is the only one",
					   f->label, r->table, r->line, f->name,
					   f->cfg ? "disabled" : "not loaded");
				continue;
			}
			report_add(rep, SEV_WARN, "legacy.tcpmss",
				   "legacy %s table %s: '%s' is a second clamp%s: the lower value leaves (each only lowers) and mssclamp's counters do not show what it changes; keep one",
				   f->label, r->table, r->line,
				   legacy_place(r, f->cfg));
		}
	}
	if (!found && (v.fam[0].state == LEGACY_READ ||
		       v.fam[1].state == LEGACY_READ))
		report_add(rep, SEV_OK, "legacy",
			   "no legacy TCPMSS target and no legacy rule dropping ICMP fragmentation-needed or Packet Too Big");
out:
	legacy_free(&v);
}
