/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: what the subcommands share.
 *
 * Exit status: 0 success, 1 the kernel or the system refused (module not
 * loaded, extack error, no such namespace, write error), 2 bad command line
 * or a bad line in the file given to apply (nothing was changed).
 */
#ifndef MSSCLAMPCTL_CTL_H
#define MSSCLAMPCTL_CTL_H

#include <stdint.h>
#include <stdlib.h>		/* EXIT_SUCCESS */

#include "uapi/mssclamp.h"

#define PROG_NAME	"mssclampctl"

#ifndef MSSCLAMP_VERSION
#define MSSCLAMP_VERSION "unknown"
#endif

enum {
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

/* Print "mssclampctl: ...\n" on stderr; return EXIT_USAGE / EXIT_RUNTIME. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "ipv4" -> MSSCLAMP_FAMILY_IPV4, "ipv6" -> MSSCLAMP_FAMILY_IPV6; 0 else. */
uint8_t family_parse(const char *word);
/*
 * The optional family of "show", "stats", "stats reset": argv[1], if there
 * is one, into *@family (else 0). @accepted completes "expected ..." in
 * the error. Returns 0, or EXIT_USAGE once the error is printed.
 */
int family_arg(int argc, char *argv[], const char *what,
	       const char *accepted, uint8_t *family);
/* The reverse of family_parse(); NULL for a value the tool does not know. */
const char *family_name(uint8_t family);
/* Index of a family in per-family arrays: 0 for IPv4, 1 for IPv6, -1 else. */
int family_index(uint8_t family);
#define FAMILY_COUNT 2
extern const uint8_t families[FAMILY_COUNT];

/* Network namespace chosen with -n (NULL: stay), entered by nl_open. */
void netns_select(const char *name);
int netns_enter(void);

/* Flush stdout; on a write error print it and return EXIT_RUNTIME. */
int finish_output(void);

/* One per subcommand; argv[0] is the subcommand's name. */
int show_main(int argc, char *argv[]);
int set_main(int argc, char *argv[]);
int stats_main(int argc, char *argv[]);
int save_main(int argc, char *argv[]);
int apply_main(int argc, char *argv[]);
int version_main(int argc, char *argv[]);

#endif /* MSSCLAMPCTL_CTL_H */
