// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: interfaces and routes over rtnetlink (see rtnl.h).
 *
 * Each dump gets a socket of its own: a dump the kernel marks inconsistent
 * (NLM_F_DUMP_INTR, the table changed while it was read) is thrown away
 * with its socket and asked for again, a few times.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "grow.h"
#include "rtnl.h"

#define RTNL_BUF	32768
#define RTNL_TRIES	5

/* ------------------------------------------------------------------ */
/* Attributes                                                           */

struct attrs {
	const struct nlattr **tb;
	unsigned int max;
};

static int index_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= a->max)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

static int index_msg(const struct nlmsghdr *nlh, size_t hdrlen,
		     const struct nlattr **tb, unsigned int max)
{
	struct attrs a = { .tb = tb, .max = max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse(nlh, hdrlen, index_cb, &a) < 0 ? -1 : 0;
}

static int index_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	struct attrs a = { .tb = tb, .max = max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, index_cb, &a) < 0 ? -1 : 0;
}

static bool get_u32(const struct nlattr *attr, uint32_t *val)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return false;
	*val = mnl_attr_get_u32(attr);
	return true;
}

/* ------------------------------------------------------------------ */
/* Links                                                                */

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
		if (index_nested(af, tb, IFLA_INET6_MAX) < 0 ||
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

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (index_msg(nlh, sizeof(*ifi), tb, IFLA_MAX) < 0 || !tb[IFLA_IFNAME] ||
	    mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	l = grow(&v->links, &v->nlinks, sizeof(*l));
	if (!l)
		return MNL_CB_ERROR;
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	snprintf(l->name, sizeof(l->name), "%s",
		 mnl_attr_get_str(tb[IFLA_IFNAME]));
	get_u32(tb[IFLA_MTU], &l->mtu);
	l->mtu6 = link_mtu6(tb[IFLA_AF_SPEC]);
	return MNL_CB_OK;
}

/* ------------------------------------------------------------------ */
/* Routes                                                               */

static void route_metrics(const struct nlattr *metrics, struct rtnl_route *r)
{
	const struct nlattr *tb[RTAX_MAX + 1];
	uint32_t lock = 0;

	if (!metrics || index_nested(metrics, tb, RTAX_MAX) < 0)
		return;
	get_u32(tb[RTAX_MTU], &r->mtu);
	if (get_u32(tb[RTAX_LOCK], &lock))
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

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    (rtm->rtm_flags & RTM_F_CLONED) ||
	    index_msg(nlh, sizeof(*rtm), tb, RTA_MAX) < 0)
		return MNL_CB_OK;
	r = grow(&v->routes, &v->nroutes, sizeof(*r));
	if (!r)
		return MNL_CB_ERROR;
	r->family = rtm->rtm_family;
	r->dst_len = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->table = rtm->rtm_table;
	get_u32(tb[RTA_TABLE], &r->table);
	if (tb[RTA_DST])
		copy_addr(r->dst, tb[RTA_DST], r->family);
	if (tb[RTA_GATEWAY]) {
		copy_addr(r->gw, tb[RTA_GATEWAY], r->family);
		r->have_gw = true;
	}
	if (get_u32(tb[RTA_OIF], &oif))
		r->oifs[r->noifs++] = oif;
	if (tb[RTA_MULTIPATH])
		route_multipath(tb[RTA_MULTIPATH], r);
	route_metrics(tb[RTA_METRICS], r);
	return MNL_CB_OK;
}

/* ------------------------------------------------------------------ */
/* Dumps                                                                */

/* One dump of @type for @family, every message to @cb; 0, or -1/errno. */
static int dump_once(uint16_t type, uint8_t family, mnl_cb_t cb, void *data)
{
	char *buf = malloc(RTNL_BUF);
	struct mnl_socket *sk = NULL;
	struct nlmsghdr *nlh;
	unsigned int portid;
	uint32_t seq = time(NULL);
	int ret = -1, saved;
	ssize_t len;

	if (!buf)
		return -1;
	sk = mnl_socket_open(NETLINK_ROUTE);
	if (!sk || mnl_socket_bind(sk, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(sk);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh,
								    sizeof(*ifi));
		ifi->ifi_family = family;
	} else {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh,
							       sizeof(*rtm));
		rtm->rtm_family = family;
	}
	if (mnl_socket_sendto(sk, nlh, nlh->nlmsg_len) < 0)
		goto out;
	do {
		len = mnl_socket_recvfrom(sk, buf, RTNL_BUF);
		if (len < 0 && errno == EINTR) {
			ret = MNL_CB_OK;	/* a signal: read again */
		} else if (len < 0) {
			ret = -1;
			goto out;
		} else {
			errno = 0;
			ret = mnl_cb_run(buf, len, seq, portid, cb, data);
		}
	} while (ret > MNL_CB_STOP);
	if (ret == MNL_CB_STOP)
		ret = 0;
	else if (!errno)
		errno = EBADMSG;
out:
	saved = errno;
	if (sk)
		mnl_socket_close(sk);
	free(buf);
	errno = saved;
	return ret < 0 ? -1 : 0;
}

/*
 * A dump that changed while it was read (EINTR from libmnl) is asked for
 * again; @reset drops what the interrupted one left in @v.
 */
static int dump(uint16_t type, uint8_t family, mnl_cb_t cb,
		struct rtnl_view *v, void (*reset)(struct rtnl_view *v,
						   size_t keep), size_t keep)
{
	int tries;

	for (tries = 0; tries < RTNL_TRIES; tries++) {
		if (dump_once(type, family, cb, v) == 0)
			return 0;
		if (errno != EINTR)
			return -1;
		reset(v, keep);
	}
	return -1;
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
