// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: the module's limits on a configuration (see limit.h).
 *
 * The header sizes are those of the structures the module takes them
 * from, the kernel's own uapi headers.
 */
#include <stdio.h>
#include <string.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>

#include "errors.h"
#include "limit.h"

uint32_t limit_mtu_min(uint8_t family)
{
	return family == MSSCLAMP_FAMILY_IPV6 ? MSSCLAMP_IPV6_MTU_MIN :
						MSSCLAMP_IPV4_MTU_MIN;
}

/*
 * The module's rules, mssclamp_cfg_check() in kmod/pernet.c, with the same
 * limits and the same words, plus the numbers at hand.
 */
int limit_check(uint8_t family, struct config *cfg, char *buf, size_t size)
{
	bool v6 = family == MSSCLAMP_FAMILY_IPV6;
	uint32_t mtu_min = v6 ? MSSCLAMP_IPV6_MTU_MIN : MSSCLAMP_IPV4_MTU_MIN;
	uint32_t floor = v6 ? MSSCLAMP_IPV6_MSS_FLOOR : MSSCLAMP_IPV4_MSS_FLOOR;
	uint32_t hdrs = (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
			sizeof(struct tcphdr);
	const char *name = v6 ? "IPv6" : "IPv4";

	if (cfg->mtu < mtu_min || cfg->mtu > MSSCLAMP_MTU_MAX) {
		snprintf(buf, size, "mtu %u out of range: %s accepts %u to %u",
			 cfg->mtu, name, mtu_min, MSSCLAMP_MTU_MAX);
		return -1;
	}
	if (cfg->overhead > cfg->mtu - hdrs - floor) {
		snprintf(buf, size,
			 "overhead %u too large for mtu %u: mtu - %u - overhead must be at least the %s MSS floor %u (overhead %u at most)",
			 cfg->overhead, cfg->mtu, hdrs, name, floor,
			 cfg->mtu - hdrs - floor);
		return -1;
	}
	cfg->mss = cfg->mtu - hdrs - cfg->overhead;
	return 0;
}

/* mssclamp_set_devs() refuses a name once it has MSSCLAMP_MAX_DEVS. */
bool limit_devs_room(unsigned int n)
{
	return n < MSSCLAMP_MAX_DEVS;
}

/*
 * dev_valid_name(), which the module applies to every name: not empty,
 * shorter than IFNAMSIZ, not "." or "..", no '/', ':' or whitespace.
 * One difference is left as it was: the kernel's isspace() also counts
 * the byte 0xa0 (lib/ctype.c); here it passes, and the module's extack
 * refuses it instead.
 */
int limit_dev_name(const char *name, size_t len, const char *list,
		   const char *what)
{
	size_t i;

	if (!len)
		return usage_error("%s: 'dev %s' has an empty name (expected IF[,IF...] or any)",
				   what, list);
	if (len >= IFNAMSIZ)
		return usage_error("%s: interface name '%.*s' is too long (at most %d characters)",
				   what, (int)len, name, IFNAMSIZ - 1);
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return usage_error("%s: '%.*s' is not an interface name",
				   what, (int)len, name);
	for (i = 0; i < len; i++) {
		unsigned char ch = name[i];

		if (ch == '/' || ch == ':')
			return usage_error("%s: interface name '%.*s' contains '%c' (names cannot contain '/', ':' or whitespace)",
					   what, (int)len, name, ch);
		if (ch == ' ' || (ch >= '\t' && ch <= '\r'))
			return usage_error("%s: interface name '%.*s' contains whitespace (names cannot contain '/', ':' or whitespace)",
					   what, (int)len, name);
	}
	return 0;
}
