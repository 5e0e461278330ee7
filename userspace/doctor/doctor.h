/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl doctor: what its checks share. userspace/mssclampctl.8 is the
 * reference for what doctor checks: each check's name, what it looks at,
 * when it warns or fails, and the output.
 *
 * doctor.c runs the checks, each group in its file: module.c (the module,
 * its family, its configuration), routes.c (interfaces, routes,
 * forwarding), rulesets.c (nftables and legacy iptables). Each check adds
 * its findings to a struct report (report.c), which prints them. What they
 * read comes from rtnl.c (rtnetlink), nftables.c and nftrules.c (the
 * ruleset, libnftnl) and legacy.c (iptables-legacy-save).
 */
#ifndef MSSCLAMPCTL_DOCTOR_H
#define MSSCLAMPCTL_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/netfilter_ipv4.h>

#include "config.h"
#include "family.h"

/* kmod/mssclamp.h: MSSCLAMP_HOOK_PRIORITY, for both families. */
#define CLAMP_PRIORITY	(NF_IP_PRI_MANGLE - 5)
#define TCP_HDR		20

struct rtnl_view;

enum severity { SEV_OK, SEV_WARN, SEV_FAIL };

struct finding {
	enum severity sev;
	char check[32];			/* "module", "ipv4.mtu" */
	char *msg;
};

/* The findings of one run, in the order the checks add them. */
struct report {
	struct finding *findings;
	size_t n;
	size_t lost;			/* findings that found no memory */
};

/* What every check needs to know of a family. */
struct fam {
	int fi;				/* family_index() */
	const char *name;		/* "ipv4": the checks' prefix */
	const char *label;		/* "IPv4" */
	int af;				/* AF_INET */
	unsigned int iphdr;		/* 20, 40 */
	unsigned int floor;		/* MSSCLAMP_IPV4_MSS_FLOOR */
	const struct config *cfg;	/* NULL without the module */
};

/* report.c */
__attribute__((format(printf, 4, 5)))
void report_add(struct report *rep, enum severity sev, const char *check,
		const char *fmt, ...);
/* A finding of check "@f->name.@what" ("ipv4.mtu"). */
__attribute__((format(printf, 5, 6)))
void report_add_fam(struct report *rep, const struct fam *f,
		    enum severity sev, const char *what, const char *fmt, ...);
/*
 * Print the findings and a count, free them; the exit status. Findings
 * lost for want of memory count as problems and end in an error.
 */
int report_print(struct report *rep);

static inline bool fam_enabled(const struct fam *f)
{
	return f->cfg && f->cfg->enabled;
}

/* module.c: whether the module is loaded, and then its configuration. */
bool check_module(struct report *rep);
bool check_netlink(struct report *rep, struct config configs[FAMILY_COUNT]);
void check_config(struct report *rep, const struct fam *f,
		  const struct rtnl_view *rt, bool have_rt);

/* routes.c */
void check_links(struct report *rep, const struct fam *f,
		 const struct rtnl_view *rt);
void check_routes(struct report *rep, const struct fam *f,
		  const struct rtnl_view *rt);
void check_forwarding(struct report *rep, const struct fam *f);

/* rulesets.c: @fams, FAMILY_COUNT of them. */
void check_nftables(struct report *rep, const struct fam *fams);
void check_legacy(struct report *rep, const struct fam *fams);

#endif /* MSSCLAMPCTL_DOCTOR_H */
