/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: legacy iptables (x_tables, not nf_tables), for doctor. When
 * the kernel has legacy tables loaded in the namespace
 * (/proc/net/ip_tables_names, ip6_tables_names not empty), their rules are
 * read by running iptables-legacy-save / ip6tables-legacy-save, and the
 * lines that matter to a clamp kept: TCPMSS targets, and rules that drop
 * ICMP fragmentation-needed or ICMPv6 Packet Too Big. Needs what those
 * tools need (CAP_NET_ADMIN); changes nothing.
 */
#ifndef MSSCLAMPCTL_LEGACY_H
#define MSSCLAMPCTL_LEGACY_H

#include <stddef.h>

enum legacy_state {
	LEGACY_NONE,		/* no legacy table loaded */
	LEGACY_READ,		/* read: see the rules */
	LEGACY_DENIED,		/* the tables' names cannot be read */
	LEGACY_NO_TOOL,		/* tables loaded, no *-legacy-save installed */
	LEGACY_FAILED,		/* the tool failed */
};

enum legacy_kind {
	LEGACY_TCPMSS,
	LEGACY_ICMP_DROP,
};

struct legacy_rule {
	enum legacy_kind kind;
	char table[32];
	char chain[32];
	char line[512];		/* as the tool prints it: "-A FORWARD ..." */
};

struct legacy_family {
	enum legacy_state state;
	const char *tool;	/* "iptables-legacy-save" */
	char tables[128];	/* "filter mangle" */
	size_t nrules;
	struct legacy_rule *rules;
};

/* [0] IPv4, [1] IPv6 */
struct legacy_view {
	struct legacy_family fam[2];
};

void legacy_read(struct legacy_view *v);
void legacy_free(struct legacy_view *v);

/*
 * Does this line of iptables-save (IPv4 if @v4, else IPv6) drop ICMP
 * fragmentation-needed / ICMPv6 Packet Too Big? (All ICMP, a type that
 * includes it, or every type but another, with DROP or REJECT.)
 */
int legacy_line_drops(const char *line, int v4);

#endif /* MSSCLAMPCTL_LEGACY_H */
