/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the one way errors are told.
 *
 * A function that fails returns -errno (or NULL, for one that returns a
 * pointer) once it has printed one line through here, "mssclampctl:
 * ...", where what went wrong is known; its callers pass the failure on
 * without a word. Only the subcommands' *_main() (and main(), for what
 * they return) turn it into an exit status, with exit_status(): 2 when
 * the line printed was a usage error, else 1.
 */
#ifndef MSSCLAMPCTL_ERRORS_H
#define MSSCLAMPCTL_ERRORS_H

/*
 * Print "mssclampctl: ...\n" on stderr, after flushing stdout. A usage
 * error (the command line or the file given to apply; nothing was sent)
 * returns -EINVAL; a runtime error (the kernel or the system refused)
 * returns -EIO.
 */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line, for what is no failure of its own (apply's rollback). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The exit status for @ret, what a subcommand's work returned: @ret itself
 * if not negative (0, or an exit status already), else EXIT_USAGE if the
 * first error printed was a usage error, else EXIT_RUNTIME.
 */
int exit_status(int ret);

#endif /* MSSCLAMPCTL_ERRORS_H */
