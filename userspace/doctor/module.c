// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl doctor: the module, its netlink family, its version, and per
 * family its configuration (checks module, netlink, version and
 * ipv4.enabled, .directions, .hook, .scope; mssclampctl(8)).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "nl.h"
#include "../query.h"
#include "readline.h"
#include "doctor.h"
#include "rtnl.h"

bool check_module(struct report *rep)
{
	char version[64];

	if (access("/sys/module/mssclamp", F_OK) < 0) {
		report_add(rep, SEV_FAIL, "module",
			   "mssclamp is not loaded: nothing is clamped (modprobe mssclamp, or systemctl start mssclamp to load it and apply /etc/mssclamp.conf)");
		return false;
	}
	if (read_line("/sys/module/mssclamp/version", version,
		      sizeof(version)) < 0) {
		report_add(rep, SEV_OK, "module", "mssclamp is loaded");
		report_add(rep, SEV_WARN, "version",
			   "the module gives no version, the tool is " MSSCLAMP_VERSION ": load the module of this release (dkms status mssclamp)");
		return true;
	}
	report_add(rep, SEV_OK, "module", "mssclamp %s is loaded", version);
	if (strcmp(version, MSSCLAMP_VERSION))
		report_add(rep, SEV_WARN, "version",
			   "the tool is " MSSCLAMP_VERSION " but the module is %s: reload the module of this release (rmmod mssclamp; modprobe mssclamp), or install the matching tool",
			   version);
	else
		report_add(rep, SEV_OK, "version", "tool and module are both %s",
			   version);
	return true;
}

bool check_netlink(struct report *rep, struct config configs[FAMILY_COUNT])
{
	struct nl *nl = nl_open("doctor");
	int ret;

	if (!nl) {
		report_add(rep, SEV_FAIL, "netlink",
			   "the mssclamp netlink family does not answer (see the error above): the configuration was not checked");
		return false;
	}
	ret = query_get(nl, &query_config, "doctor", 0, configs);
	nl_close(nl);
	if (ret) {
		report_add(rep, SEV_FAIL, "netlink",
			   "the mssclamp family did not give its configuration (see the error above)");
		return false;
	}
	report_add(rep, SEV_OK, "netlink",
		   "the mssclamp family answers in this network namespace");
	return true;
}

/* ------------------------------------------------------------------ */
/* Per family: configuration                                            */

void check_config(struct report *rep, const struct fam *f,
		  const struct rtnl_view *rt, bool have_rt)
{
	const struct config *c = f->cfg;
	char list[MSSCLAMP_MAX_DEVS * (IFNAMSIZ + 1) + 1];
	size_t len = 0;
	unsigned int i, missing;

	if (!c->enabled) {
		report_add_fam(rep, f, SEV_WARN, "enabled",
			       "disabled: %s connections are not clamped (mssclampctl set %s enable, or apply /etc/mssclamp.conf)",
			       f->label, f->name);
		return;
	}
	report_add_fam(rep, f, SEV_OK, "enabled",
		       "enabled: mtu %u overhead %u, ceiling %u, pmtu %s", c->mtu,
		       c->overhead, c->mss, c->pmtu ? "on" : "off");
	if (!c->syn || !c->synack)
		report_add_fam(rep, f, SEV_WARN, "directions",
			       "%s off: %s are not clamped, so %s (mssclampctl set %s %s on)",
			       !c->syn ? "syn" : "synack",
			       !c->syn ? "SYNs" : "SYN-ACKs",
			       !c->syn ? "servers behind the box send segments as large as the client's own MSS allows" :
			       "clients send segments as large as the server's own MSS allows",
			       f->name, !c->syn ? "syn" : "synack");

	if (c->hook == MSSCLAMP_HOOK_POSTROUTING)
		report_add_fam(rep, f, SEV_OK, "hook",
			       "hook postrouting (priority %d): forwarded connections and the box's own",
			       CLAMP_PRIORITY);
	else
		report_add_fam(rep, f, SEV_OK, "hook",
			       "hook forward (priority %d): forwarded connections; the box's own are not clamped (hook postrouting would)",
			       CLAMP_PRIORITY);

	if (!c->ndevs) {
		report_add_fam(rep, f, SEV_OK, "scope",
			       "dev any: every packet through the hook");
		return;
	}
	for (i = 0; i < c->ndevs; i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				i ? "," : "", c->devs[i]);
	if (!have_rt) {
		report_add_fam(rep, f, SEV_WARN, "scope",
			       "dev %s: the interfaces could not be read, so whether they exist was not checked",
			       list);
		return;
	}
	missing = 0;
	for (i = 0; i < c->ndevs; i++) {
		if (rtnl_link_by_name(rt, c->devs[i]))
			continue;
		missing++;
		report_add_fam(rep, f, SEV_WARN, "scope",
			       "dev %s does not exist in this network namespace: nothing through it is clamped until an interface of that name appears (check the name, or the namespace: -n)",
			       c->devs[i]);
	}
	if (!missing)
		report_add_fam(rep, f, SEV_OK, "scope", "dev %s: all present",
			       list);
}
