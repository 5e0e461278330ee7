// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl version: the tool's version (dkms.conf's, built in) and the
 * loaded module's (/sys/module/mssclamp/version).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"
#include "errors.h"
#include "netns.h"
#include "output.h"
#include "readline.h"

int version_main(int argc, char *argv[])
{
	char module[64];
	int ret;

	if (argc > 1)
		return usage_error("version: unexpected argument '%s'",
				   argv[1]);
	/* Entered only to fail alike for a missing namespace. */
	ret = netns_enter();
	if (ret < 0)
		return ret;

	out_start();
	out_string(OUT_ANY, "mssclampctl", "mssclampctl: %s\n",
		   MSSCLAMP_VERSION);
	if (read_line("/sys/module/mssclamp/version", module,
		      sizeof(module)) == 0)
		out_string(OUT_ANY, "module", "module: %s\n", module);
	else if (access("/sys/module/mssclamp", F_OK) == 0)
		out_string(OUT_ANY, "module", "module: %s\n", "unknown");
	else
		out_null(OUT_ANY, "module", "module: %s\n", "not loaded");
	out_end();
	return finish_output();
}
