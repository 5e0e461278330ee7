// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl doctor: per family, the MTUs of the interfaces and routes
 * against the ceiling, and IP forwarding (checks ipv4.mtu, .route-mtu,
 * .forwarding; mssclampctl(8)).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "readline.h"
#include "doctor.h"
#include "rtnl.h"

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
 * finding of the family's @check when it allows less. Returns whether it
 * did.
 */
static bool mtu_check(struct report *rep, const struct fam *f,
		      const char *check, const char *what, unsigned int mtu)
{
	long allowed = (long)mtu - f->iphdr - TCP_HDR;
	const struct config *c = f->cfg;

	if (allowed >= (long)c->mss)
		return false;
	if (c->pmtu) {
		report_add_fam(rep, f, SEV_OK, check,
			       "%s %u allows MSS %ld (%s, overhead 0), below the ceiling %u: pmtu on clamps connections through it to %u (%u - %u - overhead %u)",
			       what, mtu, allowed, f->label, c->mss,
			       pmtu_mss(f, mtu), mtu, f->iphdr + TCP_HDR,
			       c->overhead);
	} else if (allowed < (long)f->floor) {
		report_add_fam(rep, f, SEV_FAIL, check,
			       "%s %u allows MSS %ld (%s, overhead 0), below the ceiling %u and below the floor %u no clamp goes under: raise that MTU to %u or more",
			       what, mtu, allowed, f->label, c->mss, f->floor,
			       f->floor + f->iphdr + TCP_HDR);
	} else {
		report_add_fam(rep, f, SEV_FAIL, check,
			       "%s %u allows MSS %ld (%s, overhead 0); the ceiling is %u: set overhead %u or pmtu on",
			       what, mtu, allowed, f->label, c->mss,
			       c->mtu - mtu);
	}
	return true;
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

void check_links(struct report *rep, const struct fam *f,
		 const struct rtnl_view *rt)
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
		if (mtu_check(rep, f, "mtu", what, mtu))
			low = true;
		else if (len < sizeof(seen))
			len += snprintf(seen + len, sizeof(seen) - len,
					"%s%s %u", n ? ", " : "", l->name, mtu);
		n++;
	}
	if (low)
		return;
	if (!n)
		report_add_fam(rep, f, SEV_OK, "mtu",
			       "no interface that is up carries %s routes", f->label);
	else
		report_add_fam(rep, f, SEV_OK, "mtu",
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

void check_routes(struct report *rep, const struct fam *f,
		  const struct rtnl_view *rt)
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
		if (mtu_check(rep, f, "route-mtu", what, r->mtu))
			low = true;
	}
	if (!low)
		report_add_fam(rep, f, SEV_OK, "route-mtu",
			       "no %s route has an mtu below what the ceiling %u needs",
			       f->label, f->cfg->mss);
}

/* ------------------------------------------------------------------ */
/* Per family: forwarding                                               */

void check_forwarding(struct report *rep, const struct fam *f)
{
	static const char *const paths[FAMILY_COUNT] = {
		"/proc/sys/net/ipv4/ip_forward",
		"/proc/sys/net/ipv6/conf/all/forwarding",
	};
	static const char *const keys[FAMILY_COUNT] = {
		"net.ipv4.ip_forward",
		"net.ipv6.conf.all.forwarding",
	};
	char val[16];

	if (read_line(paths[f->fi], val, sizeof(val)) < 0) {
		if (errno == ENOENT)
			report_add_fam(rep, f, f->fi ? SEV_OK : SEV_WARN, "forwarding",
				       "%s has no %s: %s is not in this kernel or namespace",
				       f->label, paths[f->fi], f->label);
		else
			report_add_fam(rep, f, SEV_WARN, "forwarding", "cannot read %s: %s", paths[f->fi],
				       strerror(errno));
		return;
	}
	if (strcmp(val, "0")) {
		report_add_fam(rep, f, SEV_OK, "forwarding", "%s forwarding is on", f->label);
		return;
	}
	if (fam_enabled(f) && f->cfg->hook == MSSCLAMP_HOOK_FORWARD)
		report_add_fam(rep, f, SEV_FAIL, "forwarding",
			       "%s forwarding is off: the box routes nothing, so the forward hook sees no packet and nothing is clamped (sysctl %s=1; hook postrouting clamps the box's own connections)",
			       f->label, keys[f->fi]);
	else
		report_add_fam(rep, f, SEV_WARN, "forwarding",
			       "%s forwarding is off: the box routes nothing; only its own connections can be clamped (sysctl %s=1 on a router)",
			       f->label, keys[f->fi]);
}
