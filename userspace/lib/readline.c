// SPDX-License-Identifier: GPL-2.0
/* Reading one-line files: the module's sysfs attributes, sysctls. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "readline.h"

int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return -1;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (!ok) {
		errno = EIO;
		return -1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
