// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: interfaces and routes over rtnetlink (see rtnl.h).
 *
 * Each dump gets a socket of its own (nlsock.c); a dump the kernel marks
 * inconsistent (NLM_F_DUMP_INTR, the table changed while it was read) is
 * asked for again, a few times, from where the one before it started.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "grow.h"
#include "nlsock.h"
#include "rtnl.h"

/* ------------------------------------------------------------------ */
/* Links                                                                */

/*
 * The family header of @nlh, a message of @type with @hdrlen bytes of it,
 * and its attributes indexed into @tb[0..max]; NULL for any other
 * message, which the dump's reader skips.
 */
static const void *payload(const struct nlmsghdr *nlh, uint16_t type,
			   size_t hdrlen, const struct nlattr **tb,
			   unsigned int max)
{
	if (nlh->nlmsg_type != type ||
	    mnl_nlmsg_get_payload_len(nlh) < hdrlen ||
	    nla_index(nlh, hdrlen, tb, max) < 0)
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

/* IPv6's MTU of the link: IFLA_AF_SPEC / AF_INET6 / IFLA_INET6_CONF. */
static uint32_t link_mtu6(const struct nlattr *af_spec)
{
	const struct nlattr *tb[IFLA_INET6_MAX + 1];
	const struct nlattr *af;
	const int32_t *conf;

	if (!af_spec)
		return 0;
	mnl_attr_for_each_nested(af, af_spec) {
		if (mnl_attr_get_type(af) != AF_INET6)
			continue;
		if (nla_index_nested(af, tb, IFLA_INET6_MAX) < 0 ||
		    !tb[IFLA_INET6_CONF] ||
		    mnl_attr_get_payload_len(tb[IFLA_INET6_CONF]) <
		    (DEVCONF_MTU6 + 1) * sizeof(int32_t))
			return 0;
		conf = mnl_attr_get_payload(tb[IFLA_INET6_CONF]);
		return conf[DEVCONF_MTU6] > 0 ? (uint32_t)conf[DEVCONF_MTU6] : 0;
	}
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_view *v = data;
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	struct rtnl_link *l;

	ifi = payload(nlh, RTM_NEWLINK, sizeof(*ifi), tb, IFLA_MAX);
	if (!ifi || !tb[IFLA_IFNAME] ||
	    mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	l = grow(&v->links, &v->nlinks, sizeof(*l));
	if (!l)
		return MNL_CB_ERROR;
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	snprintf(l->name, sizeof(l->name), "%s",
		 mnl_attr_get_str(tb[IFLA_IFNAME]));
	nla_u32(tb[IFLA_MTU], &l->mtu);
	l->mtu6 = link_mtu6(tb[IFLA_AF_SPEC]);
	return MNL_CB_OK;
}

/* ------------------------------------------------------------------ */
/* Routes                                                               */

static void route_metrics(const struct nlattr *metrics, struct rtnl_route *r)
{
	const struct nlattr *tb[RTAX_MAX + 1];
	uint32_t lock = 0;

	if (!metrics || nla_index_nested(metrics, tb, RTAX_MAX) < 0)
		return;
	nla_u32(tb[RTAX_MTU], &r->mtu);
	if (nla_u32(tb[RTAX_LOCK], &lock) == 0)
		r->mtu_locked = lock & (1u << RTAX_MTU);
}

static void route_multipath(const struct nlattr *mp, struct rtnl_route *r)
{
	const struct rtnexthop *nh = mnl_attr_get_payload(mp);
	int left = mnl_attr_get_payload_len(mp);

	while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
	       nh->rtnh_len <= left) {
		if (r->noifs < RTNL_MAX_NEXTHOPS)
			r->oifs[r->noifs++] = nh->rtnh_ifindex;
		left -= RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
}

static void copy_addr(unsigned char *to, const struct nlattr *attr,
		      uint8_t family)
{
	size_t len = family == AF_INET ? 4 : 16;

	if (mnl_attr_get_payload_len(attr) >= len)
		memcpy(to, mnl_attr_get_payload(attr), len);
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_view *v = data;
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	struct rtnl_route *r;
	uint32_t oif;

	rtm = payload(nlh, RTM_NEWROUTE, sizeof(*rtm), tb, RTA_MAX);
	if (!rtm || (rtm->rtm_family != AF_INET &&
		     rtm->rtm_family != AF_INET6) ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return MNL_CB_OK;
	r = grow(&v->routes, &v->nroutes, sizeof(*r));
	if (!r)
		return MNL_CB_ERROR;
	r->family = rtm->rtm_family;
	r->dst_len = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->table = rtm->rtm_table;
	nla_u32(tb[RTA_TABLE], &r->table);
	if (tb[RTA_DST])
		copy_addr(r->dst, tb[RTA_DST], r->family);
	if (tb[RTA_GATEWAY]) {
		copy_addr(r->gw, tb[RTA_GATEWAY], r->family);
		r->have_gw = true;
	}
	if (nla_u32(tb[RTA_OIF], &oif) == 0)
		r->oifs[r->noifs++] = oif;
	if (tb[RTA_MULTIPATH])
		route_multipath(tb[RTA_MULTIPATH], r);
	route_metrics(tb[RTA_METRICS], r);
	return MNL_CB_OK;
}

/* ------------------------------------------------------------------ */
/* Dumps                                                                */

/* What a dump hands its callback, and how it starts again. */
struct dump {
	struct rtnl_view *v;
	mnl_cb_t cb;
	void (*reset)(struct rtnl_view *v, size_t keep);
	size_t keep;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;

	return d->cb(nlh, d->v);
}

static void dump_restart(void *data)
{
	struct dump *d = data;

	d->reset(d->v, d->keep);
}

/*
 * One dump of @type for @family, every message to @cb; 0, or -1 with
 * errno. A dump that changed while it was read is asked for again
 * (nlsock_ask()); @reset drops what the interrupted one left in @v.
 */
static int dump(uint16_t type, uint8_t family, mnl_cb_t cb,
		struct rtnl_view *v, void (*reset)(struct rtnl_view *v,
						   size_t keep), size_t keep)
{
	struct dump d = { .v = v, .cb = cb, .reset = reset, .keep = keep };
	struct nlsock_err err;
	struct nlmsghdr *nlh;
	struct nlsock *sk;
	int ret;

	sk = nlsock_open(NETLINK_ROUTE, &err);
	if (!sk) {
		errno = err.error;
		return -1;
	}
	nlh = nlsock_msg(sk);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh,
								    sizeof(*ifi));
		ifi->ifi_family = family;
	} else {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh,
							       sizeof(*rtm));
		rtm->rtm_family = family;
	}
	ret = nlsock_ask(sk, nlh, dump_cb, &d, dump_restart, &err);
	nlsock_close(sk);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static void reset_links(struct rtnl_view *v, size_t keep)
{
	v->nlinks = keep;
}

static void reset_routes(struct rtnl_view *v, size_t keep)
{
	v->nroutes = keep;
}

int rtnl_read(struct rtnl_view *v)
{
	memset(v, 0, sizeof(*v));
	if (dump(RTM_GETLINK, AF_UNSPEC, link_cb, v, reset_links, 0) < 0)
		return -1;
	if (dump(RTM_GETROUTE, AF_INET, route_cb, v, reset_routes, 0) < 0)
		return -1;
	/* A kernel without IPv6 has no such dump: no IPv6 routes then. */
	if (dump(RTM_GETROUTE, AF_INET6, route_cb, v, reset_routes,
		 v->nroutes) < 0 && errno != EAFNOSUPPORT &&
	    errno != EOPNOTSUPP)
		return -1;
	return 0;
}

void rtnl_free(struct rtnl_view *v)
{
	free(v->links);
	free(v->routes);
	memset(v, 0, sizeof(*v));
}

const struct rtnl_link *rtnl_link_by_index(const struct rtnl_view *v,
					   int index)
{
	size_t i;

	for (i = 0; i < v->nlinks; i++)
		if (v->links[i].index == index)
			return &v->links[i];
	return NULL;
}

const struct rtnl_link *rtnl_link_by_name(const struct rtnl_view *v,
					  const char *name)
{
	size_t i;

	for (i = 0; i < v->nlinks; i++)
		if (!strcmp(v->links[i].name, name))
			return &v->links[i];
	return NULL;
}
