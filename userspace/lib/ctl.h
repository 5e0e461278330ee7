/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the constants every file shares. Includes no other file of
 * the tool.
 *
 * Exit status: 0 success, 1 the kernel or the system refused (module not
 * loaded, extack error, no such namespace, write error), 2 bad command line
 * or a bad line in the file given to apply (nothing was changed).
 */
#ifndef MSSCLAMPCTL_CTL_H
#define MSSCLAMPCTL_CTL_H

#include <stdlib.h>		/* EXIT_SUCCESS */

#define PROG_NAME	"mssclampctl"

#ifndef MSSCLAMP_VERSION
#define MSSCLAMP_VERSION "unknown"
#endif

enum {
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* MSSCLAMPCTL_CTL_H */
