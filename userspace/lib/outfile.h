/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: a file that readers see whole or not at all: written as a
 * temporary file beside it, then renamed over it (rename(2) is atomic in
 * one directory). For the file node_exporter's textfile collector reads
 * while it is being replaced.
 */
#ifndef MSSCLAMPCTL_OUTFILE_H
#define MSSCLAMPCTL_OUTFILE_H

#include <stdio.h>

struct outfile {
	const char *path;
	char *tmp;		/* PATH.XXXXXX, in PATH's directory */
	FILE *f;
};

/*
 * Create the temporary file for @path (mode 0644, whatever the umask).
 * Returns the stream to write, or NULL once the error is printed; @what
 * names the command in errors.
 */
FILE *outfile_open(struct outfile *o, const char *path, const char *what);
/* Close it and rename it to its path: 0, or -errno once printed. */
int outfile_commit(struct outfile *o, const char *what);
/* Close it and remove it: nothing is left behind. */
void outfile_abort(struct outfile *o);

#endif /* MSSCLAMPCTL_OUTFILE_H */
