// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: usage and runtime errors (see errors.h). Standard output is
 * flushed first, so that an error follows whatever was printed before it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "ctl.h"
#include "errors.h"

static void vmessage(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(PROG_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int runtime_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return EXIT_RUNTIME;
}
