// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl set ipv4|ipv6 SETTING...: change what is named, of one
 * family, in one SET_CONFIG.
 *
 * `set` checks the syntax only (change.c): numbers must be decimal and fit
 * in 32 bits, interface names must be names. Ranges (MTU, overhead, the
 * MSS floor) are the kernel's to check, so its extack message is the one
 * rule there is. `apply` checks them too (limit.c), before it changes
 * anything.
 */
#include <errno.h>

#include "change.h"
#include "commands.h"
#include "ctl.h"
#include "nl.h"
#include "query.h"

int set_main(int argc, char *argv[])
{
	struct change chg = { 0 };
	struct nl *nl;
	int ret;

	ret = change_parse(argc, argv, &chg, "set");
	if (ret)
		return ret;

	nl = nl_open("set");
	if (!nl)
		return -EIO;
	ret = query_set(nl, &chg);
	nl_close(nl);
	return ret;
}
