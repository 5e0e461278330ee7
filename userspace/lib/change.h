/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the settings of one `set` command line, which are also the
 * words of one line of the file `apply` reads.
 */
#ifndef MSSCLAMPCTL_CHANGE_H
#define MSSCLAMPCTL_CHANGE_H

#include <net/if.h>

#include "config.h"

struct setting;

/*
 * What one `set` names, checked for form: value[A] for each attribute A
 * that given[A] holds the word of (devs and ndevs for MSSCLAMP_A_DEVS).
 */
struct change {
	uint8_t family;
	const struct setting *given[MSSCLAMP_A_MAX + 1];
	uint32_t value[MSSCLAMP_A_MAX + 1];
	unsigned int ndevs;
	char devs[MSSCLAMP_MAX_DEVS][IFNAMSIZ];
};

/*
 * Parse the arguments of `set` (argv[0] is not looked at, argv[1] is the
 * family) into @chg, which must be zeroed. Errors are printed as
 * "mssclampctl: WHAT: ..." and -EINVAL returned (a usage error); 0 on
 * success.
 *
 * Numbers must be decimal and fit in 32 bits, interface names must be
 * names; the ranges are the module's (limit.h has them for apply).
 */
int change_parse(int argc, char *argv[], struct change *chg,
		 const char *what);

/* Fold @chg into @cfg: what it names replaces what @cfg had. */
void change_fold(struct config *cfg, const struct change *chg);

/* The change that sets the whole of @cfg (mss aside) for @family. */
void change_of_config(struct change *chg, uint8_t family,
		      const struct config *cfg);

#endif /* MSSCLAMPCTL_CHANGE_H */
