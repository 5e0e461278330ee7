/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the interfaces and routes of the current network namespace,
 * read over rtnetlink (libmnl), for doctor. The only file besides codec.c
 * that reads netlink attributes: rtnetlink's, never the mssclamp family's.
 * Reading needs no privilege.
 */
#ifndef MSSCLAMPCTL_RTNL_H
#define MSSCLAMPCTL_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#define RTNL_MAX_NEXTHOPS 8

struct rtnl_link {
	int index;
	char name[IFNAMSIZ];
	unsigned int flags;		/* IFF_UP, IFF_LOOPBACK, ... */
	uint32_t mtu;			/* IFLA_MTU */
	uint32_t mtu6;			/* IPv6's own (DEVCONF_MTU6), 0: none */
};

struct rtnl_route {
	uint8_t family;			/* AF_INET, AF_INET6 */
	uint8_t dst_len;
	uint8_t type;			/* RTN_UNICAST, ... */
	uint32_t table;
	unsigned char dst[16];
	bool have_gw;
	unsigned char gw[16];
	unsigned int noifs;		/* its nexthops' devices */
	int oifs[RTNL_MAX_NEXTHOPS];
	uint32_t mtu;			/* RTAX_MTU, 0: none */
	bool mtu_locked;
};

struct rtnl_view {
	struct rtnl_link *links;
	size_t nlinks;
	struct rtnl_route *routes;
	size_t nroutes;
};

/*
 * Dump the links and the IPv4 and IPv6 routes (all tables) into @v.
 * Returns 0, or -1 with errno set (nothing printed); rtnl_free() either
 * way.
 */
int rtnl_read(struct rtnl_view *v);
void rtnl_free(struct rtnl_view *v);

/* The link of @v with index @index, or NULL. */
const struct rtnl_link *rtnl_link_by_index(const struct rtnl_view *v,
					   int index);
/* The link of @v named @name, or NULL. */
const struct rtnl_link *rtnl_link_by_name(const struct rtnl_view *v,
					  const char *name);

#endif /* MSSCLAMPCTL_RTNL_H */
