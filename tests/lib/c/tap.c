// SPDX-License-Identifier: GPL-2.0
/*
 * The TAP recorder of the C tests (see tap.h).
 */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static FILE *tap_file;
static const char *tap_prefix = "";
static unsigned int tap_passed, tap_failed;

void tap_open(const char *path, const char *prefix)
{
	tap_prefix = prefix ? prefix : "";
	if (!path || !*path)
		return;
	tap_file = fopen(path, "a");
	if (!tap_file) {
		perror(path);
		exit(2);
	}
}

void tap_result(int ok, const char *name, const char *why)
{
	char line[1024];

	if (ok)
		snprintf(line, sizeof(line), "ok - %s%s\n", tap_prefix, name);
	else
		snprintf(line, sizeof(line), "not ok - %s%s (%s)\n", tap_prefix,
			 name, why && *why ? why : "failed");
	fputs(line, stdout);
	fflush(stdout);
	if (tap_file) {
		fputs(line, tap_file);
		fflush(tap_file);
	}
	if (ok)
		tap_passed++;
	else
		tap_failed++;
}

void tap_resultf(int ok, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	tap_result(ok, name, NULL);
}

int tap_end(const char *what)
{
	if (what)
		printf("# %s: %u passed, %u failed\n", what, tap_passed,
		       tap_failed);
	if (tap_file)
		fclose(tap_file);
	tap_file = NULL;
	return tap_failed ? 1 : 0;
}
