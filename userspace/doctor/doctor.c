// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl doctor: what makes the clamp ineffective on this box (in this
 * network namespace), one finding per line with what to do about it:
 *
 *   module, netlink, version     the module, its family, both versions
 *   ipv4.enabled ... ipv6.*      per family: enabled, syn/synack, hook,
 *                                scope, the interfaces' and routes' MTUs
 *                                against the ceiling, IP forwarding
 *   nftables, nft.*              the ruleset (libnftnl): other MSS clamps
 *                                (nft maxseg, iptables-nft TCPMSS) and
 *                                which one decides, rules dropping ICMP
 *                                fragmentation-needed / Packet Too Big,
 *                                flowtables
 *   legacy, legacy.*             legacy iptables, through *-legacy-save
 *
 * Each finding is ok, warn or fail; the exit status is 0 when none is warn
 * or fail, 1 otherwise. Text: "SEVERITY CHECK: MESSAGE" lines and a count;
 * -j: {"findings": [{"severity", "check", "message"}, ...], "problems": N}.
 *
 * It only reads: the module's configuration (netlink GET_CONFIG),
 * rtnetlink dumps, the ruleset, /proc/sys. A part it may not read (the
 * ruleset needs CAP_NET_ADMIN) is a warn finding that says so: exit status
 * 0 means every check ran and found nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rtnetlink.h>

#include "../commands.h"
#include "../config.h"
#include "../ctl.h"
#include "../errors.h"
#include "../family.h"
#include "legacy.h"
#include "../netns.h"
#include "nftables.h"
#include "../nl.h"
#include "../output.h"
#include "../query.h"
#include "rtnl.h"
#include "../readline.h"

/* kmod/mssclamp.h: MSSCLAMP_HOOK_PRIORITY, for both families. */
#define CLAMP_PRIORITY	(NF_IP_PRI_MANGLE - 5)
/* The priority of legacy iptables' mangle table (iptable_mangle.c). */
#define LEGACY_MANGLE_PRIORITY	NF_IP_PRI_MANGLE
#define TCP_HDR		20
#define MSG_SIZE	1024

enum severity { SEV_OK, SEV_WARN, SEV_FAIL };

static const char *const sev_names[] = { "ok", "warn", "fail" };

struct finding {
	enum severity sev;
	char check[32];
	char *msg;
};

static struct finding *findings;
static size_t nfindings;

__attribute__((format(printf, 3, 4)))
static void add(enum severity sev, const char *check, const char *fmt, ...)
{
	struct finding *f = realloc(findings, (nfindings + 1) *
				    sizeof(*findings));
	char msg[MSG_SIZE];
	va_list ap;

	if (!f)
		return;
	findings = f;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f += nfindings;
	f->msg = strdup(msg);
	if (!f->msg)
		return;
	f->sev = sev;
	snprintf(f->check, sizeof(f->check), "%s", check);
	nfindings++;
}

/* "ipv4.mtu" */
static const char *fcheck(int fi, const char *what)
{
	static char buf[FAMILY_COUNT][8][32];
	static int next[FAMILY_COUNT];
	char *b = buf[fi][next[fi]++ % 8];

	snprintf(b, sizeof(buf[0][0]), "%s.%s", family_name(families[fi]),
		 what);
	return b;
}

/* ------------------------------------------------------------------ */
/* What every check needs to know of a family                           */

struct fam {
	int fi;				/* family_index() */
	const char *label;		/* "IPv4" */
	int af;				/* AF_INET */
	unsigned int iphdr;		/* 20, 40 */
	unsigned int floor;		/* MSSCLAMP_IPV4_MSS_FLOOR */
	const struct config *cfg;	/* NULL without the module */
};

static const char *const labels[FAMILY_COUNT] = { "IPv4", "IPv6" };

static bool enabled(const struct fam *f)
{
	return f->cfg && f->cfg->enabled;
}

/* What pmtu on makes of a link or route MTU: mssclamp_pmtu_ceiling(). */
static unsigned int pmtu_mss(const struct fam *f, unsigned int mtu)
{
	long mss = (long)mtu - f->iphdr - TCP_HDR - f->cfg->overhead;

	if (mss > (long)f->cfg->mss)
		mss = f->cfg->mss;
	if (mss < (long)f->floor)
		mss = f->floor;
	return mss;
}

/*
 * An MTU (of a link or a route, named @what) against the ceiling: a
 * finding when it allows less. Returns whether it did.
 */
static bool mtu_check(const struct fam *f, const char *check,
		      const char *what, unsigned int mtu)
{
	long allowed = (long)mtu - f->iphdr - TCP_HDR;
	const struct config *c = f->cfg;

	if (allowed >= (long)c->mss)
		return false;
	if (c->pmtu) {
		add(SEV_OK, check,
		    "%s %u allows MSS %ld (%s, overhead 0), below the ceiling %u: pmtu on clamps connections through it to %u (%u - %u - overhead %u)",
		    what, mtu, allowed, f->label, c->mss, pmtu_mss(f, mtu), mtu,
		    f->iphdr + TCP_HDR, c->overhead);
	} else if (allowed < (long)f->floor) {
		add(SEV_FAIL, check,
		    "%s %u allows MSS %ld (%s, overhead 0), below the ceiling %u and below the floor %u no clamp goes under: raise that MTU to %u or more",
		    what, mtu, allowed, f->label, c->mss, f->floor,
		    f->floor + f->iphdr + TCP_HDR);
	} else {
		add(SEV_FAIL, check,
		    "%s %u allows MSS %ld (%s, overhead 0); the ceiling is %u: set overhead %u or pmtu on",
		    what, mtu, allowed, f->label, c->mss, c->mtu - mtu);
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* The module                                                           */

static bool check_module(void)
{
	char version[64];

	if (access("/sys/module/mssclamp", F_OK) < 0) {
		add(SEV_FAIL, "module",
		    "mssclamp is not loaded: nothing is clamped (modprobe mssclamp, or systemctl start mssclamp to load it and apply /etc/mssclamp.conf)");
		return false;
	}
	if (read_line("/sys/module/mssclamp/version", version,
		      sizeof(version)) < 0) {
		add(SEV_OK, "module", "mssclamp is loaded");
		add(SEV_WARN, "version",
		    "the module gives no version, the tool is " MSSCLAMP_VERSION ": load the module of this release (dkms status mssclamp)");
		return true;
	}
	add(SEV_OK, "module", "mssclamp %s is loaded", version);
	if (strcmp(version, MSSCLAMP_VERSION))
		add(SEV_WARN, "version",
		    "the tool is " MSSCLAMP_VERSION " but the module is %s: reload the module of this release (rmmod mssclamp; modprobe mssclamp), or install the matching tool",
		    version);
	else
		add(SEV_OK, "version", "tool and module are both %s",
		    version);
	return true;
}

static bool read_configs(struct config configs[FAMILY_COUNT])
{
	struct nl *nl = nl_open("doctor");
	int ret;

	if (!nl) {
		add(SEV_FAIL, "netlink",
		    "the mssclamp netlink family does not answer (see the error above): the configuration was not checked");
		return false;
	}
	ret = query_get(nl, &query_config, "doctor", 0, configs);
	nl_close(nl);
	if (ret) {
		add(SEV_FAIL, "netlink",
		    "the mssclamp family did not give its configuration (see the error above)");
		return false;
	}
	add(SEV_OK, "netlink",
	    "the mssclamp family answers in this network namespace");
	return true;
}

/* ------------------------------------------------------------------ */
/* Per family: configuration                                            */

static void check_config(const struct fam *f, const struct rtnl_view *rt,
			 bool have_rt)
{
	const struct config *c = f->cfg;
	char list[MSSCLAMP_MAX_DEVS * (IFNAMSIZ + 1) + 1];
	size_t len = 0;
	unsigned int i, missing;

	if (!c->enabled) {
		add(SEV_WARN, fcheck(f->fi, "enabled"),
		    "disabled: %s connections are not clamped (mssclampctl set %s enable, or apply /etc/mssclamp.conf)",
		    f->label, family_name(families[f->fi]));
		return;
	}
	add(SEV_OK, fcheck(f->fi, "enabled"),
	    "enabled: mtu %u overhead %u, ceiling %u, pmtu %s", c->mtu,
	    c->overhead, c->mss, c->pmtu ? "on" : "off");
	if (!c->syn || !c->synack)
		add(SEV_WARN, fcheck(f->fi, "directions"),
		    "%s off: %s are not clamped, so %s (mssclampctl set %s %s on)",
		    !c->syn ? "syn" : "synack",
		    !c->syn ? "SYNs" : "SYN-ACKs",
		    !c->syn ? "servers behind the box send segments as large as the client's own MSS allows" :
			      "clients send segments as large as the server's own MSS allows",
		    family_name(families[f->fi]), !c->syn ? "syn" : "synack");

	if (c->hook == MSSCLAMP_HOOK_POSTROUTING)
		add(SEV_OK, fcheck(f->fi, "hook"),
		    "hook postrouting (priority %d): forwarded connections and the box's own",
		    CLAMP_PRIORITY);
	else
		add(SEV_OK, fcheck(f->fi, "hook"),
		    "hook forward (priority %d): forwarded connections; the box's own are not clamped (hook postrouting would)",
		    CLAMP_PRIORITY);

	if (!c->ndevs) {
		add(SEV_OK, fcheck(f->fi, "scope"),
		    "dev any: every packet through the hook");
		return;
	}
	for (i = 0; i < c->ndevs; i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				i ? "," : "", c->devs[i]);
	if (!have_rt) {
		add(SEV_WARN, fcheck(f->fi, "scope"),
		    "dev %s: the interfaces could not be read, so whether they exist was not checked",
		    list);
		return;
	}
	missing = 0;
	for (i = 0; i < c->ndevs; i++) {
		if (rtnl_link_by_name(rt, c->devs[i]))
			continue;
		missing++;
		add(SEV_WARN, fcheck(f->fi, "scope"),
		    "dev %s does not exist in this network namespace: nothing through it is clamped until an interface of that name appears (check the name, or the namespace: -n)",
		    c->devs[i]);
	}
	if (!missing)
		add(SEV_OK, fcheck(f->fi, "scope"), "dev %s: all present",
		    list);
}

/* ------------------------------------------------------------------ */
/* Per family: interfaces and routes                                    */

/* A route forwarded traffic can take (not local, broadcast, link-local). */
static bool route_counts(const struct rtnl_route *r, int af)
{
	if (r->family != af || r->type != RTN_UNICAST ||
	    r->table == RT_TABLE_LOCAL)
		return false;
	/* fe80::/10: every IPv6 interface has one; nothing is forwarded there. */
	if (af == AF_INET6 && r->dst_len >= 10 && r->dst[0] == 0xfe &&
	    (r->dst[1] & 0xc0) == 0x80)
		return false;
	return true;
}

static bool carries_routes(const struct rtnl_view *rt, int af, int index)
{
	size_t i;
	unsigned int j;

	for (i = 0; i < rt->nroutes; i++) {
		const struct rtnl_route *r = &rt->routes[i];

		if (!route_counts(r, af))
			continue;
		for (j = 0; j < r->noifs; j++)
			if (r->oifs[j] == index)
				return true;
	}
	return false;
}

static bool in_scope(const struct config *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->ndevs; i++)
		if (!strcmp(c->devs[i], name))
			return true;
	return false;
}

static void check_links(const struct fam *f, const struct rtnl_view *rt)
{
	char seen[256];
	size_t len = 0, i, n = 0;
	bool low = false;

	seen[0] = '\0';
	for (i = 0; i < rt->nlinks; i++) {
		const struct rtnl_link *l = &rt->links[i];
		unsigned int mtu = l->mtu;
		char what[IFNAMSIZ + 8];

		if (!(l->flags & IFF_UP) || (l->flags & IFF_LOOPBACK))
			continue;
		if (!carries_routes(rt, f->af, l->index) &&
		    !in_scope(f->cfg, l->name))
			continue;
		if (f->af == AF_INET6) {
			if (!l->mtu6)
				continue;	/* no IPv6 on it */
			mtu = l->mtu6;
		}
		snprintf(what, sizeof(what), "%s: MTU", l->name);
		if (mtu_check(f, fcheck(f->fi, "mtu"), what, mtu))
			low = true;
		else if (len < sizeof(seen))
			len += snprintf(seen + len, sizeof(seen) - len,
					"%s%s %u", n ? ", " : "", l->name, mtu);
		n++;
	}
	if (low)
		return;
	if (!n)
		add(SEV_OK, fcheck(f->fi, "mtu"),
		    "no interface that is up carries %s routes", f->label);
	else
		add(SEV_OK, fcheck(f->fi, "mtu"),
		    "every interface that carries %s routes allows the ceiling %u (%s)",
		    f->label, f->cfg->mss, seen);
}

static void route_name(const struct rtnl_view *rt, const struct rtnl_route *r,
		       char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];
	const struct rtnl_link *l;
	size_t len;

	if (!r->dst_len) {
		len = snprintf(buf, size, "default");
	} else {
		inet_ntop(r->family, r->dst, addr, sizeof(addr));
		len = snprintf(buf, size, "%s/%u", addr, r->dst_len);
	}
	if (r->have_gw && len < size) {
		inet_ntop(r->family, r->gw, addr, sizeof(addr));
		len += snprintf(buf + len, size - len, " via %s", addr);
	}
	l = r->noifs ? rtnl_link_by_index(rt, r->oifs[0]) : NULL;
	if (l && len < size)
		len += snprintf(buf + len, size - len, " dev %s", l->name);
	if (r->table != RT_TABLE_MAIN && len < size)
		snprintf(buf + len, size - len, " table %u", r->table);
}

static void check_routes(const struct fam *f, const struct rtnl_view *rt)
{
	size_t i;
	bool low = false;

	for (i = 0; i < rt->nroutes; i++) {
		const struct rtnl_route *r = &rt->routes[i];
		char what[256];

		if (!r->mtu || !route_counts(r, f->af))
			continue;
		route_name(rt, r, what, sizeof(what) - 12);
		strcat(what, ": route mtu");
		if (mtu_check(f, fcheck(f->fi, "route-mtu"), what, r->mtu))
			low = true;
	}
	if (!low)
		add(SEV_OK, fcheck(f->fi, "route-mtu"),
		    "no %s route has an mtu below what the ceiling %u needs",
		    f->label, f->cfg->mss);
}

/* ------------------------------------------------------------------ */
/* Per family: forwarding                                               */

static void check_forwarding(const struct fam *f)
{
	static const char *const paths[FAMILY_COUNT] = {
		"/proc/sys/net/ipv4/ip_forward",
		"/proc/sys/net/ipv6/conf/all/forwarding",
	};
	static const char *const keys[FAMILY_COUNT] = {
		"net.ipv4.ip_forward",
		"net.ipv6.conf.all.forwarding",
	};
	const char *check = fcheck(f->fi, "forwarding");
	char val[16];

	if (read_line(paths[f->fi], val, sizeof(val)) < 0) {
		if (errno == ENOENT)
			add(f->fi ? SEV_OK : SEV_WARN, check,
			    "%s has no %s: %s is not in this kernel or namespace",
			    f->label, paths[f->fi], f->label);
		else
			add(SEV_WARN, check, "cannot read %s: %s", paths[f->fi],
			    strerror(errno));
		return;
	}
	if (strcmp(val, "0")) {
		add(SEV_OK, check, "%s forwarding is on", f->label);
		return;
	}
	if (enabled(f) && f->cfg->hook == MSSCLAMP_HOOK_FORWARD)
		add(SEV_FAIL, check,
		    "%s forwarding is off: the box routes nothing, so the forward hook sees no packet and nothing is clamped (sysctl %s=1; hook postrouting clamps the box's own connections)",
		    f->label, keys[f->fi]);
	else
		add(SEV_WARN, check,
		    "%s forwarding is off: the box routes nothing; only its own connections can be clamped (sysctl %s=1 on a router)",
		    f->label, keys[f->fi]);
}

/* ------------------------------------------------------------------ */
/* nftables                                                             */

struct nft_ctx {
	const struct nft_ruleset *rs;
	struct fam *fams;
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
static void where(const struct nft_ruleset *rs, size_t chain, size_t base,
		  char *buf, size_t size)
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
static int order(uint32_t hook, int32_t prio, uint8_t clamp_hook,
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
		add(SEV_OK, check,
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
		if (!enabled(f)) {
			len += snprintf(msg + len, sizeof(msg) - len,
					"; %s: mssclamp is %s, this rule is the only clamp",
					f->label, f->cfg ? "disabled" : "not loaded");
			continue;
		}
		o = order(hook, prio, f->cfg->hook, &off_path);
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
	add(doubled ? SEV_WARN : SEV_OK, check, "%s", msg);
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
			add(SEV_OK, check,
			    "%s %s, in a chain no base chain jumps to: it never runs",
			    id, maxseg ? "sets the TCP MSS option" :
			    "is an iptables-nft TCPMSS target");
			continue;
		}
		where(rs, ru->chain, base, place, sizeof(place));
		other_clamp(x, check, id, place, c->family,
			    rs->chains[base].hook, rs->chains[base].prio, &mss,
			    maxseg ? "sets the TCP MSS option (tcp option maxseg size set)" :
				     "is an iptables-nft TCPMSS target: it lowers the MSS",
			    fix);
	}
	if (!nmaxseg)
		add(SEV_OK, "nft.maxseg",
		    "no nftables rule sets the TCP MSS option");
	if (!ntcpmss)
		add(SEV_OK, "nft.tcpmss", "no iptables-nft TCPMSS target");
}

static void drop_found(const struct nft_ruleset *rs, const struct nft_drop *d,
		       void *data)
{
	struct nft_ctx *x = data;
	char id[3 * NFT_NAME_LEN + 32], place[2 * NFT_NAME_LEN + 64];
	const bool v4 = d->c == NFT_FRAG_NEEDED;

	x->drops++;
	rule_id(rs, d->rule, id, sizeof(id));
	where(rs, rs->rules[d->rule].chain, d->base, place, sizeof(place));
	add(SEV_FAIL, "nft.icmp",
	    "%s (%s) %s %s%s: path MTU discovery through this box fails for everything the clamp does not cover (UDP, QUIC, ESP, TCP above the ceiling): delete it (nft delete rule %s) or accept %s before it (RFC 4890)",
	    id, place, d->reject ? "rejects" : "drops",
	    v4 ? "ICMP fragmentation-needed" : "ICMPv6 Packet Too Big",
	    d->may ? " (those its other tests match)" : "", id,
	    v4 ? "icmp type destination-unreachable" : "icmpv6 type packet-too-big");
}

static void check_flowtables(const struct nft_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nflowtables; i++) {
		const struct nft_flowtable *ft = &rs->flowtables[i];

		add(SEV_OK, "nft.flowtable",
		    "flowtable %s %s %s (hook %s, devices %s): offloaded connections bypass the forward and postrouting hooks, but only established ones are offloaded, so SYNs and SYN-ACKs still reach mssclamp",
		    nft_family_name(ft->family), ft->table, ft->name,
		    nft_hook_name(NFPROTO_NETDEV, ft->hook),
		    *ft->devices ? ft->devices : "none");
	}
	if (!rs->nflowtables)
		add(SEV_OK, "nft.flowtable", "no flowtable");
}

static void check_nftables(struct fam *fams)
{
	struct nft_ruleset rs;
	struct nft_ctx x = { .rs = &rs, .fams = fams };
	if (nft_read(&rs) < 0) {
		int err = errno;

		nft_free(&rs);
		if (err == ENOENT)
			add(SEV_OK, "nftables",
			    "nf_tables is not loaded: there is no ruleset to check");
		else if (err == EPERM || err == EACCES)
			add(SEV_WARN, "nftables",
			    "reading the ruleset needs CAP_NET_ADMIN: other MSS clamps and rules dropping Packet Too Big were not checked (run doctor as root)");
		else
			add(SEV_WARN, "nftables",
			    "cannot read the ruleset: %s: other MSS clamps and rules dropping Packet Too Big were not checked",
			    strerror(err));
		return;
	}
	add(SEV_OK, "nftables", "read the ruleset: %zu chains, %zu rules",
	    rs.nchains, rs.nrules);
	check_clamps(&x);
	nft_walk_drops(&rs, drop_found, &x);
	if (!x.drops)
		add(SEV_OK, "nft.icmp",
		    "no rule drops ICMP fragmentation-needed or ICMPv6 Packet Too Big");
	check_flowtables(&rs);
	nft_free(&rs);
}

/* ------------------------------------------------------------------ */
/* Legacy iptables                                                      */

/* The finding of a family that was not read; false when it was. */
static bool legacy_state(const struct legacy_family *lf, const char *label)
{
	switch (lf->state) {
	case LEGACY_NONE:
		add(SEV_OK, "legacy", "no legacy %s iptables table is loaded",
		    label);
		return true;
	case LEGACY_DENIED:
		add(SEV_WARN, "legacy",
		    "which legacy %s iptables tables are loaded cannot be read without privilege: not checked (run doctor as root)",
		    label);
		return true;
	case LEGACY_NO_TOOL:
		add(SEV_WARN, "legacy",
		    "legacy %s iptables tables are loaded (%s) but %s is not installed: their rules were not checked",
		    label, lf->tables, lf->tool);
		return true;
	case LEGACY_FAILED:
		add(SEV_WARN, "legacy",
		    "legacy %s iptables tables are loaded (%s) but %s failed: their rules were not checked",
		    label, lf->tables, lf->tool);
		return true;
	case LEGACY_READ:
		break;
	}
	return false;
}

static void check_legacy(struct fam *fams)
{
	struct legacy_view v;
	size_t found = 0, i;
	int fi;

	legacy_read(&v);
	/* The same state in both families: one line says it. */
	if (v.fam[0].state == v.fam[1].state && v.fam[0].state != LEGACY_READ &&
	    !strcmp(v.fam[0].tables, v.fam[1].tables)) {
		legacy_state(&v.fam[0], "IPv4 and IPv6");
		goto out;
	}
	for (fi = 0; fi < FAMILY_COUNT; fi++) {
		const struct legacy_family *lf = &v.fam[fi];
		const struct fam *f = &fams[fi];

		if (lf->state != LEGACY_READ) {
			legacy_state(lf, f->label);
			continue;
		}
		add(SEV_OK, "legacy", "legacy %s iptables tables: %s",
		    f->label, lf->tables);
		for (i = 0; i < lf->nrules; i++) {
			const struct legacy_rule *r = &lf->rules[i];
			bool fwd = !strcmp(r->chain, "FORWARD");
			bool post = !strcmp(r->chain, "POSTROUTING");

			found++;
			if (r->kind == LEGACY_ICMP_DROP) {
				add(SEV_FAIL, "legacy.icmp",
				    "legacy %s table %s: '%s' drops %s: path MTU discovery through this box fails; delete it or accept them before it (RFC 4890)",
				    f->label, r->table, r->line,
				    fi ? "ICMPv6 Packet Too Big" :
					 "ICMP fragmentation-needed");
				continue;
			}
			if (!enabled(f)) {
				add(SEV_OK, "legacy.tcpmss",
				    "legacy %s table %s: '%s' is a TCPMSS clamp; mssclamp's %s is %s, so it is the only one",
				    f->label, r->table, r->line,
				    family_name(families[fi]),
				    f->cfg ? "disabled" : "not loaded");
				continue;
			}
			add(SEV_WARN, "legacy.tcpmss",
			    "legacy %s table %s: '%s' is a second clamp%s%s%s: the lower value leaves (each only lowers) and mssclamp's counters do not show what it changes; keep one",
			    f->label, r->table, r->line,
			    !strcmp(r->table, "mangle") && (fwd || post) ?
			    " (priority -150" : "",
			    !strcmp(r->table, "mangle") && (fwd || post) ?
			    ((fwd && f->cfg->hook == MSSCLAMP_HOOK_FORWARD) ||
			     (post && f->cfg->hook ==
			      MSSCLAMP_HOOK_POSTROUTING) ?
			     ", after mssclamp's -155 at the same hook" :
			     fwd ? ", before mssclamp's postrouting hook" :
			     ", after mssclamp's forward hook") : "",
			    !strcmp(r->table, "mangle") && (fwd || post) ?
			    ")" : "");
		}
	}
	if (!found && (v.fam[0].state == LEGACY_READ ||
		       v.fam[1].state == LEGACY_READ))
		add(SEV_OK, "legacy",
		    "no legacy TCPMSS target and no legacy rule dropping ICMP fragmentation-needed or Packet Too Big");
out:
	legacy_free(&v);
}

/* ------------------------------------------------------------------ */
/* The subcommand                                                       */

static int print_findings(void)
{
	size_t i, problems = 0;

	for (i = 0; i < nfindings; i++)
		if (findings[i].sev != SEV_OK)
			problems++;
	out_start();
	out_array_open("findings", NULL);
	for (i = 0; i < nfindings; i++) {
		const struct finding *f = &findings[i];

		out_object_open(NULL, NULL);
		out_string(OUT_ANY, "severity", "%-4s ", sev_names[f->sev]);
		out_string(OUT_ANY, "check", "%s: ", f->check);
		out_string(OUT_ANY, "message", "%s\n", f->msg);
		out_object_close(NULL);
	}
	out_array_close(NULL);
	out_uint(OUT_JSON, "problems", NULL, problems);
	if (problems)
		out_text("%zu problem%s found\n", problems,
			 problems == 1 ? "" : "s");
	else
		out_text("no problem found\n");
	out_end();
	for (i = 0; i < nfindings; i++)
		free(findings[i].msg);
	free(findings);
	findings = NULL;
	nfindings = 0;
	if (finish_output())
		return EXIT_RUNTIME;
	return problems ? EXIT_RUNTIME : EXIT_SUCCESS;
}

int doctor_main(int argc, char *argv[])
{
	struct config configs[FAMILY_COUNT];
	struct fam fams[FAMILY_COUNT];
	struct rtnl_view rt;
	bool have_cfg = false, have_rt;
	int fi;

	if (argc > 1)
		return usage_error("doctor: unexpected argument '%s'", argv[1]);
	if (netns_enter() < 0)
		return EXIT_RUNTIME;

	if (check_module())
		have_cfg = read_configs(configs);
	for (fi = 0; fi < FAMILY_COUNT; fi++) {
		fams[fi] = (struct fam) {
			.fi = fi,
			.label = labels[fi],
			.af = fi ? AF_INET6 : AF_INET,
			.iphdr = fi ? 40 : 20,
			.floor = fi ? MSSCLAMP_IPV6_MSS_FLOOR :
				      MSSCLAMP_IPV4_MSS_FLOOR,
			.cfg = have_cfg ? &configs[fi] : NULL,
		};
	}

	have_rt = rtnl_read(&rt) == 0;
	if (!have_rt)
		add(SEV_WARN, "interfaces",
		    "cannot read the interfaces and routes: %s: their MTUs were not checked",
		    strerror(errno));
	for (fi = 0; fi < FAMILY_COUNT; fi++) {
		struct fam *f = &fams[fi];

		if (f->cfg) {
			check_config(f, &rt, have_rt);
			if (f->cfg->enabled && have_rt) {
				check_links(f, &rt);
				check_routes(f, &rt);
			}
		}
		check_forwarding(f);
	}
	rtnl_free(&rt);

	check_nftables(fams);
	check_legacy(fams);
	return print_findings();
}
