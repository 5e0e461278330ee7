/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the two kinds of error, each one line on stderr,
 * "mssclampctl: ...".
 */
#ifndef MSSCLAMPCTL_ERRORS_H
#define MSSCLAMPCTL_ERRORS_H

/* Print "mssclampctl: ...\n" on stderr; return EXIT_USAGE / EXIT_RUNTIME. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* MSSCLAMPCTL_ERRORS_H */
