// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl doctor: what makes the clamp ineffective on this box (in this
 * network namespace), one finding per line with what to do about it. The
 * checks, their names and the output are listed in userspace/mssclampctl.8
 * (mssclampctl(8)), the reference; doctor.h says which file holds which.
 *
 * It only reads: the module's configuration (netlink GET_CONFIG),
 * rtnetlink dumps, the ruleset, /proc/sys. A part it may not read (the
 * ruleset needs CAP_NET_ADMIN) is a warn finding that says so: exit status
 * 0 means every check ran and found nothing.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "../commands.h"
#include "ctl.h"
#include "errors.h"
#include "netns.h"
#include "doctor.h"
#include "rtnl.h"

static const char *const labels[FAMILY_COUNT] = { "IPv4", "IPv6" };

int doctor_main(int argc, char *argv[])
{
	struct config configs[FAMILY_COUNT];
	struct fam fams[FAMILY_COUNT];
	struct report rep = { 0 };
	struct rtnl_view rt;
	bool have_cfg = false, have_rt;
	int fi;

	if (argc > 1)
		return usage_error("doctor: unexpected argument '%s'", argv[1]);
	if (netns_enter() < 0)
		return EXIT_RUNTIME;

	if (check_module(&rep))
		have_cfg = check_netlink(&rep, configs);
	for (fi = 0; fi < FAMILY_COUNT; fi++) {
		fams[fi] = (struct fam) {
			.fi = fi,
			.name = family_name(families[fi]),
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
		report_add(&rep, SEV_WARN, "interfaces",
			   "cannot read the interfaces and routes: %s: their MTUs were not checked",
			   strerror(errno));
	for (fi = 0; fi < FAMILY_COUNT; fi++) {
		struct fam *f = &fams[fi];

		if (f->cfg) {
			check_config(&rep, f, &rt, have_rt);
			if (f->cfg->enabled && have_rt) {
				check_links(&rep, f, &rt);
				check_routes(&rep, f, &rt);
			}
		}
		check_forwarding(&rep, f);
	}
	rtnl_free(&rt);

	check_nftables(&rep, fams);
	check_legacy(&rep, fams);
	return report_print(&rep);
}
