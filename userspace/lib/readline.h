/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MSSCLAMPCTL_READLINE_H
#define MSSCLAMPCTL_READLINE_H

#include <stddef.h>

/* A small file's first line (sysfs, procfs), without the newline; -1 with errno. */
int read_line(const char *path, char *buf, size_t size);

#endif
