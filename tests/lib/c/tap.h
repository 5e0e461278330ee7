/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TAP recorder of the C tests (clamp_test, nft_test): one line a case,
 * "ok - PREFIXNAME" or "not ok - PREFIXNAME (WHY)", on stdout and appended
 * to the file tap_open() was given; tests/unit/run.sh and prove(1) count
 * them.
 *
 *   tap_open(argv[1], "unit: ");
 *   tap_result(ok, "a name", "why it failed");
 *   return tap_end("clamp_test");
 *
 * Built beside each test (cc ... tests/lib/c/tap.c -Itests/lib/c).
 */
#ifndef MSSCLAMP_TESTS_TAP_H
#define MSSCLAMP_TESTS_TAP_H

/* Record into PATH too (appended; NULL or "": stdout only); every name
 * starts with PREFIX. Exits with status 2 if PATH cannot be opened. */
void tap_open(const char *path, const char *prefix);

/* One case: passed if OK; WHY (NULL or "": "failed") goes with a failure. */
void tap_result(int ok, const char *name, const char *why);

/* The same, the name printf-like, failed without a why. */
void tap_resultf(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The cases so far, as "# WHAT: N passed, N failed" (WHAT NULL: nothing
 * printed); closes the file; returns the exit status, 1 if a case failed. */
int tap_end(const char *what);

#endif
