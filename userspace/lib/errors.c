// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: usage and runtime errors (see errors.h). Standard output is
 * flushed first, so that an error follows whatever was printed before it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "ctl.h"
#include "errors.h"

/* The exit status of the first error printed; 0 before any. */
static int first_status;

/* Flush stdout, print "mssclampctl: FMT..." and a newline on stderr. */
static void vmessage(int status, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(PROG_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (!first_status)
		first_status = status;
}

#define MESSAGE(status, fmt) do {		\
	va_list ap;				\
	va_start(ap, fmt);			\
	vmessage(status, fmt, ap);		\
	va_end(ap);				\
} while (0)

int usage_error(const char *fmt, ...)
{
	MESSAGE(EXIT_USAGE, fmt);
	return -EINVAL;
}

int runtime_error(const char *fmt, ...)
{
	MESSAGE(EXIT_RUNTIME, fmt);
	return -EIO;
}

void note(const char *fmt, ...)
{
	MESSAGE(0, fmt);
}

int exit_status(int ret)
{
	if (ret >= 0)
		return ret;
	return first_status ? first_status : EXIT_RUNTIME;
}
