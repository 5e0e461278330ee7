// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: write a file atomically (see outfile.h). The temporary
 * name, PATH.XXXXXX, does not end in .prom, so the textfile collector
 * never reads a file half written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "errors.h"
#include "outfile.h"

FILE *outfile_open(struct outfile *o, const char *path, const char *what)
{
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (asprintf(&o->tmp, "%s.XXXXXX", path) < 0) {
		o->tmp = NULL;
		runtime_error("%s: %s", what, strerror(ENOMEM));
		return NULL;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		runtime_error("%s: cannot create a file beside '%s': %s", what,
			      path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return NULL;
	}
	/* mkstemp() makes it 0600; the collector runs as another user. */
	if (fchmod(fd, 0644) < 0 || !(o->f = fdopen(fd, "w"))) {
		runtime_error("%s: cannot write '%s': %s", what, o->tmp,
			      strerror(errno));
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return NULL;
	}
	return o->f;
}

int outfile_commit(struct outfile *o, const char *what)
{
	int err = 0;

	if (fflush(o->f) == EOF || ferror(o->f))
		err = errno ? errno : EIO;
	if (fclose(o->f) == EOF && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (err) {
		err = runtime_error("%s: cannot write '%s': %s", what, o->tmp,
				    strerror(err));
		outfile_abort(o);
		return err;
	}
	if (rename(o->tmp, o->path) < 0) {
		err = runtime_error("%s: cannot rename '%s' to '%s': %s", what,
				    o->tmp, o->path, strerror(errno));
		outfile_abort(o);
		return err;
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
	}
	o->tmp = NULL;
}
